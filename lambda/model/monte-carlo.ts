/**
 * The Monte Carlo of DESIGN.md §4: N correlated Student-t (or Gaussian) shocks through every market's
 * liquidation cascade, reduced on the fly to VaR, ES, per-market Euler contributions and a batch-means
 * standard error of ES. No allocation per path: typed buffers are allocated once per run.
 */
import { type LiquidationBook, marketLoss } from './liquidation-book.ts';
import { ChiSquareSampler, independentStreams, NormalSampler } from './random/samplers.ts';
import { TailHeap } from './tail-heap.ts';

/** Number of batches of the batch-means standard error of ES. */
export const ES_BATCHES = 20;
/** Progress is reported every this many paths. */
const PROGRESS_EVERY = 1 << 16;

/** Everything the simulation needs, already prepared (books, Cholesky factor). */
export interface MonteCarloInput {
  readonly books: readonly LiquidationBook[];
  /** Impact tables at liquidity factor 1, one per market. */
  readonly impacts: readonly Float64Array[];
  /** σ·√τ per market: the standard deviation of the simple return over the window. */
  readonly windowVols: Float64Array;
  /** Lower Cholesky factor of the correlation, row-major n·n. */
  readonly cholesky: Float64Array;
  /** Student-t degrees of freedom ν > 2, or null for Gaussian shocks. */
  readonly tailDof: number | null;
  readonly paths: number;
  readonly seed: number;
  /** α in (0, 1). */
  readonly confidence: number;
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
}

/** The Monte Carlo estimates; USD, losses positive. */
export interface MonteCarloEstimate {
  readonly varUsd: number;
  readonly esUsd: number;
  readonly esStdErrorUsd: number;
  /** Number of tail scenarios averaged by ES: max(1, N − ⌈α·N⌉). */
  readonly tailCount: number;
  /** Per-market mean loss over the tail scenarios; sums to `esUsd`. */
  readonly esContributions: Float64Array;
}

/**
 * Tail sizes for N paths at confidence α: VaR is the ⌈α·N⌉-th smallest loss, i.e. the
 * (N − ⌈α·N⌉ + 1)-th largest; ES averages the max(1, N − ⌈α·N⌉) largest. α·N is rounded down by
 * 1e-7 before the ceiling so that 0.999·10⁶ counts as 999000 despite binary rounding.
 */
export function tailSizes(paths: number, confidence: number): { varRankFromTop: number; tailCount: number } {
  const varRank = Math.min(paths, Math.max(1, Math.ceil(confidence * paths - 1e-7)));
  return { varRankFromTop: paths - varRank + 1, tailCount: Math.max(1, paths - varRank) };
}

/**
 * Runs the simulation. Each market draws its normals from its own jumped xoshiro128** stream, and the
 * shared χ² from stream 0, so adding or reordering markets never changes another market's shocks
 * (and two perfectly correlated markets see exactly the same shock).
 */
export function runMonteCarlo(input: MonteCarloInput): MonteCarloEstimate {
  const n = input.books.length;
  const N = input.paths;
  const streams = independentStreams(input.seed, n + 1);
  const chi = input.tailDof === null ? null : new ChiSquareSampler(streams[0]!, input.tailDof);
  const dofMinus2 = input.tailDof === null ? 0 : input.tailDof - 2;
  const normals = streams.slice(1).map((s) => new NormalSampler(s));
  const { books, impacts, windowVols, cholesky } = input;

  const { varRankFromTop, tailCount } = tailSizes(N, input.confidence);
  const heap = new TailHeap(Math.max(varRankFromTop, tailCount), n);
  const batchHeap = new TailHeap(tailSizes(Math.ceil(N / ES_BATCHES), input.confidence).tailCount + 1, 0);
  const batchEs = new Float64Array(ES_BATCHES);
  const z = new Float64Array(n);
  const pathLoss = new Float64Array(n);

  let path = 0;
  for (let b = 0; b < ES_BATCHES; b++) {
    const end = Math.floor(((b + 1) * N) / ES_BATCHES);
    const batchTail = tailSizes(end - path, input.confidence).tailCount;
    batchHeap.reset(batchTail);
    for (; path < end; path++) {
      const tScale = chi === null ? 1 : Math.sqrt(dofMinus2 / chi.next());
      for (let i = 0; i < n; i++) z[i] = normals[i]!.next();
      let total = 0;
      for (let i = 0; i < n; i++) {
        const row = i * n;
        let y = 0;
        for (let j = 0; j <= i; j++) y += cholesky[row + j]! * z[j]!;
        const loss = marketLoss(books[i]!, windowVols[i]! * y * tScale, impacts[i]!);
        pathLoss[i] = loss;
        total += loss;
      }
      if (total > heap.floor) heap.offer(total, pathLoss);
      if (total > batchHeap.floor) batchHeap.offer(total, pathLoss);
      if ((path & (PROGRESS_EVERY - 1)) === PROGRESS_EVERY - 1) input.onProgress?.(path + 1, N);
    }
    batchEs[b] = batchHeap.sum() / batchTail;
  }
  input.onProgress?.(N, N);

  const sorted = heap.sortedDescending();
  const esContributions = new Float64Array(n);
  let esSum = 0;
  for (let k = 0; k < tailCount; k++) {
    esSum += sorted.totals[k]!;
    for (let i = 0; i < n; i++) esContributions[i]! += sorted.components[k * n + i]!;
  }
  for (let i = 0; i < n; i++) esContributions[i]! /= tailCount;
  return {
    varUsd: sorted.totals[varRankFromTop - 1]!,
    esUsd: esSum / tailCount,
    esStdErrorUsd: batchMeansStdError(batchEs),
    tailCount,
    esContributions,
  };
}

/** Standard error of the mean of the batch estimates: sd(ES_b)/√B. */
function batchMeansStdError(estimates: Float64Array): number {
  const b = estimates.length;
  let mean = 0;
  for (let i = 0; i < b; i++) mean += estimates[i]!;
  mean /= b;
  let ss = 0;
  for (let i = 0; i < b; i++) ss += (estimates[i]! - mean) ** 2;
  return Math.sqrt(ss / (b - 1) / b);
}
