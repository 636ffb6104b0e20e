/**
 * A k-factor model of a correlation matrix, for large funds: C ≈ B·Bᵀ + D with B the n×k loadings
 * and D diagonal (idiosyncratic variances, D_i = 1 − Σ_j B_ij², so the model keeps a unit diagonal
 * and is positive semi-definite by construction). Sampling then costs n·(k + 1) per draw instead of
 * the Cholesky product's n²/2.
 *
 * Fitted by iterated principal-axis factoring: B from the top k eigenpairs of C − D, then D from B,
 * until D stops moving. Its fixed point reproduces every off-diagonal entry of a correlation that
 * has exactly k factors (C = B·Bᵀ + D, e.g. a block correlation), so the model is exact there; on a
 * generic matrix it is the best rank-k fit of the off-diagonal part. The top eigenpairs come from
 * subspace iteration warm-started from the previous round (n²·k per step, never the n³ of a full
 * decomposition), with a k×k Jacobi decomposition for the Rayleigh–Ritz step.
 */
import { symmetricEigen } from './jacobi-eigen.ts';

/** Stop when no idiosyncratic variance moves by more than this between rounds. */
const TOLERANCE = 1e-13;
const MAX_ROUNDS = 2_000;
/** Subspace-iteration steps per principal-axis round (warm-started, so a few suffice). */
const SUBSPACE_STEPS = 3;

/** A fitted factor model of an n×n correlation. */
export interface FactorModel {
  readonly markets: number;
  readonly factors: number;
  /** B, row-major n·k. */
  readonly loadings: Float64Array;
  /** √D_i per market: the idiosyncratic term's standard deviation. */
  readonly idiosyncratic: Float64Array;
  /** max_{i≠j} |C_ij − (B·Bᵀ)_ij|: how far the model's correlations are from the input's. */
  readonly maxAbsError: number;
}

/** Default k for n markets: √n rounded, at least 1 and below n. */
export function defaultFactorCount(markets: number): number {
  return Math.max(1, Math.min(markets - 1, Math.round(Math.sqrt(markets))));
}

/**
 * Fits a k-factor model to `matrix` (symmetric, unit diagonal).
 *
 * @throws Error when k is not an integer in [1, n]
 */
export function fitFactorModel(matrix: readonly (readonly number[])[], k: number): FactorModel {
  const n = matrix.length;
  if (!Number.isInteger(k) || k < 1 || k > n)
    throw new Error(`factor model: k must be in [1, ${n}], got ${k}`);
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) c[i * n + j] = matrix[i]?.[j] ?? 0;

  // Start from principal components (D = 0) and a deterministic basis.
  const d = new Float64Array(n);
  let basis: Float64Array = new Float64Array(n * k);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < k; j++) basis[i * k + j] = i % k === j ? 1 : 1 / (1 + i + j);
  orthonormalise(basis, n, k);
  const loadings = new Float64Array(n * k);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let values: Float64Array = new Float64Array(k);
    for (let step = 0; step < SUBSPACE_STEPS; step++) ({ basis, values } = subspaceStep(c, d, basis, n, k));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++)
        loadings[i * k + j] = basis[i * k + j]! * Math.sqrt(Math.max(0, values[j]!));
    }
    let moved = 0;
    for (let i = 0; i < n; i++) {
      let communality = 0;
      for (let j = 0; j < k; j++) communality += loadings[i * k + j]! ** 2;
      // A Heywood case (communality > 1) is capped: the market is then all factor, no idiosyncrasy.
      const next = Math.max(0, 1 - communality);
      moved = Math.max(moved, Math.abs(next - d[i]!));
      d[i] = next;
    }
    if (moved < TOLERANCE) break;
  }
  // Capped communalities: rescale those rows to a unit diagonal.
  for (let i = 0; i < n; i++) {
    let communality = 0;
    for (let j = 0; j < k; j++) communality += loadings[i * k + j]! ** 2;
    if (communality > 1) for (let j = 0; j < k; j++) loadings[i * k + j]! /= Math.sqrt(communality);
  }
  const idiosyncratic = Float64Array.from(d, (x) => Math.sqrt(x));
  return {
    markets: n,
    factors: k,
    loadings,
    idiosyncratic,
    maxAbsError: offDiagonalError(c, loadings, n, k),
  };
}

/** One subspace-iteration step on A = C − diag(d): Q ← orth(A·Q), then Rayleigh–Ritz. */
function subspaceStep(
  c: Float64Array,
  d: Float64Array,
  basis: Float64Array,
  n: number,
  k: number,
): { basis: Float64Array; values: Float64Array } {
  const product = multiply(c, d, basis, n, k);
  orthonormalise(product, n, k);
  // H = Qᵀ·A·Q (k×k), diagonalised: Q·V are the Ritz vectors, sorted by eigenvalue, largest first.
  const aq = multiply(c, d, product, n, k);
  const h: number[][] = [];
  for (let a = 0; a < k; a++) {
    const row: number[] = [];
    for (let b = 0; b < k; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += product[i * k + a]! * aq[i * k + b]!;
      row.push(s);
    }
    h.push(row);
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) h[a]![b] = h[b]![a] = (h[a]![b]! + h[b]![a]!) / 2;
  const eig = symmetricEigen(h);
  const order = Array.from({ length: k }, (_, j) => j).sort(
    (x, y) => eig.values[y]! - eig.values[x]! || x - y,
  );
  const next = new Float64Array(n * k);
  const values = new Float64Array(k);
  order.forEach((src, dst) => {
    values[dst] = eig.values[src]!;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let a = 0; a < k; a++) s += product[i * k + a]! * eig.vectors[a * k + src]!;
      next[i * k + dst] = s;
    }
  });
  return { basis: next, values };
}

/** (C − diag(d))·Q for Q n×k row-major. */
function multiply(c: Float64Array, d: Float64Array, q: Float64Array, n: number, k: number): Float64Array {
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let m = 0; m < n; m++) {
      const a = m === i ? c[row + m]! - d[i]! : c[row + m]!;
      if (a === 0) continue;
      for (let j = 0; j < k; j++) out[i * k + j]! += a * q[m * k + j]!;
    }
  }
  return out;
}

/** Modified Gram–Schmidt on the columns of Q (n×k row-major), in place. */
function orthonormalise(q: Float64Array, n: number, k: number): void {
  for (let j = 0; j < k; j++) {
    for (let p = 0; p < j; p++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += q[i * k + j]! * q[i * k + p]!;
      for (let i = 0; i < n; i++) q[i * k + j]! -= dot * q[i * k + p]!;
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += q[i * k + j]! ** 2;
    norm = Math.sqrt(norm);
    // A degenerate column (a matrix of rank < k) becomes a unit vector orthogonal enough to go on.
    if (norm < 1e-300) {
      q[(j % n) * k + j] = 1;
      continue;
    }
    for (let i = 0; i < n; i++) q[i * k + j]! /= norm;
  }
}

function offDiagonalError(c: Float64Array, b: Float64Array, n: number, k: number): number {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let m = 0; m < i; m++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += b[i * k + j]! * b[m * k + j]!;
      worst = Math.max(worst, Math.abs(c[i * n + m]! - s));
    }
  }
  return worst;
}

/** The correlation the model samples: B·Bᵀ off the diagonal, 1 on it (B·Bᵀ + D). */
export function factorCorrelation(model: FactorModel): number[][] {
  const { markets: n, factors: k, loadings } = model;
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, m) => {
      if (i === m) return 1;
      let s = 0;
      for (let j = 0; j < k; j++) s += loadings[i * k + j]! * loadings[m * k + j]!;
      return s;
    }),
  );
}
