/**
 * The Monte Carlo of docs/MODEL.md §9: N correlated Student-t (or Gaussian) shocks through every market's
 * liquidation cascade, reduced on the fly to VaR, ES, per-market Euler contributions and a batch-means
 * standard error of ES.
 *
 * The kernel is written for speed: all markets' cascade tables in flat typed arrays, every generator
 * stream in one Int32Array, the ziggurat's fast path and the cascade inlined (V8's inlining budget
 * would otherwise leave calls that box a double per market and path). No allocation per path.
 */

import { chiSquareConstants, chiSquareDraw, independentStreams } from '../../random/samplers.ts';
import { xoshiroNext } from '../../random/xoshiro128.ts';
import { normalSlowPath, ZIGGURAT } from '../../random/ziggurat.ts';
import type { CascadeTable, LiquidationBook } from './liquidation-book.ts';
import { TailHeap } from './tail-heap.ts';

/** Most batches of the batch-means standard error of ES. */
export const ES_BATCHES = 20;
/**
 * Fewest tail scenarios a batch must average for its ES to estimate the same quantity as the full
 * run: below it a batch's "ES" is only its few largest losses, and the spread of those says little
 * about the error of the run's ES.
 */
export const MIN_BATCH_TAIL = 10;

/**
 * Batches of the ES standard error for a run whose ES averages `tailCount` scenarios: up to
 * {@link ES_BATCHES}, fewer when that would leave a batch fewer than {@link MIN_BATCH_TAIL} tail
 * scenarios, never fewer than 2 (a spread needs two).
 */
export function esBatchCount(tailCount: number): number {
  return Math.max(2, Math.min(ES_BATCHES, Math.floor(tailCount / MIN_BATCH_TAIL)));
}
/** Progress is reported every this many paths. */
const PROGRESS_EVERY = 1 << 16;

