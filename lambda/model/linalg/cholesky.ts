/**
 * Cholesky factorisation C = L·Lᵀ of a positive semi-definite matrix, tolerant of zero pivots (a
 * perfectly correlated pair of markets is a legitimate, singular correlation).
 */

/** A pivot or residual within this of zero counts as zero (rounding on a unit-diagonal matrix). */
const ZERO_PIVOT = 1e-10;

/**
 * The lower-triangular factor of `matrix`, row-major in a Float64Array of n·n, or null when the
 * matrix is not positive semi-definite (a negative pivot, or a zero pivot with a non-zero residual).
 *
 * @param matrix - square symmetric matrix (only the lower triangle is read)
 */
export function choleskyLower(matrix: readonly (readonly number[])[]): Float64Array | null {
  const n = matrix.length;
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = matrix[j]?.[j] ?? Number.NaN;
    for (let k = 0; k < j; k++) d -= l[j * n + k]! * l[j * n + k]!;
    if (!(d > -ZERO_PIVOT)) return null;
    const pivot = d > ZERO_PIVOT ? Math.sqrt(d) : 0;
    l[j * n + j] = pivot;
    for (let i = j + 1; i < n; i++) {
      let s = matrix[i]?.[j] ?? Number.NaN;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (pivot === 0) {
        // A zero pivot is consistent only if the whole residual column is zero too.
        if (!(Math.abs(s) <= 1e-8)) return null;
        l[i * n + j] = 0;
      } else {
        l[i * n + j] = s / pivot;
      }
    }
  }
  return l;
}
