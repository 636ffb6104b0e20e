/**
 * Deterministic stress scenarios and cover-2 (docs/MODEL.md §9): each scenario's shocks go through the
 * same cascade as the Monte Carlo at the scenario's liquidity factor; cover-2 is the loss beyond
 * margin of the two largest accounts under the worst scenario.
 */

import type { LargeAccount, ReserveResult, StressScenario } from '../../schemas.ts';
import type { LiquidationBook } from './liquidation-book.ts';
import { type MarketMove, shockMarket } from './scenario-loss.ts';

/** Stress results in scenario order, with the index and market moves of the worst one. */
export interface StressRun {
  readonly results: ReserveResult['stress'];
  /** Index of the scenario with the largest loss (first on ties), or −1 when there are none. */
  readonly worstIndex: number;
  /** Market moves of the worst scenario, by market id (empty without scenarios). */
  readonly worstMoves: ReadonlyMap<string, MarketMove>;
}

/**
 * The return a scenario applies to `marketId` in the gap model: its own shock, else `"*"`, else 0.
 * A path scenario is reduced to its most extreme point for the market (the gap model lets the whole
 * move happen before any liquidation: the conservative reading of a path).
 */
export function scenarioReturn(scenario: StressScenario, marketId: string): number {
  if (scenario.shocks !== undefined) return scenario.shocks[marketId] ?? scenario.shocks['*'] ?? 0;
  let extreme = 0;
  for (const [, returns] of scenario.path ?? []) {
    const r = returns[marketId] ?? returns['*'] ?? 0;
    if (Math.abs(r) > Math.abs(extreme)) extreme = r;
  }
  return extreme;
}

/** Runs every scenario over the books (`ids[i]` is the id of `books[i]`). */
export function runStress(
  scenarios: readonly StressScenario[],
  ids: readonly string[],
  books: readonly LiquidationBook[],
): StressRun {
  let worstIndex = -1;
  let worstLoss = Number.NEGATIVE_INFINITY;
  let worstMoves = new Map<string, MarketMove>();
  const results = scenarios.map((scenario, k) => {
    const moves = new Map<string, MarketMove>();
    const byMarket: Record<string, number> = {};
    let lossUsd = 0;
    books.forEach((book, i) => {
      const id = ids[i]!;
      const move = shockMarket(book, scenarioReturn(scenario, id), scenario.liquidityFactor);
      moves.set(id, move);
      byMarket[id] = move.lossUsd;
      lossUsd += move.lossUsd;
    });
    if (lossUsd > worstLoss) {
      worstLoss = lossUsd;
      worstIndex = k;
      worstMoves = moves;
    }
    return { name: scenario.name, lossUsd, liquidityFactor: scenario.liquidityFactor, byMarket };
  });
  return { results, worstIndex, worstMoves };
}

/**
 * Loss beyond margin of one account under the worst scenario: notional·max(0, x − margin) when the
 * account is on the losing side of its market (x = that market's final move, impact included).
 */
export function accountLoss(account: LargeAccount, moves: ReadonlyMap<string, MarketMove>): number {
  const move = moves.get(account.marketId);
  if (move === undefined || move.side !== account.side) return 0;
  return account.notionalUsd * Math.max(0, move.move - account.margin);
}

/**
 * Cover-2: the sum of the two largest account losses under the worst stress scenario; null when no
 * accounts are configured or there is no stress scenario to take the moves from.
 */
export function cover2(accounts: readonly LargeAccount[] | undefined, stress: StressRun): number | null {
  if (accounts === undefined || accounts.length === 0 || stress.worstIndex < 0) return null;
  const losses = accounts.map((a) => accountLoss(a, stress.worstMoves)).sort((a, b) => b - a);
  return (losses[0] ?? 0) + (losses[1] ?? 0);
}
