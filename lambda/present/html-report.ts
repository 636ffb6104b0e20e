/**
 * `backstop report`: ONE self-contained HTML file — inline CSS, inline SVG, no script, no external
 * request — that a risk committee can attach to an email or archive: the status with the data
 * behind it, why the required reserve is what it is, balance against the requirement over time with
 * the WARN/BREACH bands, coverage over time, the latest run's per-market ES contributions and stress
 * losses (the worst scenario marked), its tables and a glossary. Times are UTC in one format.
 */

import { coverageThresholds } from '../model/coverage.ts';
import type { PolicyResult } from '../model/policy-schema.ts';
import type { RunSummary, StoredRun } from '../run/stored-run.ts';
import { collapseFlags } from './data-quality.ts';
import {
  addOnBasis,
  bindingLine,
  type Explanation,
  engineLines,
  explainReserve,
  floorWords,
  formulaLine,
  sensitivityHeading,
} from './explain.ts';
import { formatCount, formatCoverage, formatPercent, formatTime, formatUsd } from './format.ts';
import { fundToOpenInterestChart } from './growth-chart.ts';
import { figureCard, glossary, htmlPage, htmlTable, legendRow, type Row } from './html-page.ts';
import { OUTLOOK_STYLE, outlookSection } from './outlook-section.ts';
import { recommendationColumns } from './recommendation-view.ts';
import { BINDING_LABEL } from './reserve-summary.ts';
import { balanceChart, barChart, type ChartPoint, coverageChart, escapeXml } from './svg-charts.ts';

/** What the report shows. */
export interface HtmlReportInput {
  readonly fundId: string;
  /** Runs to chart, newest first (as the store lists them). */
  readonly runs: readonly RunSummary[];
  /** The newest run in full, for its tables and bar charts. */
  readonly latest: StoredRun;
  /** When the report was written (ISO). */
  readonly generatedAt: string;
  /**
   * Why the latest requirement is what it is (`explainRun`, with its sensitivity); without it the
   * report explains from the run alone, without the ±50% lines.
   */
  readonly why?: Explanation;
}

/** One plain sentence for the status line: where coverage stands against the thresholds. */
function statusSentence(status: string, coverage: number | null, warn: number, breach: number): string {
  if (coverage === null)
    return 'The balance is unknown, so coverage cannot be judged: treat the fund as uncovered.';
  const c = formatCoverage(coverage);
  if (status === 'BREACH' || coverage < breach)
    return `The fund holds ${c} of its required reserve, below the BREACH threshold of ${formatPercent(breach, 0)}.`;
  if (status === 'WARN' || coverage < warn)
    return `The fund holds ${c} of its required reserve, below the WARN threshold of ${formatPercent(warn, 0)}.`;
  return `The fund holds ${c} of its required reserve: covered.`;
}

