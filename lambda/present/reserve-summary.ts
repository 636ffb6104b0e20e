/**
 * The human-readable summary of a ReserveResult, shared by `backstop reserve` and `backstop run`:
 * the verdict first (reserve, balance and how far to trust it, coverage, status), then why the number
 * is what it is, where the risk sits, how far to trust the Monte Carlo, and what to do.
 */
import type { FundOutlook } from '../manage/fund-outlook.ts';
import type { MarketSnapshot, ReserveResult } from '../model/schemas.ts';
import type { Sensitivity } from '../model/sensitivity.ts';
import type { FlagLike } from './data-quality.ts';
import { type ExplainOptions, engineLines, explainReserve, policyFormula, whyLines } from './explain.ts';
import { formatCount, formatCoverage, formatPercent, formatTable, formatTime, formatUsd } from './format.ts';
import { reserveNextSteps } from './next-steps.ts';

/** Human names of the term that set the requirement. */
export const BINDING_LABEL: Record<ReserveResult['binding'], string> = {
  expectedShortfall: 'Monte Carlo expected shortfall',
  stress: 'worst stress scenario',
  cover2: 'cover-2 (two largest accounts)',
  floor: 'policy floor',
};

/** What the summary knows beyond the snapshot and result. */
export interface SummaryContext {
  /** The run's data-quality flags (default: the snapshot's own `dataQuality.flags`). */
  readonly flags?: readonly FlagLike[];
  /** The requirement with its assumptions moved ±50% (omitted from the text when absent). */
  readonly sensitivity?: Sensitivity | null;
  /** The fund config's markets, to tell own leverage profiles from the fund default. */
  readonly configMarkets?: ExplainOptions['configMarkets'];
  /** The run's one-year outlook: its targeted recommendation replaces the 30-day fee. */
  readonly outlook?: FundOutlook;
}

/**
 * Renders `result` (computed from `snapshot`) as plain text ending with a newline.
 *
 * @example
 * io.stdout(renderReserveSummary(snapshot, computeReserve(snapshot), { sensitivity }));
 */
export function renderReserveSummary(
  snapshot: MarketSnapshot,
  result: ReserveResult,
  context: SummaryContext = {},
): string {
  const why = explainReserve(snapshot, result, {
    sensitivity: context.sensitivity ?? null,
    ...(context.flags === undefined ? {} : { flags: context.flags }),
    ...(context.configMarkets === undefined ? {} : { configMarkets: context.configMarkets }),
  });
  const steps = reserveNextSteps({
    fundId: result.fundId,
    result,
    why,
    ...(context.outlook === undefined ? {} : { recommendation: context.outlook.recommendation.text }),
  });
  const engine = engineLines(result);
  return `${[
    headline(snapshot, result, why.balance.note),
    section('Why this number', whyLines(why)),
    engine.length === 0 ? '' : section('Path engine', engine),
    marketsSection(snapshot, result),
    stressSection(result),
    precisionSection(result),
    section(
      'Next steps',
      steps.map((s, i) => `${i + 1}. ${s}`),
    ),
    context.outlook === undefined ? '' : outlookSection(context.outlook),
    result.warnings.length === 0
      ? ''
      : section(
          'Warnings',
          result.warnings.map((w) => `- ${w}`),
        ),
  ]
    .filter((s) => s !== '')
    .join('\n\n')}\n`;
}

function section(title: string, lines: readonly string[]): string {
  return `${title}\n${lines.map((l) => `  ${l}`).join('\n')}`;
}

function headline(snapshot: MarketSnapshot, r: ReserveResult, balanceNote: string): string {
  const mc = r.monteCarlo;
  const base = Math.max(mc.esUsd, ...r.stress.map((s) => s.lossUsd), r.cover2Usd ?? 0);
  const model = `(1 + ${formatPercent(snapshot.model.buffer, 0)} buffer) × ${formatUsd(base)}`;
  const formula = (r.policy === undefined ? null : policyFormula(r.policy)) ?? model;
  const notes = [
    ...(r.status === r.coverageStatus ? [] : [`coverage ${r.coverageStatus}`]),
    ...(balanceNote === '' || r.fundBalanceUsd === null ? [] : [balanceNote]),
  ];
  return [
    `Backstop reserve — ${r.fundId} as of ${formatTime(r.asOf)}`,
    '',
    `  Required reserve  ${formatUsd(r.requiredReserveUsd)}  = ${formula}, set by the ${BINDING_LABEL[r.binding]}`,
    `  Fund balance      ${formatUsd(r.fundBalanceUsd)}${balanceNote === '' || r.fundBalanceUsd === null ? '' : `  ${balanceNote.replace(/^balance /, '')}`}`,
    `  Coverage          ${formatCoverage(r.coverageRatio)}`,
    `  Status            ${r.status}${notes.length === 0 ? '' : ` (${notes.join('; ')})`}`,
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
  const split = r.stress.some((s) => s.outcome !== undefined);
  const rows = r.stress.map((s) => [
    s.name,
    formatPercent(s.liquidityFactor, 0),
    formatUsd(s.lossUsd),
    ...(split
      ? [
          s.outcome === undefined ? '' : formatUsd(s.outcome.badDebtUsd),
          s.outcome === undefined ? '' : formatUsd(s.outcome.liquidationIncomeUsd),
          s.outcome === undefined ? '' : formatUsd(s.outcome.fundAfterUsd),
        ]
      : []),
    s.lossUsd === worst ? '<- worst' : '',
  ]);
  const header = [
    'scenario',
    'liquidity',
    'loss',
    ...(split ? ['bad debt', 'liq. income', 'fund after'] : []),
    '',
  ];
  const align = header.map(
    (_, i) => (i === 0 || i === header.length - 1 ? 'left' : 'right') as 'left' | 'right',
  );
  const table = formatTable(header, rows, align);
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

/** The one-year figures the targeted recommendation (in the next steps) stands on. */
function outlookSection(outlook: FundOutlook): string {
  const rec = outlook.recommendation;
  const after = outlook.fundAfter1y;
  const reach =
    outlook.daysToTarget === null
      ? 'not within the year'
      : outlook.daysToTarget === 0
        ? 'held now'
        : `in ${outlook.daysToTarget} days`;
  return [
    `One-year outlook (target: P(exhausted within 1 year) <= ${formatPercent(rec.targetExhaustionProbability)} and the required reserve)`,
    `  P(exhausted) ${formatPercent(outlook.exhaustionProbability1y)}; fund median ${formatUsd(after.medianUsd)} (p5 ${formatUsd(after.p5Usd)}, p95 ${formatUsd(after.p95Usd)}); required reserve ${reach}; inflow ${formatUsd(outlook.inflow.dailyUsd)} a day (${outlook.inflow.source}). See backstop outlook.`,
  ].join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
