/**
 * Correlation-only PSD repair (pure): eigenvalue clipping with the engine's cyclic Jacobi
 * eigen-decomposition (lambda/model/linalg), then rescaling to a unit diagonal. Pairwise EWMA
 * correlations over different day sets, or a matrix stitched from fresh and stale rows, can be
 * slightly indefinite; the model's Cholesky needs PSD. Kept here (not in the engine's
 * `prepareCorrelation`, which rejects eigenvalues below −0.05) because ingest must hand the engine
 * a valid snapshot however far the stitched matrix is off.
 */
import { symmetricEigen } from '../../model/linalg/jacobi-eigen.ts';

/** Smallest eigenvalue kept after clipping; strictly positive so Cholesky succeeds. */
export const MIN_EIGENVALUE = 1e-8;

/** A repaired correlation matrix and what was done. */
export interface PsdRepair {
  readonly matrix: number[][];
  readonly repaired: boolean;
  readonly minEigenvalue: number;
}

/**
 * Returns `corr` unchanged when its smallest eigenvalue is ≥ 0 (within 1e-12), else the nearest-ish
 * PSD correlation by clipping eigenvalues at {@link MIN_EIGENVALUE} and rescaling to unit diagonal.
 */
export function repairCorrelation(corr: readonly (readonly number[])[]): PsdRepair {
  const n = corr.length;
  const { values, vectors } = symmetricEigen(corr);
  const minEigenvalue = Math.min(...values);
  if (minEigenvalue >= -1e-12) return { matrix: corr.map((r) => [...r]), repaired: false, minEigenvalue };
  const clipped = values.map((x) => Math.max(x, MIN_EIGENVALUE));
  const b = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let k = 0; k < n; k++)
        s += (vectors[i * n + k] as number) * (clipped[k] as number) * (vectors[j * n + k] as number);
      return s;
    }),
  );
  const d = b.map((row, i) => Math.sqrt(row[i] as number));
  const matrix = b.map((row, i) =>
    row.map((x, j) => (i === j ? 1 : Math.max(-1, Math.min(1, x / ((d[i] as number) * (d[j] as number)))))),
  );
  // Exact symmetry after floating-point work.
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) matrix[j]![i] = matrix[i]![j] as number;
  return { matrix, repaired: true, minEigenvalue };
}
