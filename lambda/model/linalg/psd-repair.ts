/**
 * Making a correlation matrix usable by the Monte Carlo: accept it when it is positive semi-definite,
 * repair it by eigenvalue clipping when it is only slightly not (estimation noise, rounding in a
 * hand-edited file), and reject it otherwise — a matrix far from PSD is a mistake, not noise.
 */
import { InvalidInputError } from '../validation.ts';
import { choleskyLower } from './cholesky.ts';
import { symmetricEigen } from './jacobi-eigen.ts';

/**
 * The most negative eigenvalue that is still repaired. Below it the matrix is rejected: clipping a
 * −0.05 eigenvalue of a unit-diagonal matrix moves entries by at most a few hundredths, beyond that
 * the repair would silently change the correlations a user wrote.
 */
export const PSD_REJECT_TOLERANCE = 0.05;

/** A correlation ready for sampling. */
export interface PreparedCorrelation {
  /** The matrix used (the input itself when it was PSD). */
  readonly matrix: number[][];
  /** Its lower Cholesky factor, row-major n·n. */
  readonly cholesky: Float64Array;
  /** True when eigenvalue clipping changed the matrix. */
  readonly repaired: boolean;
  /** The smallest eigenvalue of the input (computed only when the Cholesky check failed, else null). */
  readonly minEigenvalue: number | null;
  /** Human-readable notes on the repair (empty when none was needed). */
  readonly warnings: string[];
}

/**
 * Checks and, if needed, repairs `matrix` (a square, symmetric, unit-diagonal correlation):
 * eigenvalues below zero are clipped to zero and the result is rescaled to a unit diagonal.
 *
 * @throws InvalidInputError (field `correlation`) when the smallest eigenvalue is below −{@link PSD_REJECT_TOLERANCE}
 */
export function prepareCorrelation(matrix: readonly (readonly number[])[]): PreparedCorrelation {
  const direct = choleskyLower(matrix);
  const copy = matrix.map((row) => [...row]);
  if (direct !== null) {
    return { matrix: copy, cholesky: direct, repaired: false, minEigenvalue: null, warnings: [] };
  }
  const n = matrix.length;
  const { values, vectors } = symmetricEigen(matrix);
  const minEigenvalue = Math.min(...values);
  if (minEigenvalue < -PSD_REJECT_TOLERANCE) {
    throw new InvalidInputError(
      `correlation: not positive semi-definite, smallest eigenvalue ${round(minEigenvalue)} is below -${PSD_REJECT_TOLERANCE} (too far to repair)`,
      'correlation',
    );
  }
  const clipped = clipEigenvalues(values, vectors, n);
  const cholesky = choleskyLower(clipped);
  if (cholesky === null) {
    throw new InvalidInputError('correlation: eigenvalue clipping did not give a PSD matrix', 'correlation');
  }
  let maxChange = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      maxChange = Math.max(maxChange, Math.abs((clipped[i]?.[j] ?? 0) - (matrix[i]?.[j] ?? 0)));
    }
  }
  return {
    matrix: clipped,
    cholesky,
    repaired: true,
    minEigenvalue,
    warnings: [
      `correlation was not positive semi-definite (smallest eigenvalue ${round(minEigenvalue)}); repaired by eigenvalue clipping, largest entry change ${round(maxChange)}`,
    ],
  };
}

/** V·diag(max(λ, 0))·Vᵀ rescaled to a unit diagonal. */
function clipEigenvalues(values: Float64Array, vectors: Float64Array, n: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += vectors[i * n + k]! * Math.max(values[k]!, 0) * vectors[j * n + k]!;
      row.push(s);
    }
    out.push(row);
  }
  const scale = out.map((row, i) => 1 / Math.sqrt(row[i]!));
  return out.map((row, i) => row.map((x, j) => (i === j ? 1 : x * scale[i]! * scale[j]!)));
}

function round(x: number): string {
  return Number(x.toPrecision(4)).toString();
}
