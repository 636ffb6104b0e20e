/**
 * The leverage distribution from the open-interest decline of past cascades. A crash of adverse move
 * A liquidates the longs whose distance to bankruptcy is at most A + maintenance margin, so the
 * share of OI that closed during the cascade estimates the distance CDF G(A + mm) of the book. The
 * default profile is a log-normal distance distribution (median, log-sd) put on fixed bucket
 * margins and fitted to those points by least squares; G is the path engine's own (each bucket
 * spread ±50%).
 */
import { buildDistanceBook } from '../model/engines/path/distance-book.ts';
import type { LeverageBucket } from '../model/schemas.ts';

/** Bucket margins of the fitted family; 1 = no price move can bankrupt it (hedged, unlevered). */
export const FAMILY_MARGINS = [0.01, 0.02, 0.04, 0.1, 0.2, 0.5, 1] as const;

/** One observed cascade: the adverse move and the share of OI that closed. */
export interface OiDecline {
  readonly label: string;
  readonly adverseMove: number;
  readonly oiDecline: number;
  readonly maintenanceMargin: number;
  readonly source: string;
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/**
 * A log-normal distance distribution of median `median` and log-sd `sd` on {@link FAMILY_MARGINS}:
 * each margin takes the mass between the geometric midpoints to its neighbours (the last all above).
 * Shares are rounded to 1e-4 and the largest absorbs the rounding, so they sum to 1.
 */
export function leverageFamily(median: number, sd: number): LeverageBucket[] {
  const m = FAMILY_MARGINS;
  const cdf = (x: number) => normalCdf((Math.log(x) - Math.log(median)) / sd);
  const shares = m.map((_, i) => {
    const lo = i === 0 ? 0 : cdf(Math.sqrt(m[i - 1]! * m[i]!));
    const hi = i === m.length - 1 ? 1 : cdf(Math.sqrt(m[i]! * m[i + 1]!));
    return Math.round((hi - lo) * 1e4) / 1e4;
  });
  // The largest bucket absorbs the rounding, so the shares sum to 1 (in units of 1e-4, exactly).
  const largest = shares.indexOf(Math.max(...shares));
  const others = shares.reduce((a, b, i) => (i === largest ? a : a + Math.round(b * 1e4)), 0);
  shares[largest] = (1e4 - others) / 1e4;
  return m.map((margin, i) => ({ margin, share: shares[i]! })).filter((b) => b.share > 0);
}

/** The share of a side's OI whose distance is within `move` + mm: G(move + mm) of the engine's book. */
export function liquidatedShare(
  profile: readonly LeverageBucket[],
  move: number,
  maintenanceMargin: number,
): number {
  const book = buildDistanceBook(profile, maintenanceMargin);
  const d = move + maintenanceMargin;
  const { edges, cdf, density } = book;
  if (d <= edges[0]!) return 0;
  for (let j = 0; j < density.length; j++) {
    if (d < edges[j + 1]!) return cdf[j]! + density[j]! * (d - edges[j]!);
  }
  return cdf[cdf.length - 1]!;
}

/** Sum of squared errors of the family at (median, sd) against the declines. */
export function declineError(points: readonly OiDecline[], median: number, sd: number): number {
  const profile = leverageFamily(median, sd);
  return points.reduce(
    (s, p) => s + (liquidatedShare(profile, p.adverseMove, p.maintenanceMargin) - p.oiDecline) ** 2,
    0,
  );
}

/** The least-squares (median, sd) over a grid, and the fitted profile. */
export function fitLeverageFamily(
  points: readonly OiDecline[],
  medians: readonly number[],
  sds: readonly number[],
): { median: number; sd: number; error: number; profile: LeverageBucket[] } {
  let best = { median: medians[0]!, sd: sds[0]!, error: Number.POSITIVE_INFINITY };
  for (const median of medians) {
    for (const sd of sds) {
      const error = declineError(points, median, sd);
      if (error < best.error) best = { median, sd, error };
    }
  }
  return { ...best, profile: leverageFamily(best.median, best.sd) };
}
