/**
 * `backstop outlook` as text: the one-year figures first, then what they stand on (inflow, crises),
 * then the recommendation in its one sentence.
 */
import type { FundOutlook } from '../manage/fund-outlook.ts';
import type { CrisisSeverity } from '../manage/severity.ts';
import { formatCount, formatPercent, formatTime, formatUsd } from './format.ts';

/** The `--json` object: exactly these five fields. */
export interface OutlookJson {
  readonly exhaustionProbability1y: number;
  readonly fundAfter1y: FundOutlook['fundAfter1y'];
  readonly daysToTarget: number | null;
  readonly inflow: FundOutlook['inflow'];
  readonly recommendation: FundOutlook['recommendation'];
}

/** The five fields `backstop outlook --json` prints. */
export function outlookJson(outlook: FundOutlook): OutlookJson {
  return {
    exhaustionProbability1y: outlook.exhaustionProbability1y,
    fundAfter1y: outlook.fundAfter1y,
    daysToTarget: outlook.daysToTarget,
    inflow: outlook.inflow,
    recommendation: outlook.recommendation,
  };
}

/** Renders an outlook for a terminal. */
export function renderOutlook(outlook: FundOutlook, settingsNote: string): string {
  const { crises, inflow, recommendation: rec } = outlook;
  const after = outlook.fundAfter1y;
  const reach =
    outlook.daysToTarget === null
      ? 'not within the year'
      : outlook.daysToTarget === 0
        ? 'held now'
        : `${outlook.daysToTarget} days (median path)`;
  const stress = crises.severity.stressNames
    .map((name, i) => `${name} ${formatUsd(crises.severity.stressLossesUsd[i] ?? 0)}`)
    .join('; ');
  const perYear = crises.ratePerDay * 365;
  return [
    `Outlook for ${outlook.fundId} from the run of ${formatTime(outlook.asOf)}: ${outlook.horizonDays} days, ${formatCount(outlook.paths)} simulated years (seed ${outlook.seed})`,
    '',
    `  P(exhausted within 1 year)  ${formatPercent(outlook.exhaustionProbability1y)}`,
    `  Fund after 1 year           p5 ${formatUsd(after.p5Usd)}, median ${formatUsd(after.medianUsd)}, p95 ${formatUsd(after.p95Usd)} (now ${formatUsd(outlook.startBalanceUsd)})`,
    `  Required reserve            ${formatUsd(outlook.requiredReserveUsd)}: ${reach}`,
    `  Inflow                      ${formatUsd(inflow.dailyUsd)} a day, ${inflow.detail}`,
    `  Crisis days                 ${perYear.toFixed(1)} a year (${formatPercent(crises.extremeShare)} of them extreme), rate from ${crises.source}`,
    `  Priced at                   ${ordinaryPricing(crises.severity)}${stress === '' ? '' : `; extreme days: ${stress}`}`,
    '',
    `Recommendation (target: P(exhausted within 1 year) <= ${formatPercent(rec.targetExhaustionProbability)}; ${settingsNote})`,
    `  ${rec.text}`,
    '',
  ].join('\n');
}

/** How an ordinary crisis day was priced, in one phrase. */
function ordinaryPricing(severity: CrisisSeverity): string {
  const losses = severity.ordinaryLossesUsd;
  const sizes = severity.ordinarySizes;
  if (losses === undefined || losses.length === 0 || sizes === undefined || sizes.length === 0) {
    return `tail VaR ${formatUsd(severity.tailVarUsd)}, ES ${formatUsd(severity.tailEsUsd)}`;
  }
  const mean = losses.reduce((a, b) => a + b, 0) / losses.length;
  const range = `${formatPercent(Math.min(...sizes), 0)}–${formatPercent(Math.max(...sizes), 0)}`;
  return `ordinary days: the stress paths scaled to ${range} moves, mean ${formatUsd(mean)}, worst ${formatUsd(Math.max(...losses))}`;
}
