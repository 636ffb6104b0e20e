/**
 * Order-book depth (pure): an L2 book, its sizes already in USD, summarised as the snapshot's
 * `depthUsd` — the resting notional within 0.5/1/2/5/10% of mid on each side, cumulative. The mid is
 * the book's own (best bid + best ask) / 2. A book that does not reach a distance (venues cap the
 * levels they send) counts what it shows: a lower bound, the conservative side, and the reach is
 * recorded so a reader can see it.
 */
import type { DepthPoint } from '../../model/schemas.ts';

/** Distances from mid (fractions) at which depth is summarised. */
export const DEPTH_DISTANCES: readonly number[] = [0.005, 0.01, 0.02, 0.05, 0.1];

/** One price level, its resting size in USD notional. */
export interface BookLevel {
  readonly price: number;
  readonly sizeUsd: number;
}

/** Both sides of a book, levels in any order. */
export interface OrderBook {
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
}

/** A summarised book. */
export interface DepthSummary {
  readonly depthUsd: DepthPoint[];
  readonly mid: number;
  /** How far from mid the farthest level of each side lies (fraction). */
  readonly reach: { readonly bid: number; readonly ask: number };
}

/** Why a book cannot be summarised, or undefined when it can. */
export function bookProblem(book: OrderBook): string | undefined {
  if (book.bids.length === 0 || book.asks.length === 0) {
    return `empty book side (${book.bids.length} bids, ${book.asks.length} asks)`;
  }
  for (const [side, levels] of [
    ['bid', book.bids],
    ['ask', book.asks],
  ] as const) {
    const bad = levels.find((l) => !(l.price > 0) || !(l.sizeUsd >= 0) || !Number.isFinite(l.sizeUsd));
    if (bad !== undefined) return `${side} level with price ${bad.price} and size ${bad.sizeUsd} USD`;
  }
  const bestBid = Math.max(...book.bids.map((l) => l.price));
  const bestAsk = Math.min(...book.asks.map((l) => l.price));
  if (bestBid >= bestAsk) return `crossed book: best bid ${bestBid} >= best ask ${bestAsk}`;
  return undefined;
}

/**
 * Summarises `book` at `distances` (strictly increasing fractions of mid).
 * @returns the cumulative USD resting within each distance, or a problem when the book is empty,
 *   crossed or has a non-positive price / negative size
 * @example
 * summariseDepth({ bids: [{ price: 99, sizeUsd: 10 }], asks: [{ price: 101, sizeUsd: 5 }] }, [0.01, 0.02])
 * // → { depthUsd: [{ distance: 0.01, bidUsd: 10, askUsd: 5 }, { distance: 0.02, …}], mid: 100, … }
 */
export function summariseDepth(
  book: OrderBook,
  distances: readonly number[] = DEPTH_DISTANCES,
): DepthSummary | { readonly problem: string } {
  const problem = bookProblem(book);
  if (problem !== undefined) return { problem };
  const bestBid = Math.max(...book.bids.map((l) => l.price));
  const bestAsk = Math.min(...book.asks.map((l) => l.price));
  const mid = (bestBid + bestAsk) / 2;
  // A tiny tolerance so a level exactly at the boundary (99 for 1% of 100) counts despite rounding.
  const eps = 1e-12;
  const depthUsd = distances.map((d) => ({
    distance: d,
    bidUsd: book.bids.filter((l) => l.price >= mid * (1 - d) * (1 - eps)).reduce((a, l) => a + l.sizeUsd, 0),
    askUsd: book.asks.filter((l) => l.price <= mid * (1 + d) * (1 + eps)).reduce((a, l) => a + l.sizeUsd, 0),
  }));
  const reach = {
    bid: (mid - Math.min(...book.bids.map((l) => l.price))) / mid,
    ask: (Math.max(...book.asks.map((l) => l.price)) - mid) / mid,
  };
  return { depthUsd, mid, reach };
}

/**
 * Combines summaries of the same book at different aggregations (Hyperliquid sends at most 20
 * levels, so a fine book covers the near distances and a coarse one the far ones): at each distance
 * and side, the first summary (finest first) that reaches it, else the one that reaches farthest;
 * then a running maximum, so the curve stays non-decreasing where two aggregations disagree.
 */
export function mergeDepth(summaries: readonly DepthSummary[]): DepthSummary {
  const first = summaries[0];
  if (first === undefined) throw new Error('mergeDepth needs at least one summary');
  const pick = (i: number, side: 'bid' | 'ask'): number => {
    const d = first.depthUsd[i]?.distance ?? 0;
    const covering = summaries.find((s) => s.reach[side] >= d);
    const widest = summaries.reduce((best, s) => (s.reach[side] > best.reach[side] ? s : best), first);
    const point = (covering ?? widest).depthUsd[i];
    return side === 'bid' ? (point?.bidUsd ?? 0) : (point?.askUsd ?? 0);
  };
  let bid = 0;
  let ask = 0;
  const depthUsd = first.depthUsd.map((p, i) => {
    bid = Math.max(bid, pick(i, 'bid'));
    ask = Math.max(ask, pick(i, 'ask'));
    return { distance: p.distance, bidUsd: bid, askUsd: ask };
  });
  return {
    depthUsd,
    mid: first.mid,
    reach: {
      bid: Math.max(...summaries.map((s) => s.reach.bid)),
      ask: Math.max(...summaries.map((s) => s.reach.ask)),
    },
  };
}
