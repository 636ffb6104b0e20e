/**
 * Correlation-only PSD repair (pure): eigenvalue clipping with a cyclic Jacobi eigen-decomposition,
 * then rescaling to a unit diagonal. Pairwise EWMA correlations over different day sets, or a matrix
 * stitched from fresh and stale rows, can be slightly indefinite; the model's Cholesky needs PSD.
 * Kept here (not in lambda/model/) because ingest must hand the engine a valid snapshot on its own.
 */

/** Smallest eigenvalue kept after clipping; strictly positive so Cholesky succeeds. */
export const MIN_EIGENVALUE = 1e-8;

/** Eigenvalues and eigenvectors (columns of `vectors`) of a symmetric matrix. */
export function symmetricEigen(matrix: readonly (readonly number[])[]): {
  values: number[];
  vectors: number[][];
} {
  const n = matrix.length;
  const a = matrix.map((row) => [...row]);
  const v = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j): number => (i === j ? 1 : 0)),
  );
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += (a[p]![q] as number) ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p]![q] as number;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = ((a[q]![q] as number) - (a[p]![p] as number)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p] as number;
          const akq = a[k]![q] as number;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k] as number;
          const aqk = a[q]![k] as number;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p] as number;
          const vkq = v[k]![q] as number;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: a.map((row, i) => row[i] as number), vectors: v };
}

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
        s += (vectors[i]![k] as number) * (clipped[k] as number) * (vectors[j]![k] as number);
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
