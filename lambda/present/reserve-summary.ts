/**
 * The human-readable summary of a ReserveResult, shared by `backstop reserve` and `backstop run`:
 * the verdict first (reserve, balance, coverage, status), then where the risk sits, then how far to
 * trust the number, then what to do.
 */
import type { FundOutlook } from '../manage/fund-outlook.ts';
import type { MarketSnapshot, ReserveResult } from '../model/schemas.ts';
import { formatCount, formatCoverage, formatPercent, formatTable, formatUsd } from './format.ts';

const BINDING_LABEL: Record<ReserveResult['binding'], string> = {
  expectedShortfall: 'Monte Carlo expected shortfall',
  stress: 'worst stress scenario',
  cover2: 'cover-2 (two largest accounts)',
};

/**
 * Renders `result` (computed from `snapshot`) as plain text ending with a newline.
 *
 * @param outlook - the run's one-year outlook: its targeted recommendation replaces the 30-day fee
 * @example
 * io.stdout(renderReserveSummary(snapshot, computeReserve(snapshot)));
 */
export function renderReserveSummary(
  snapshot: MarketSnapshot,
  result: ReserveResult,
  outlook?: FundOutlook,
): string {
  return `${[
    headline(snapshot, result),
    marketsSection(snapshot, result),
    stressSection(result),
    precisionSection(result),
    outlook === undefined ? recommendationSection(result) : targetedSection(outlook),
    warningsSection(result),
  ]
    .filter((s) => s !== '')
    .join('\n\n')}\n`;
}

function headline(snapshot: MarketSnapshot, r: ReserveResult): string {
  const mc = r.monteCarlo;
  const base = Math.max(mc.esUsd, ...r.stress.map((s) => s.lossUsd), r.cover2Usd ?? 0);
  const statusNote = r.status === r.coverageStatus ? '' : ` (coverage ${r.coverageStatus})`;
  return [
    `Backstop reserve — ${r.fundId} as of ${r.asOf}`,
    '',
    `  Required reserve  ${formatUsd(r.requiredReserveUsd)}  = (1 + ${snapshot.model.buffer} buffer) x ${formatUsd(base)}, set by the ${BINDING_LABEL[r.binding]}`,
    `  Fund balance      ${formatUsd(r.fundBalanceUsd)}`,
    `  Coverage          ${formatCoverage(r.coverageRatio)}`,
    `  Status            ${r.status}${statusNote}`,
  ].join('\n');
}

function marketsSection(snapshot: MarketSnapshot, r: ReserveResult): string {
  const rows = snapshot.markets.map((m) => {
    const contribution = r.byMarket.find((b) => b.id === m.id);
    return [
      m.id,
      formatUsd(m.openInterestUsd),
      formatPercent(m.impliedVol, 0),
      formatUsd(contribution?.esContributionUsd ?? 0),
      formatPercent(
        r.monteCarlo.esUsd > 0 ? (contribution?.esContributionUsd ?? 0) / r.monteCarlo.esUsd : null,
        0,
      ),
      formatUsd(contribution?.worstStressLossUsd ?? 0),
    ];
  });
  const table = formatTable(
    ['market', 'open interest', 'IV', 'ES contribution', 'share', 'worst-stress loss'],
    rows,
    ['left', 'right', 'right', 'right', 'right', 'right'],
  );
  return `Markets (open interest is one side; worst-stress loss is the market's loss in the worst scenario)\n${indent(table)}`;
}

function stressSection(r: ReserveResult): string {
  if (r.stress.length === 0) return 'Stress scenarios: none configured';
  const worst = Math.max(...r.stress.map((s) => s.lossUsd));
  const rows = r.stress.map((s) => [
    s.name,
    formatPercent(s.liquidityFactor, 0),
    formatUsd(s.lossUsd),
    s.lossUsd === worst ? '<- worst' : '',
  ]);
  const table = formatTable(['scenario', 'liquidity', 'loss', ''], rows, ['left', 'right', 'right', 'left']);
  const cover2 = r.cover2Usd === null ? 'not configured' : formatUsd(r.cover2Usd);
  return `Stress scenarios\n${indent(table)}\n  Cover-2 (two largest accounts): ${cover2}`;
}

function precisionSection(r: ReserveResult): string {
  const mc = r.monteCarlo;
  const tail = mc.tailDof === null ? 'Gaussian' : `Student-t ν=${mc.tailDof}`;
  const relative = mc.esUsd > 0 ? ` (±${formatPercent(mc.esStdErrorUsd / mc.esUsd)})` : '';
  const seconds = mc.seconds > 0 ? ` in ${mc.seconds.toFixed(2)} s` : '';
  return [
    'Monte Carlo',
    `  ES ${formatPercent(mc.confidence)}     ${formatUsd(mc.esUsd)} ± ${formatUsd(mc.esStdErrorUsd)} std error${relative}`,
    `  VaR ${formatPercent(mc.confidence)}    ${formatUsd(mc.varUsd)}`,
    `  ${formatCount(mc.paths)} paths (${formatCount(mc.tailCount)} in the tail), seed ${mc.seed}, ${tail} shocks${seconds}`,
  ].join('\n');
}

function recommendationSection(r: ReserveResult): string {
  const rec = r.recommendation;
  if (r.fundBalanceUsd === null) {
    return `Recommendation\n  Fund balance unknown: the whole requirement (${formatUsd(rec.shortfallUsd)}) is unconfirmed.`;
  }
  if (rec.shortfallUsd > 0) {
    const fee =
      rec.feeBpsToCloseIn30Days === null
        ? ''
        : `; an insurance fee of ${rec.feeBpsToCloseIn30Days.toFixed(2)} bps of traded volume closes it in 30 days at current volume`;
    return `Recommendation\n  Shortfall ${formatUsd(rec.shortfallUsd)}${fee}.`;
  }
  if (rec.releasableUsd > 0) {
    return `Recommendation\n  Fully covered; ${formatUsd(rec.releasableUsd)} could be released while keeping the configured multiple of the requirement.`;
  }
  return 'Recommendation\n  Fully covered; nothing to release at the configured multiple.';
}

/** The recommendation aimed at a target, with the one-year figures it stands on. */
function targetedSection(outlook: FundOutlook): string {
  const rec = outlook.recommendation;
  const after = outlook.fundAfter1y;
  const reach =
    outlook.daysToTarget === null
      ? 'not within the year'
      : outlook.daysToTarget === 0
        ? 'held now'
        : `in ${outlook.daysToTarget} days`;
  return [
    `Recommendation (target: P(exhausted within 1 year) <= ${formatPercent(rec.targetExhaustionProbability)} and the required reserve)`,
    `  ${rec.text}`,
    `  One year ahead: P(exhausted) ${formatPercent(outlook.exhaustionProbability1y)}; fund median ${formatUsd(after.medianUsd)} (p5 ${formatUsd(after.p5Usd)}, p95 ${formatUsd(after.p95Usd)}); required reserve ${reach}; inflow ${formatUsd(outlook.inflow.dailyUsd)} a day (${outlook.inflow.source}). See backstop outlook.`,
  ].join('\n');
}

function warningsSection(r: ReserveResult): string {
  if (r.warnings.length === 0) return '';
  return `Warnings\n${r.warnings.map((w) => `  - ${w}`).join('\n')}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
