/**
 * One side of a market's book as a continuous distribution of distance to bankruptcy (docs/MODEL.md §2
 * step 2). Each leverage bucket keeps its share and its mean margin but is spread uniformly over
 * ±{@link BUCKET_SPREAD} of that margin, so the liquidated notional is continuous in the move (no
 * point masses, no cliff when a move crosses a bucket's margin). No position sits closer to
 * bankruptcy than the floor max(1/maxLeverage, maintenanceMargin).
 *
 * The mixture of uniforms has a piecewise-constant density over sorted edges; the kernel needs its
 * CDF G(d) (share of OI at distance ≤ d) and first moment H(d) = ∫₀^d s dG(s), both piecewise
 * polynomial, so every liquidation's bad debt and income are closed forms (flat-book.ts evaluates
 * them).
 */
import type { LeverageBucket } from '../../schemas.ts';

/** Relative half-width of a bucket's uniform spread: margin 0.04 covers [0.02, 0.06]. */
export const BUCKET_SPREAD = 0.5;
/** Narrowest spread a bucket gets when the floor squeezes it, as a fraction of its margin. */
const MIN_RELATIVE_WIDTH = 1e-6;

/** The distance distribution of one side, over `edges.length − 1` segments of constant density. */
export interface DistanceBook {
  /** Sorted segment edges (distance, fraction of notional at the current price). */
  readonly edges: Float64Array;
  /** G at each edge: share of the side's OI at distance ≤ edge (0 … 1). */
  readonly cdf: Float64Array;
  /** H at each edge: ∫ s dG(s) up to the edge. */
  readonly moment: Float64Array;
  /** Density of each segment (share per unit distance). */
  readonly density: Float64Array;
  /** Mean distance Σ share·margin after flooring (equal to the profile's mean when no floor binds). */
  readonly meanDistance: number;
  /** Buckets whose mean lay at or below the floor and were moved onto it (for the result's warnings). */
  readonly raisedBuckets: number;
}

/**
 * Builds the distance book of a leverage profile.
 *
 * @param profile - buckets {margin, share}, shares summing to 1 (validated by the schema)
 * @param floor - smallest distance any position may have: max(1/maxLeverage, maintenanceMargin)
 * @example
 * const book = buildDistanceBook([{ margin: 0.04, share: 1 }], 0.01); // uniform on [0.02, 0.06]
 */
export function buildDistanceBook(profile: readonly LeverageBucket[], floor: number): DistanceBook {
  const intervals: { lo: number; hi: number; share: number }[] = [];
  let raisedBuckets = 0;
  for (const bucket of profile) {
    if (bucket.share <= 0) continue;
    let lo = bucket.margin * (1 - BUCKET_SPREAD);
    let hi = bucket.margin * (1 + BUCKET_SPREAD);
    if (lo < floor) {
      // Keep the mean where it can be kept: [floor, 2·margin − floor]. A bucket whose mean is at or
      // below the floor cannot exist at that leverage: it moves to the floor, spread as a bucket
      // there would be ([floor, floor·(1 + 2·spread)]), so no point mass forms.
      lo = floor;
      hi = 2 * bucket.margin - floor;
      if (bucket.margin <= floor) {
        raisedBuckets++;
        hi = floor * (1 + 2 * BUCKET_SPREAD);
      } else if (hi - lo < floor * MIN_RELATIVE_WIDTH) {
        hi = lo + floor * MIN_RELATIVE_WIDTH;
      }
    }
    intervals.push({ lo, hi, share: bucket.share });
  }
  const edgeSet = [...new Set(intervals.flatMap((i) => [i.lo, i.hi]))].sort((a, b) => a - b);
  const m = edgeSet.length - 1;
  const edges = Float64Array.from(edgeSet);
  const density = new Float64Array(Math.max(m, 0));
  for (const { lo, hi, share } of intervals) {
    const rho = share / (hi - lo);
    for (let j = 0; j < m; j++) {
      if (edges[j]! >= lo && edges[j + 1]! <= hi) density[j]! += rho;
    }
  }
  const cdf = new Float64Array(m + 1);
  const moment = new Float64Array(m + 1);
  for (let j = 0; j < m; j++) {
    const a = edges[j]!;
    const b = edges[j + 1]!;
    cdf[j + 1] = cdf[j]! + density[j]! * (b - a);
    moment[j + 1] = moment[j]! + (density[j]! * (b * b - a * a)) / 2;
  }
  // Rounding leaves the last CDF a few ulps off 1: pin it so a fully liquidated side is exactly OI.
  const total = cdf[m]!;
  if (total > 0) {
    for (let j = 0; j <= m; j++) {
      cdf[j]! /= total;
      moment[j]! /= total;
    }
    for (let j = 0; j < m; j++) density[j]! /= total;
  }
  return { edges, cdf, moment, density, meanDistance: moment[m]!, raisedBuckets };
}
