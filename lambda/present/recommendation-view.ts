/**
 * What the report, the terminal and the alerts show as the recommendation: the run's targeted one
 * (lambda/manage/target-recommendation.ts, aimed at the required reserve and the one-year exhaustion
 * target, a fee above the ceiling called "not reachable by fees alone") when the run has an outlook;
 * runs stored before the outlook existed keep the model's arithmetic — the shortfall and the fee
 * that closes it in 30 days.
 */
import type { FundOutlook } from '../manage/fund-outlook.ts';
import type { ReserveResult } from '../model/schemas.ts';
import { formatBps, formatPercent, formatUsd } from './format.ts';

/** Table columns of the recommendation. */
export interface RecommendationColumns {
  readonly headers: readonly string[];
  readonly cells: readonly string[];
}

/** The recommendation's columns for a run (its outlook's when it has one). */
export function recommendationColumns(result: ReserveResult, outlook?: FundOutlook): RecommendationColumns {
  const rec = result.recommendation;
  if (outlook === undefined) {
    return {
      headers: ['shortfall', 'fee to close in 30 days', 'releasable'],
      cells: [
        formatUsd(rec.shortfallUsd),
        rec.feeBpsToCloseIn30Days === null ? 'n/a' : formatBps(rec.feeBpsToCloseIn30Days),
        formatUsd(rec.releasableUsd),
      ],
    };
  }
  const t = outlook.recommendation;
  const fee =
    t.additionalFeeBps === null
      ? 'no volume'
      : `${formatBps(t.additionalFeeBps)}${t.feeReachable ? '' : ` (above the ${formatBps(t.feeCeilingBps)} ceiling)`}`;
  return {
    headers: [
      'shortfall',
      `one-year P(exhausted), target ${formatPercent(t.targetExhaustionProbability)}`,
      'contribution for both targets',
      `added fee within ${t.feeHorizonDays} days`,
      'releasable',
    ],
    cells: [
      formatUsd(rec.shortfallUsd),
      formatPercent(t.exhaustionProbability1y),
      formatUsd(t.contributionUsd),
      fee,
      formatUsd(t.releasableUsd),
    ],
  };
}
