/**
 * The report's one-year outlook: the fan chart of the projected balance (5–95% and 25–75% of the
 * simulated years, the median) with the required reserve across it, the figures and the
 * recommendation's sentence. Empty for runs stored before the outlook existed.
 */
import type { FundOutlook } from '../manage/fund-outlook.ts';
import { formatPercent, formatUsd } from './format.ts';
import { escapeXml, fanChart } from './svg-charts.ts';

/** CSS of the section, for the page that embeds it. */
export const OUTLOOK_STYLE =
  '.fan-outer{fill:#d6e4f7}.fan-inner{fill:#a9c6ee}.fan-median{fill:none;stroke:#1a62c4;stroke-width:2.2}.fan-reference text{fill:#5b6474}.recommendation-text{font-weight:600}';

/** The section's HTML, or '' without an outlook. */
export function outlookSection(outlook: FundOutlook | undefined): string {
  if (outlook === undefined) return '';
  const after = outlook.fundAfter1y;
  const reach =
    outlook.daysToTarget === null
      ? 'not within the year'
      : outlook.daysToTarget === 0
        ? 'held now'
        : `in ${outlook.daysToTarget} days (median year)`;
  const chart = fanChart(
    outlook.fan,
    { value: outlook.requiredReserveUsd, label: `required reserve ${formatUsd(outlook.requiredReserveUsd)}` },
    'Projected fund balance over the next year: 5-95% and 25-75% of simulated years, median, and the required reserve',
  );
  return `<section class="card" id="outlook">
<h2>One-year outlook</h2>
<p class="meta">P(exhausted within 1 year) <b data-field="exhaustionProbability1y" data-value="${outlook.exhaustionProbability1y}">${escapeXml(formatPercent(outlook.exhaustionProbability1y))}</b> · fund after 1 year: median ${escapeXml(formatUsd(after.medianUsd))}, 5th percentile ${escapeXml(formatUsd(after.p5Usd))}, 95th ${escapeXml(formatUsd(after.p95Usd))} · required reserve ${escapeXml(reach)} · ${outlook.paths.toLocaleString('en-US')} simulated years; inflow ${escapeXml(formatUsd(outlook.inflow.dailyUsd))} a day (${escapeXml(outlook.inflow.source)})</p>
${chart}
<p class="recommendation-text">${escapeXml(outlook.recommendation.text)}</p>
</section>`;
}
