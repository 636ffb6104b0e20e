/**
 * The terminal text of `backstop stress`: what one price path did to the fund, in plain words, then
 * per market and side.
 */
import type { SideOutcome } from '../model/engines/loss-engine.ts';
import type { MarketSnapshot, PathOutcome } from '../model/schemas.ts';
import { formatPercent, formatUsd } from './format.ts';

/** What `backstop stress --json` prints: the replay's split and its rows by market and side. */
export interface StressReplay extends PathOutcome {
  readonly byMarket: readonly SideOutcome[];
}

/** The readable summary of a replay of `pathName` at liquidity λ. */
export function renderStressReplay(
  snapshot: MarketSnapshot,
  pathName: string,
  liquidityFactor: number,
  r: StressReplay,
): string {
  const engine = snapshot.model.engine ?? (snapshot.schemaVersion === 1 ? 'gap' : 'path');
  const grew = r.netFundLossUsd < 0;
  const lines = [
    `Stress replay of ${pathName} on ${snapshot.fundId} (${engine} engine, liquidity ${formatPercent(liquidityFactor, 0)} of normal)`,
    '',
    `  Bad debt             ${formatUsd(r.badDebtUsd)}`,
    `  Liquidation income   ${formatUsd(r.liquidationIncomeUsd)}`,
    `  Net fund ${grew ? 'gain' : 'loss'}        ${formatUsd(Math.abs(r.netFundLossUsd))}${grew ? ' (the fund grew)' : ''}`,
    `  Fund after           ${formatUsd(r.fundAfterUsd)} (balance ${formatUsd(snapshot.fundBalanceUsd)}, revalued along the path)`,
    `  Liquidated notional  ${formatUsd(r.liquidatedNotionalUsd)}`,
    r.adlNotionalUsd > 0 || r.adlLossUsd > 0
      ? `  Auto-deleveraged     ${formatUsd(r.adlNotionalUsd)} of notional; ${formatUsd(r.adlLossUsd)} of bad debt the fund could not absorb`
      : '  Auto-deleveraged     none: the fund absorbed every loss',
    '',
    '  market / side                       bad debt     income  liquidated   ADL  worst price move',
  ];
  for (const s of r.byMarket) {
    if (
      s.liquidatedNotionalUsd === 0 &&
      s.badDebtUsd === 0 &&
      s.adlNotionalUsd === 0 &&
      s.maxAdverseMove === 0
    )
      continue;
    lines.push(
      `  ${`${s.marketId} ${s.side}`.padEnd(32)} ${formatUsd(s.badDebtUsd).padStart(10)} ${formatUsd(s.liquidationIncomeUsd).padStart(10)} ${formatUsd(s.liquidatedNotionalUsd).padStart(11)} ${formatUsd(s.adlNotionalUsd).padStart(5)}  ${formatPercent(s.side === 'long' ? -s.maxAdverseMove : s.maxAdverseMove)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
