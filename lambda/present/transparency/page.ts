/**
 * The public transparency page of a fund, like the venues' own insurance-fund pages: balance and
 * composition, required reserve, coverage, fund / open interest over time, the latest stress results
 * and reverse stress test, the method in plain words and the time of the last run. One
 * self-contained HTML file — inline CSS and SVG, no script, nothing fetched — rendered from the feed
 * alone, so the page can never show a figure the feed does not have. Every headline figure carries
 * its raw value in `data-value` for machines (and the tests).
 */
import { formatCoverage, formatPercent, formatTime, formatUsd } from '../format.ts';
import { fundToOpenInterestChart } from '../growth-chart.ts';
import { balanceChart, barChart, type ChartPoint, coverageChart, escapeXml } from '../svg-charts.ts';
import type { TransparencyFeed } from './feed-schema.ts';

/** The feed's file name beside the page. */
export const FEED_FILE = 'feed.json';

const STYLE = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;margin:0;background:#f6f7f9}
main{max-width:860px;margin:0 auto;padding:28px 24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:0 0 8px}
.meta{color:#5b6474;margin:0 0 18px}
.figures{display:flex;gap:14px;flex-wrap:wrap;margin:14px 0}
.figure{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:10px 14px;min-width:150px}
.figure b{display:block;font-size:21px}
.status{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:600;color:#fff;font-size:14px;vertical-align:middle}
.status-OK{background:#1e8e3e}.status-WARN{background:#c98a00}.status-BREACH{background:#c5221f}
.status-DEGRADED{background:#7b3fb5}.status-UNKNOWN{background:#5b6474}
section{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:14px 16px;margin:14px 0}
svg.chart{max-width:100%;height:auto;font-size:11px}
.axis line,.axis .domain{stroke:#9aa3b2}.axis text{fill:#5b6474}.grid{stroke:#eef0f3}
.band-breach{fill:#f9d4d2}.band-warn{fill:#fdefc3}
.line-required{fill:none;stroke:#1d2330;stroke-width:2;stroke-dasharray:6 4}
.line-balance,.line-coverage,.fund-oi{fill:none;stroke:#1a62c4;stroke-width:2.2}
.dot{fill:#1a62c4}
.threshold line{stroke:#8a5a00;stroke-dasharray:3 3}.threshold-breach line{stroke:#a11b18}.threshold text{fill:#5b6474}
.bar.stress-bar{fill:#c5221f}.bar.asset-bar{fill:#1a62c4}.bar-label,.bar-value{fill:#1d2330}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums;margin-top:8px}
th,td{text-align:right;padding:4px 8px;border-bottom:1px solid #eef0f3}
th:first-child,td:first-child{text-align:left}th{color:#5b6474;font-weight:600}
p.note{color:#5b6474;margin:6px 0}
footer{color:#5b6474;font-size:13px;margin:22px 0}
`;

function figure(label: string, field: string, value: number | null, text: string): string {
  const raw = value === null ? '' : String(value);
  return `<div class="figure">${escapeXml(label)}<b data-field="${field}" data-value="${raw}">${escapeXml(text)}</b></div>`;
}

function table(headers: readonly string[], rows: readonly (readonly string[])[], cls: string): string {
  const head = `<tr>${headers.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table class="${cls}">\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function section(id: string, title: string, body: string): string {
  return `<section id="${id}">\n<h2>${escapeXml(title)}</h2>\n${body}\n</section>`;
}

/** The fund's policy terms (floor, non-market add-ons) beside the model's number; '' without a policy. */
function policySection(policy: TransparencyFeed['policy']): string {
  if (policy === undefined) return '';
  const rows = [
    ['what the model requires', formatUsd(policy.modelRequirementUsd)],
    ...policy.addOns.map((a) => [`added for ${a.name} (policy, not model)`, formatUsd(a.usd)]),
    ...(policy.floorUsd === null
      ? []
      : [['policy floor (the reserve is never below it)', formatUsd(policy.floorUsd)]]),
  ];
  return `\n${section('policy', "The fund's policy on top of the model", table(['term', 'USD'], rows, 'policy'))}`;
}

/** Renders the page. Deterministic: the same feed gives the same bytes. */
export function renderTransparencyPage(feed: TransparencyFeed): string {
  const points: ChartPoint[] = feed.history.map((h) => ({
    time: new Date(h.asOf),
    fundBalanceUsd: h.fundBalanceUsd,
    requiredReserveUsd: h.requiredReserveUsd,
    coverageRatio: h.coverageRatio,
  }));
  const effective =
    feed.effectiveBalanceUsd === null || feed.effectiveBalanceUsd === feed.fundBalanceUsd
      ? ''
      : `\n${figure('Effective balance (after its own stress revaluation)', 'effectiveBalanceUsd', feed.effectiveBalanceUsd, formatUsd(feed.effectiveBalanceUsd))}`;
  const composition =
    feed.composition === null
      ? '<p class="note">The fund reports its balance as one amount, without a breakdown by asset.</p>'
      : `${barChart(
          feed.composition.map((a) => ({ label: a.asset, value: a.amountUsd })),
          'What the fund holds, by asset',
          'asset-bar',
        )}\n${table(
          ['asset', 'amount', 'share'],
          feed.composition.map((a) => [a.asset, formatUsd(a.amountUsd), formatPercent(a.share)]),
          'composition',
        )}`;
  const history =
    points.length === 0
      ? '<p class="note">No history yet.</p>'
      : `${balanceChart(points, feed.thresholds)}\n<p class="note">Fund balance (solid) against the required reserve (dashed), one point per day; shaded: below ${formatPercent(feed.thresholds.warnBelow, 0)} (WARN) and ${formatPercent(feed.thresholds.breachBelow, 0)} (BREACH) of the requirement.</p>\n${coverageChart(points, feed.thresholds)}`;
  const fundOi = fundToOpenInterestChart(feed.history);
  const stress =
    feed.stress.length === 0
      ? '<p class="note">No stress scenarios.</p>'
      : `${barChart(
          feed.stress.map((s) => ({ label: s.name, value: Math.max(0, s.netFundLossUsd) })),
          'Net loss of the fund under each stress scenario',
          'stress-bar',
        )}\n${table(
          ['scenario', 'order-book depth', 'net fund loss', 'fund after'],
          feed.stress.map((s) => [
            s.name,
            formatPercent(s.liquidityFactor, 0),
            formatUsd(s.netFundLossUsd),
            formatUsd(s.fundAfterUsd),
          ]),
          'stress',
        )}`;
  const reverse =
    feed.reverseStress.length === 0
      ? ''
      : `\n<h2>Reverse stress test</h2>\n<ul class="reverse-stress">${feed.reverseStress.map((r) => `<li>${escapeXml(r.text)}</li>`).join('')}</ul>`;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(`${feed.fundId} insurance fund`)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeXml(feed.fundId)} insurance fund <span class="status status-${escapeXml(feed.status)}" data-field="status">${escapeXml(feed.status)}</span></h1>
<p class="meta">Last run <time data-field="lastRunAt" datetime="${escapeXml(feed.lastRunAt)}">${escapeXml(formatTime(feed.lastRunAt))}</time> · the required reserve is set by ${escapeXml(feed.bindingTerm)}</p>
<div class="figures">
${figure('Fund balance', 'fundBalanceUsd', feed.fundBalanceUsd, formatUsd(feed.fundBalanceUsd))}
${figure('Required reserve', 'requiredReserveUsd', feed.requiredReserveUsd, formatUsd(feed.requiredReserveUsd))}
${figure('Coverage', 'coverageRatio', feed.coverageRatio, formatCoverage(feed.coverageRatio))}
${figure('Fund / open interest', 'fundToOpenInterest', feed.fundToOpenInterest, formatPercent(feed.fundToOpenInterest, 2))}${effective}
</div>
${section('composition', 'What the fund holds', composition)}${policySection(feed.policy)}
${section('history', 'Balance and coverage over time', history)}
${section('growth', 'Fund balance against open interest', `${fundOi}\n<p class="note">Open interest backed today: <span data-field="openInterestUsd" data-value="${feed.openInterestUsd}">${escapeXml(formatUsd(feed.openInterestUsd))}</span> across ${feed.markets.length} markets.</p>`)}
${section('stress', 'Latest stress results', `${stress}${reverse}`)}
${section('methodology', 'How the required reserve is computed', feed.methodology.map((p) => `<p>${escapeXml(p)}</p>`).join('\n'))}
<footer>Published by Backstop from the run of ${escapeXml(formatTime(feed.lastRunAt))} (${escapeXml(feed.engine)} engine, model ${escapeXml(feed.modelVersion)}); page written ${escapeXml(formatTime(feed.generatedAt))}. The same facts, machine-readable: <a href="${FEED_FILE}">${FEED_FILE}</a>.</footer>
</main>
</body>
</html>
`;
}
