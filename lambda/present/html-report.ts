/**
 * `backstop report`: ONE self-contained HTML file — inline CSS, inline SVG, no script, no external
 * request — that a risk team can attach to an email or archive: balance against the required reserve
 * over time with the WARN/BREACH bands, coverage over time, the latest run's per-market ES
 * contributions and stress losses, and its tables.
 */

import { coverageThresholds } from '../model/coverage.ts';
import type { PolicyResult } from '../model/policy-schema.ts';
import type { RunSummary, StoredRun } from '../run/stored-run.ts';
import { addOnBasis, floorWords } from './explain.ts';
import { formatCoverage, formatPercent, formatUsd } from './format.ts';
import { fundToOpenInterestChart } from './growth-chart.ts';
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
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;margin:0;background:#f6f7f9}
main{max-width:860px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#5b6474;margin:0 0 16px}
.headline{display:flex;gap:16px;flex-wrap:wrap;margin:12px 0}
.figure{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:10px 14px;min-width:140px}
.figure b{display:block;font-size:20px}
.status{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:600;color:#fff}
.status-OK{background:#1e8e3e}.status-WARN{background:#c98a00}.status-BREACH{background:#c5221f}
.status-DEGRADED{background:#7b3fb5}.status-UNKNOWN{background:#5b6474}
section.card{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:12px 16px;margin:12px 0}
svg.chart{max-width:100%;height:auto;font-size:11px}
.axis line,.axis .domain{stroke:#9aa3b2}.axis text{fill:#5b6474}.grid{stroke:#eef0f3}
.band-breach{fill:#f9d4d2}.band-warn{fill:#fdefc3}
.line-required{fill:none;stroke:#1d2330;stroke-width:2;stroke-dasharray:6 4}
.line-balance,.line-coverage,.fund-oi{fill:none;stroke:#1a62c4;stroke-width:2.2}
.dot{fill:#1a62c4}
.threshold line{stroke:#8a5a00;stroke-dasharray:3 3}.threshold-breach line{stroke:#a11b18}.threshold text{fill:#5b6474}
.bar.es-bar{fill:#1a62c4}.bar.stress-bar{fill:#c5221f}.bar-label,.bar-value{fill:#1d2330}
.legend{display:flex;gap:16px;color:#5b6474;font-size:12px;margin:4px 0 0}
.swatch{display:inline-block;width:14px;height:10px;margin-right:5px;vertical-align:middle}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{text-align:right;padding:4px 8px;border-bottom:1px solid #eef0f3}
th:first-child,td:first-child{text-align:left}th{color:#5b6474;font-weight:600}
ul.flags{margin:4px 0;padding-left:20px;color:#5b6474}
`;

function table(headers: readonly string[], rows: readonly (readonly string[])[], cls: string): string {
  const head = `<tr>${headers.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table class="${cls}">\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function figure(label: string, value: string): string {
  return `<div class="figure">${escapeXml(label)}<b>${escapeXml(value)}</b></div>`;
}

function legend(items: readonly [string, string][]): string {
  return `<div class="legend">${items.map(([style, label]) => `<span><span class="swatch" style="${style}"></span>${escapeXml(label)}</span>`).join('')}</div>`;
}

/** Renders the report. Deterministic: the same input gives the same bytes. */
export function renderHtmlReport(input: HtmlReportInput): string {
  const { latest, fundId } = input;
  const { result, snapshot } = latest;
  const thresholds = coverageThresholds(snapshot.model);
  const points: ChartPoint[] = [...input.runs].reverse().map((r) => ({
    time: new Date(r.asOf),
    fundBalanceUsd: r.fundBalanceUsd,
    requiredReserveUsd: r.requiredReserveUsd,
    coverageRatio: r.coverageRatio,
  }));
  const esById = new Map(result.byMarket.map((m) => [m.id, m]));
  const marketRows = snapshot.markets.map((m) => [
    m.id,
    m.provenance?.venue ?? '',
    formatUsd(m.priceUsd),
    formatUsd(m.openInterestUsd),
    `${formatPercent(m.impliedVol)}${m.provenance?.volSource === undefined ? '' : ` (${m.provenance.volSource})`}${m.provenance?.stale === true ? ' stale' : ''}`,
    formatUsd(esById.get(m.id)?.esContributionUsd ?? 0),
    formatUsd(esById.get(m.id)?.worstStressLossUsd ?? 0),
  ]);
  const mc = result.monteCarlo;
  const recommendation = recommendationColumns(result, latest.outlook);
  const warnings = [
    ...result.warnings,
    ...latest.flags.map((f) => `${f.marketId ?? 'fund'}: ${f.code} — ${f.detail}`),
  ];
  const historyRows = input.runs
    .slice(0, 30)
    .map((r) => [
      r.asOf,
      r.status,
      formatUsd(r.fundBalanceUsd),
      formatUsd(r.requiredReserveUsd),
      formatCoverage(r.coverageRatio),
    ]);

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(`Backstop report — ${fundId}`)}</title>
<style>${STYLE}${OUTLOOK_STYLE}</style>
</head>
<body>
<main>
<h1>Insurance fund ${escapeXml(fundId)} <span class="status status-${escapeXml(result.status)}">${escapeXml(result.status)}</span></h1>
<p class="meta">Latest run ${escapeXml(latest.asOf)} (run ${escapeXml(latest.runId)}, model ${escapeXml(latest.modelVersion)}) · ${input.runs.length} runs charted · generated ${escapeXml(input.generatedAt)}</p>
<div class="headline">
${figure('Coverage', formatCoverage(result.coverageRatio))}
${figure('Fund balance', formatUsd(result.fundBalanceUsd))}
${figure('Required reserve', formatUsd(result.requiredReserveUsd))}
${figure('Shortfall', formatUsd(result.recommendation.shortfallUsd))}
</div>

<section class="card" id="balance">
<h2>Balance against the required reserve</h2>
${balanceChart(points, thresholds)}
${legend([
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
)}
</section>

<section class="card" id="stress">
<h2>Stress losses (latest run)</h2>
${barChart(
  result.stress.map((s) => ({ label: s.name, value: s.lossUsd })),
  'Loss under each stress scenario',
  'stress-bar',
)}
</section>

<section class="card" id="tables">
<h2>Markets</h2>
${table(['market', 'venue', 'price', 'open interest', 'implied vol', 'ES contribution', 'worst stress loss'], marketRows, 'markets')}
<h2>Stress scenarios</h2>
${table(
  ['scenario', 'liquidity factor', 'loss'],
  result.stress.map((s) => [s.name, String(s.liquidityFactor), formatUsd(s.lossUsd)]),
  'stress',
)}
<h2>Monte Carlo</h2>
${table(
  ['paths', 'seed', 'confidence', 'tail ν', 'VaR', 'ES ± std error'],
  [
    [
      String(mc.paths),
      String(mc.seed),
      String(mc.confidence),
      mc.tailDof === null ? 'Gaussian' : String(mc.tailDof),
      formatUsd(mc.varUsd),
      `${formatUsd(mc.esUsd)} ± ${formatUsd(mc.esStdErrorUsd)}`,
    ],
  ],
  'monte-carlo',
)}
<h2>Requirement and recommendation</h2>
${table(
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
${table(['asOf', 'status', 'balance', 'required', 'coverage'], historyRows, 'history')}
</section>
</main>
</body>
</html>
`;
}

/** The policy's lines: the model's requirement, each non-market add-on (added), the floor (binding or not). */
function policyTable(policy: PolicyResult, floorBinds: boolean): string {
  const rows = [
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
  return `<h2>Policy: floors and non-market add-ons</h2>\n${table(['term', 'USD', 'what'], rows, 'policy')}`;
}
