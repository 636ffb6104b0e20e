/**
 * The liquidation-window gap model of one market (docs/MODEL.md §9), precomputed so that a
 * Monte Carlo path costs a few comparisons: buckets sorted by margin, cumulative shares, and the
 * impact for every number of liquidated buckets.
 *
 * Conventions: `x` is the adverse move as a fraction of the price (≥ 0); a bucket of margin m is
 * liquidated when x ≥ m − maintenanceMargin and owes bad debt OI·share·max(0, x − m).
 */
import type { SnapshotMarket } from '../../schemas.ts';

/** The per-market constants of the cascade. Arrays are indexed by buckets sorted by margin. */
export interface LiquidationBook {
  readonly openInterestUsd: number;
  readonly bucketCount: number;
  /** Sorted liquidation thresholds margin_b − maintenanceMargin. */
  readonly thresholds: Float64Array;
  /** Sorted margins (same order). */
  readonly margins: Float64Array;
  /** cumShare[j] = Σ share of the first j buckets (length buckets + 1). */
  readonly cumShare: Float64Array;
  /** cumShareMargin[j] = Σ share·margin of the first j buckets (length buckets + 1). */
  readonly cumShareMargin: Float64Array;
  /**
   * k·(σ/√365)/√dailyVolume: impact of liquidating Q USD at liquidity factor λ is
   * impactPerRootUsd·√(Q/λ).
   */
  readonly impactPerRootUsd: number;
}

/** Builds the book of `market` with impact coefficient k = `impactCoefficient`. */
export function buildLiquidationBook(market: SnapshotMarket, impactCoefficient: number): LiquidationBook {
  const buckets = [...market.leverageProfile].sort((a, b) => a.margin - b.margin);
  const n = buckets.length;
  const thresholds = new Float64Array(n);
  const margins = new Float64Array(n);
  const cumShare = new Float64Array(n + 1);
  const cumShareMargin = new Float64Array(n + 1);
  buckets.forEach((b, i) => {
    margins[i] = b.margin;
    thresholds[i] = b.margin - market.maintenanceMargin;
    cumShare[i + 1] = cumShare[i]! + b.share;
    cumShareMargin[i + 1] = cumShareMargin[i]! + b.share * b.margin;
  });
  return {
    openInterestUsd: market.openInterestUsd,
    bucketCount: n,
    thresholds,
    margins,
    cumShare,
    cumShareMargin,
    impactPerRootUsd:
      (impactCoefficient * (market.impliedVol / Math.sqrt(365))) / Math.sqrt(market.dailyVolumeUsd),
  };
}

/**
 * The cascade of a book at one liquidity factor λ, in closed form.
 *
 * `impact[j]` = I(Q_j) = k·(σ/√365)·√(Q_j/(V·λ)) with Q_j = OI·cumShare[j], the impact of the j
 * lowest-threshold buckets. The iteration of the gap model (docs/MODEL.md §9) from x0 liquidates at least j buckets iff
 * every earlier bucket c < j is reached, t_c ≤ x0 + I(Q_c) (thresholds never exceed the long cap
 * of 1, since margins ≤ 1): so `breaks[j−1]` = max over c < j of (t_c − I(Q_c)) is the smallest x0
 * that liquidates j buckets, and a path costs a few comparisons instead of rounds of iteration.
 */
export interface CascadeTable {
  /** breaks[j−1]: the smallest adverse move x0 at which the cascade liquidates ≥ j buckets. */
  readonly breaks: Float64Array;
  /** impact[j]: price impact of liquidating the j lowest-threshold buckets (length buckets + 1). */
  readonly impact: Float64Array;
}

/** Builds the {@link CascadeTable} of `book` at liquidity factor λ ∈ (0, 1]. */
export function cascadeTable(book: LiquidationBook, liquidityFactor: number): CascadeTable {
  const n = book.bucketCount;
  const impact = new Float64Array(n + 1);
  const breaks = new Float64Array(n);
  let reach = Number.NEGATIVE_INFINITY;
  for (let j = 0; j <= n; j++) {
    impact[j] =
      book.impactPerRootUsd * Math.sqrt((book.openInterestUsd * book.cumShare[j]!) / liquidityFactor);
    if (j < n) {
      reach = Math.max(reach, book.thresholds[j]! - impact[j]!);
      breaks[j] = reach;
    }
  }
  return { breaks, impact };
}

/**
 * The fixed point of the cascade: starting from the adverse move x0, liquidations push the price by
 * their impact, which may liquidate further buckets, until the liquidated set stops growing.
 *
 * @param x0 - adverse move (≥ 0)
 * @param cap - largest possible move: 1 for longs (a price cannot go below zero), Infinity for shorts
 * @returns the final adverse move x = min(x0 + I(Q*), cap), Q* the notional of the final set
 */
export function cascadeMove(book: LiquidationBook, table: CascadeTable, x0: number, cap: number): number {
  const breaks = table.breaks;
  const n = book.bucketCount;
  let j = 0;
  while (j < n && breaks[j]! <= x0) j++;
  if (j === 0) return x0;
  const x = x0 + table.impact[j]!;
  return Math.min(x, cap);
}

/** Bad debt OI·Σ share_b·max(0, x − margin_b) of the losing side after a final move x. */
export function badDebt(book: LiquidationBook, x: number): number {
  const margins = book.margins;
  const n = book.bucketCount;
  let c = 0;
  while (c < n && margins[c]! < x) c++;
  if (c === 0) return 0;
  const perUnit = x * book.cumShare[c]! - book.cumShareMargin[c]!;
  return perUnit > 0 ? book.openInterestUsd * perUnit : 0;
}
