/**
 * Deterministic losses of the book under given returns: the same cascade as the Monte Carlo, for
 * stress scenarios (docs/MODEL.md §9) and for the backtest's realized losses.
 */

import type { MarketSnapshot } from '../../schemas.ts';
import {
  badDebt,
  buildLiquidationBook,
  cascadeMove,
  cascadeTable,
  type LiquidationBook,
} from './liquidation-book.ts';

/** Which side of a market lost, how far the price finally moved against it, and the bad debt. */
export interface MarketMove {
  /** The losing side, or null when the return is zero. */
  readonly side: 'long' | 'short' | null;
  /** Final adverse move x after the cascade (fraction of price, ≥ 0). */
  readonly move: number;
  readonly lossUsd: number;
}

/** A book's loss under one simple return `r` at liquidity factor λ, through the cascade. */
export function shockMarket(book: LiquidationBook, r: number, liquidityFactor: number): MarketMove {
  if (r === 0) return { side: null, move: 0, lossUsd: 0 };
  const side = r < 0 ? 'long' : 'short';
  const x0 = r < 0 ? Math.min(-r, 1) : r;
  const table = cascadeTable(book, liquidityFactor);
  const move = cascadeMove(book, table, x0, side === 'long' ? 1 : Number.POSITIVE_INFINITY);
  return { side, move, lossUsd: badDebt(book, move) };
}

/**
 * The loss of the snapshot's book when each market moves by a given simple return over the window.
 *
 * @param returns - simple return per market id (−0.2 = price down 20%); a market not listed moves 0
 * @param liquidityFactor - λ in (0, 1], scales daily volume in the impact term (1 = normal depth)
 * @returns the fund's loss in USD (≥ 0), total and per market id
 * @example
 * scenarioLoss(snapshot, { 'BTC-PERP': -0.12 }, 0.1).totalUsd;
 */
export function scenarioLoss(
  snapshot: MarketSnapshot,
  returns: Readonly<Record<string, number>>,
  liquidityFactor: number,
): { totalUsd: number; byMarket: Record<string, number> } {
  const byMarket: Record<string, number> = {};
  let totalUsd = 0;
  for (const market of snapshot.markets) {
    const book = buildLiquidationBook(market, snapshot.model.impactCoefficient);
    const { lossUsd } = shockMarket(book, returns[market.id] ?? 0, liquidityFactor);
    byMarket[market.id] = lossUsd;
    totalUsd += lossUsd;
  }
  return { totalUsd, byMarket };
}