/** Renders the report. Deterministic: the same input gives the same bytes. */
export function renderHtmlReport(input: HtmlReportInput): string {
  const { latest, fundId } = input;
  const { result, snapshot } = latest;
  const why = input.why ?? explainReserve(snapshot, result, { flags: latest.flags });
  const thresholds = coverageThresholds(snapshot.model);
  const points: ChartPoint[] = [...input.runs].reverse().map((r) => ({
    time: new Date(r.asOf),
    fundBalanceUsd: r.fundBalanceUsd,
    requiredReserveUsd: r.requiredReserveUsd,
    coverageRatio: r.coverageRatio,
  }));
  const worst = result.stress.reduce<(typeof result.stress)[number] | null>(
    (w, s) => (w === null || s.lossUsd > w.lossUsd ? s : w),
    null,
  );
  const esById = new Map(result.byMarket.map((m) => [m.id, m]));
  const marketRows: Row[] = snapshot.markets.map((m) => [
    m.id,
    m.provenance?.venue ?? '',
    formatUsd(m.priceUsd),
    formatUsd(m.openInterestUsd),
    `${formatPercent(m.impliedVol)}${m.provenance?.volSource === undefined ? '' : ` (${m.provenance.volSource})`}${m.provenance?.stale === true ? ' stale' : ''}`,
    formatUsd(esById.get(m.id)?.esContributionUsd ?? 0),
    formatUsd(esById.get(m.id)?.worstStressLossUsd ?? 0),
  ]);
  const stressRows: Row[] = result.stress.map((s) => {
    const isWorst = s === worst;
    const o = s.outcome;
    const cells = [
      { text: s.name, cls: 'text', ...(isWorst ? { tag: 'worst' } : {}) },
      formatPercent(s.liquidityFactor, 0),
      formatUsd(s.lossUsd),
      o === undefined ? '—' : formatUsd(o.badDebtUsd),
      o === undefined ? '—' : formatUsd(o.liquidationIncomeUsd),
      o === undefined ? '—' : formatUsd(o.fundAfterUsd),
    ];
    return isWorst ? { cells, cls: 'worst' } : cells;
  });
  const mc = result.monteCarlo;
  const recommendation = recommendationColumns(result, latest.outlook);
  const flags = collapseFlags(latest.flags).map(
    (f) => `${f.marketId ?? 'fund'}: ${f.code} — ${f.detail}${f.count > 1 ? ` (×${f.count})` : ''}`,
  );
  const warnings = [...result.warnings, ...flags];
  const historyRows: Row[] = input.runs
    .slice(0, 30)
    .map((r) => [
      formatTime(r.asOf),
      r.status,
      formatUsd(r.fundBalanceUsd),
      formatUsd(r.requiredReserveUsd),
      formatCoverage(r.coverageRatio),
    ]);
  const balanceNote = why.balance.kind === 'fresh' ? undefined : { text: why.balance.note, caveat: true };
  const caveat =
    why.balance.kind === 'fresh'
      ? ''
      : `<p class="caveat-banner" id="data-caveat">Data: ${escapeXml(why.balance.note)} — the coverage rests on this balance; check the balance source before acting on the status.</p>`;
  const releasable = result.recommendation.releasableUsd;

  const body = `<h1>Insurance fund ${escapeXml(fundId)} <span class="status status-${escapeXml(result.status)}">${escapeXml(result.status)}</span></h1>
<p class="meta">Latest run ${escapeXml(formatTime(latest.asOf))} (run ${escapeXml(latest.runId)}, model ${escapeXml(latest.modelVersion)}) · ${input.runs.length} runs charted · generated ${escapeXml(formatTime(input.generatedAt))}</p>
<p class="verdict" id="verdict">${escapeXml(statusSentence(result.status, result.coverageRatio, thresholds.warnBelow, thresholds.breachBelow))} The requirement is ${escapeXml(bindingLine(why).replace(/^Set/, 'set'))}.</p>
${caveat}
<div class="headline">
${figureCard('Coverage', formatCoverage(result.coverageRatio), balanceNote === undefined ? undefined : { text: 'on a stale balance', caveat: true })}
${figureCard('Fund balance', formatUsd(result.fundBalanceUsd), balanceNote)}
${figureCard('Required reserve', formatUsd(result.requiredReserveUsd), { text: `set by ${BINDING_LABEL[result.binding]}`, caveat: false })}
${figureCard(releasable > 0 ? 'Releasable' : 'Shortfall', formatUsd(releasable > 0 ? releasable : result.recommendation.shortfallUsd))}
</div>

<section class="card" id="why">
<h2>Why this number</h2>
<p>${escapeXml(formulaLine(why))}.</p>
${
  why.contributions.length === 0
    ? ''
    : `<h3>The binding loss by market</h3>\n${htmlTable(
        ['market', 'loss', 'share'],
        why.contributions.map((c) => [c.marketId, formatUsd(c.lossUsd), formatPercent(c.share, 0)]),
        'why-markets',
      )}`
}
${
  why.assumptions.length === 0
    ? ''
    : `<h3>Key assumptions</h3>\n${htmlTable(
        ['assumption', 'value', 'from'],
        why.assumptions.map((a) => [a.name, { text: a.value, cls: 'text' }, { text: a.source, cls: 'text' }]),
        'why-assumptions',
      )}`
}
${
  why.sensitivity === null
    ? ''
    : `<h3>If an assumption moved ±50%</h3>\n<p class="note">${escapeXml(sensitivityHeading(why.sensitivity))}.</p>\n${htmlTable(
        ['assumption', 'at −50%', 'at +50%'],
        why.sensitivity.lines.map((l) => [
          l.what,
          `${formatUsd(l.down.ratio * why.requiredReserveUsd)} (${l.down.ratio.toFixed(2)}×)`,
          `${formatUsd(l.up.ratio * why.requiredReserveUsd)} (${l.up.ratio.toFixed(2)}×)`,
        ]),
        'why-sensitivity',
      )}`
}
${
  engineLines(result).length === 0
    ? ''
    : `<ul class="flags">${engineLines(result)
        .map((l) => `<li>${escapeXml(l)}</li>`)
        .join('')}</ul>`
}
</section>

<section class="card" id="balance">
<h2>Balance against the required reserve</h2>
${balanceChart(points, thresholds)}
${legendRow([
  ['background:#1a62c4', 'fund balance'],
  ['border-top:2px dashed #1d2330;height:0', 'required reserve'],
  ['background:#fdefc3', `WARN (coverage below ${formatPercent(thresholds.warnBelow, 0)})`],
  ['background:#f9d4d2', `BREACH (below ${formatPercent(thresholds.breachBelow, 0)})`],
])}
</section>

<section class="card" id="coverage">
<h2>Coverage over time</h2>
${coverageChart(points, thresholds)}
</section>

${outlookSection(latest.outlook)}

<section class="card" id="growth">
<h2>Fund balance against open interest</h2>
${fundToOpenInterestChart(input.runs)}
</section>

<section class="card" id="contributions">
<h2>Expected-shortfall contribution by market (latest run)</h2>
${barChart(
  result.byMarket.map((m) => ({ label: m.id, value: m.esContributionUsd })),
  'Expected shortfall contribution by market',
  'es-bar',
  'ES contribution (USD)',
)}
</section>

<section class="card" id="stress">
<h2>Stress losses (latest run)</h2>
${barChart(
  result.stress.map((s) => ({ label: s.name, value: s.lossUsd, highlight: s === worst })),
  'Loss under each stress scenario',
  'stress-bar',
  'net fund loss (USD)',
)}
</section>

<section class="card" id="tables">
<h2>Markets</h2>
${htmlTable(['market', 'venue', 'price', 'open interest', 'implied vol', 'ES contribution', 'worst stress loss'], marketRows, 'markets')}
<h2>Stress scenarios</h2>
${htmlTable(['scenario', 'liquidity factor', 'loss', 'bad debt', 'liquidation income', 'fund after'], stressRows, 'stress')}
<h2>Monte Carlo</h2>
${htmlTable(
  ['paths', 'seed', 'confidence', 'tail ν', 'VaR', 'ES ± std error'],
  [
    [
      formatCount(mc.paths),
      String(mc.seed),
      formatPercent(mc.confidence, 1),
      mc.tailDof === null ? 'Gaussian' : String(mc.tailDof),
      formatUsd(mc.varUsd),
      `${formatUsd(mc.esUsd)} ± ${formatUsd(mc.esStdErrorUsd)}`,
    ],
  ],
  'monte-carlo',
)}
<h2>Requirement and recommendation</h2>
${htmlTable(
  ['binding term', 'cover-2', ...recommendation.headers],
  [
    [
      BINDING_LABEL[result.binding],
      result.cover2Usd === null ? 'not configured' : formatUsd(result.cover2Usd),
      ...recommendation.cells,
    ],
  ],
  'recommendation',
)}
${result.policy === undefined ? '' : policyTable(result.policy, result.binding === 'floor')}${warnings.length === 0 ? '' : `<h2>Warnings and data flags</h2>\n<ul class="flags">${warnings.map((w) => `<li>${escapeXml(w)}</li>`).join('')}</ul>`}
<h2>Recent runs</h2>
${htmlTable(['time (UTC)', 'status', 'balance', 'required', 'coverage'], historyRows, 'history')}
</section>

<section class="card" id="glossary">
<h2>Glossary</h2>
${glossary(['coverage', 'required reserve', 'expected shortfall (ES)', 'liquidity factor', 'releasable', 'conservative bound', 'ADL (auto-deleveraging)'])}
</section>`;
  return htmlPage(`Backstop report — ${fundId}`, body, OUTLOOK_STYLE);
}

/** The policy's lines: the model's requirement, each non-market add-on (added), the floor (binding or not). */
function policyTable(policy: PolicyResult, floorBinds: boolean): string {
  const rows: string[][] = [
    [
      'model requirement',
      formatUsd(policy.modelRequirementUsd),
      `set by the ${BINDING_LABEL[policy.modelBinding]}`,
    ],
  ];
  for (const a of policy.addOns) rows.push([`non-market add-on: ${a.name}`, formatUsd(a.usd), addOnBasis(a)]);
  if (policy.floor !== null)
    rows.push([
      'policy floor',
      formatUsd(policy.floor.usd),
      `${floorWords(policy.floor)}${floorBinds ? ' — binding' : ''}`,
    ]);
  return `<h2>Policy: floors and non-market add-ons</h2>\n${htmlTable(['term', 'USD', 'what'], rows, 'policy')}`;
}