/** Everything the simulation needs, already prepared (books, Cholesky factor). */
export interface MonteCarloInput {
  readonly books: readonly LiquidationBook[];
  /** Cascade tables at liquidity factor 1, one per market. */
  readonly tables: readonly CascadeTable[];
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
 * (N − ⌈α·N⌉ + 1)-th largest; ES averages the max(1, N − ⌈α·N⌉) largest. α·N is lowered by 1e-7
 * before the ceiling so that 0.999·10⁶ counts as 999000 despite binary rounding.
 */
export function tailSizes(paths: number, confidence: number): { varRankFromTop: number; tailCount: number } {
  const varRank = Math.min(paths, Math.max(1, Math.ceil(confidence * paths - 1e-7)));
  return { varRankFromTop: paths - varRank + 1, tailCount: Math.max(1, paths - varRank) };
}

/**
 * All markets' cascade tables in flat arrays of stride buckets + 1, each row ending in a +Infinity
 * sentinel (breaks, margins) or a repeat of its last value (impact, cumulative sums), so the kernel's
 * scans need no bounds checks.
 */
interface FlatBooks {
  readonly stride: number;
  readonly breaks: Float64Array;
  readonly margins: Float64Array;
  readonly impact: Float64Array;
  readonly cumShare: Float64Array;
  readonly cumShareMargin: Float64Array;
  readonly openInterest: Float64Array;
}

function flattenBooks(books: readonly LiquidationBook[], tables: readonly CascadeTable[]): FlatBooks {
  const stride = Math.max(...books.map((b) => b.bucketCount)) + 1;
  const n = books.length;
  const flat: FlatBooks = {
    stride,
    breaks: new Float64Array(n * stride).fill(Number.POSITIVE_INFINITY),
    margins: new Float64Array(n * stride).fill(Number.POSITIVE_INFINITY),
    impact: new Float64Array(n * stride),
    cumShare: new Float64Array(n * stride),
    cumShareMargin: new Float64Array(n * stride),
    openInterest: Float64Array.from(books, (b) => b.openInterestUsd),
  };
  books.forEach((book, i) => {
    const table = tables[i]!;
    const base = i * stride;
    for (let j = 0; j < stride; j++) {
      const last = Math.min(j, book.bucketCount);
      if (j < book.bucketCount) {
        flat.breaks[base + j] = table.breaks[j]!;
        flat.margins[base + j] = book.margins[j]!;
      }
      flat.impact[base + j] = table.impact[last]!;
      flat.cumShare[base + j] = book.cumShare[last]!;
      flat.cumShareMargin[base + j] = book.cumShareMargin[last]!;
    }
  });
  return flat;
}

/**
 * Runs the simulation. Stream 0 draws the shared χ², stream i+1 the normals of market i (each a
 * jumped xoshiro128** stream), so adding or reordering markets never changes another market's shocks
 * and two perfectly correlated markets see exactly the same shock.
 */
export function runMonteCarlo(input: MonteCarloInput): MonteCarloEstimate {
  const n = input.books.length;
  const N = input.paths;
  const states = new Int32Array(4 * (n + 1));
  independentStreams(input.seed, n + 1).forEach((s, i) => {
    states.set(s.state, 4 * i);
  });
  const chi = input.tailDof === null ? null : chiSquareConstants(input.tailDof);
  const chiD = chi?.d ?? 0;
  const chiC = chi?.c ?? 0;
  const dofMinus2 = input.tailDof === null ? 0 : input.tailDof - 2;
  const { windowVols, cholesky } = input;
  const { stride, breaks, margins, impact, cumShare, cumShareMargin, openInterest } = flattenBooks(
    input.books,
    input.tables,
  );
  const zigK = ZIGGURAT.k;
  const zigW = ZIGGURAT.w;

  const { varRankFromTop, tailCount } = tailSizes(N, input.confidence);
  const heap = new TailHeap(Math.max(varRankFromTop, tailCount), n);
  const batches = esBatchCount(tailCount);
  const batchHeap = new TailHeap(tailSizes(Math.ceil(N / batches), input.confidence).tailCount + 1, 0);
  const batchEs = new Float64Array(batches);
  const z = new Float64Array(n);
  const pathLoss = new Float64Array(n);

  let path = 0;
  for (let b = 0; b < batches; b++) {
    const end = Math.floor(((b + 1) * N) / batches);
    const batchTail = tailSizes(end - path, input.confidence).tailCount;
    batchHeap.reset(batchTail);
    let heapFloor = heap.floor;
    let batchFloor = batchHeap.floor;
    for (; path < end; path++) {
      const tScale = chi === null ? 1 : Math.sqrt(dofMinus2 / chiSquareDraw(states, 0, chiD, chiC));
      let total = 0;
      for (let i = 0; i < n; i++) {
        // z_i ~ N(0, 1) from stream i + 1 (ziggurat fast path inline).
        const o = 4 * (i + 1);
        const word = xoshiroNext(states, o);
        const layer = word & 127;
        const j = word >> 7;
        z[i] = (j < 0 ? -j : j) < zigK[layer]! ? j * zigW[layer]! : normalSlowPath(states, o, j, layer);
        // Correlate: y_i = Σ_{k ≤ i} L_ik z_k (four accumulators break the add latency chain on
        // large funds), then the simple return r = σ√τ·T capped at −100%.
        const row = i * n;
        let y0 = 0;
        let y1 = 0;
        let y2 = 0;
        let y3 = 0;
        let k = 0;
        for (; k + 3 <= i; k += 4) {
          y0 += cholesky[row + k]! * z[k]!;
          y1 += cholesky[row + k + 1]! * z[k + 1]!;
          y2 += cholesky[row + k + 2]! * z[k + 2]!;
          y3 += cholesky[row + k + 3]! * z[k + 3]!;
        }
        for (; k <= i; k++) y0 += cholesky[row + k]! * z[k]!;
        const r = windowVols[i]! * (y0 + y1 + (y2 + y3)) * tScale;
        // Losing side: longs (move −r, capped at 1) when r < 0, shorts (move r, no cap) when r > 0.
        const x0 = r < 0 ? (r < -1 ? 1 : -r) : r;
        const base = i * stride;
        let loss = 0;
        if (x0 > 0 && x0 >= breaks[base]!) {
          let liquidated = 1;
          while (breaks[base + liquidated]! <= x0) liquidated++;
          let x = x0 + impact[base + liquidated]!;
          if (r < 0 && x > 1) x = 1;
          let bankrupt = 0;
          while (margins[base + bankrupt]! < x) bankrupt++;
          const perUnit = x * cumShare[base + bankrupt]! - cumShareMargin[base + bankrupt]!;
          if (perUnit > 0) loss = openInterest[i]! * perUnit;
        }
        pathLoss[i] = loss;
        total += loss;
      }
      if (total > heapFloor) heapFloor = heap.offer(total, pathLoss);
      if (total > batchFloor) batchFloor = batchHeap.offer(total, pathLoss);
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
