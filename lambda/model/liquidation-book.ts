/**
 * The liquidation-window gap model of one market (DESIGN.md §4 steps 2–4), precomputed so that a
 * Monte Carlo path costs a few comparisons: buckets sorted by margin, cumulative shares, and the
 * impact for every number of liquidated buckets.
 *
 * Conventions: `x` is the adverse move as a fraction of the price (≥ 0); a bucket of margin m is
 * liquidated when x ≥ m − maintenanceMargin and owes bad debt OI·share·max(0, x − m).
 */
import type { SnapshotMarket } from './schemas.ts';

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
 * Impact I(Q_j) for j = 0..buckets liquidated buckets at liquidity factor λ: the square-root law
 * k·(σ/√365)·√(Q_j/(V·λ)) with Q_j = OI·cumShare[j].
 */
export function impactTable(book: LiquidationBook, liquidityFactor: number): Float64Array {
  const table = new Float64Array(book.bucketCount + 1);
  for (let j = 0; j <= book.bucketCount; j++) {
    table[j] =
      book.impactPerRootUsd * Math.sqrt((book.openInterestUsd * book.cumShare[j]!) / liquidityFactor);
  }
  return table;
}

/**
 * The fixed point of the cascade: starting from the adverse move x0, liquidations push the price by
 * their impact, which may liquidate further buckets, until the liquidated set stops growing.
 *
 * @param x0 - adverse move (≥ 0)
 * @param cap - largest possible move: 1 for longs (a price cannot go below zero), Infinity for shorts
 * @param impact - {@link impactTable} for the scenario's liquidity factor
 * @returns the final adverse move x
 */
export function cascadeMove(book: LiquidationBook, x0: number, cap: number, impact: Float64Array): number {
  const thresholds = book.thresholds;
  const n = book.bucketCount;
  let j = 0;
  while (j < n && thresholds[j]! <= x0) j++;
  let x = x0;
  // Impact grows with the liquidated set and x ≥ x0, so the set only grows: at most n rounds.
  while (j > 0) {
    x = x0 + impact[j]!;
    if (x > cap) x = cap;
    let next = j;
    while (next < n && thresholds[next]! <= x) next++;
    if (next === j) break;
    j = next;
  }
  return x;
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

/**
 * The fund's loss on one market for a simple return r over the window: the losing side (longs when
 * r < 0, shorts when r > 0) goes through the cascade and owes its bad debt.
 */
export function marketLoss(book: LiquidationBook, r: number, impact: Float64Array): number {
  if (r < 0) {
    const x0 = r < -1 ? 1 : -r;
    if (x0 < book.thresholds[0]!) return 0;
    return badDebt(book, cascadeMove(book, x0, 1, impact));
  }
  if (r > 0) {
    if (r < book.thresholds[0]!) return 0;
    return badDebt(book, cascadeMove(book, r, Number.POSITIVE_INFINITY, impact));
  }
  return 0;
}
