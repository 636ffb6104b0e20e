/**
 * The backtest's exceedance chart for the committee page: the forecast one-day VaR and ES against
 * the book's realised loss per day, exceedances marked. A linear loss axis clipped at a high quantile
 * of the plotted values, so one crash day does not flatten every other year into the axis: a value
 * above the axis is drawn at its top as a triangle and named in a note under the chart. Titled axes,
 * the legend outside the plot.
 */
import { scaleLinear, scaleUtc } from 'd3-scale';
import { line } from 'd3-shape';
import type { BacktestDay } from '../backtest/run-backtest.ts';
import { formatUsd } from './format.ts';
import { escapeXml, utcTimeAxis } from './svg-charts.ts';

const WIDTH = 760;
const HEIGHT = 320;
const MARGIN = { top: 16, right: 24, bottom: 48, left: 88 } as const;

/** The share of plotted values the axis shows unclipped. */
export const CLIP_QUANTILE = 0.995;

/** A day drawn at the top of the axis because its value is above it. */
export interface ClippedDay {
  readonly date: string;
  readonly series: 'realised loss' | 'VaR' | 'ES';
  readonly valueUsd: number;
}

/** The chart and what it had to clip. */
export interface BacktestChart {
  readonly svg: string;
  /** The top of the loss axis (USD). */
  readonly axisTopUsd: number;
  readonly clipped: readonly ClippedDay[];
}

/** The `q` quantile of `values` (nearest rank). */
function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

const dayTime = (d: BacktestDay) => new Date(`${d.date}T00:00:00Z`);

/** Renders the chart of a run's days (oldest first). */
export function backtestChart(days: readonly BacktestDay[], label: string): BacktestChart {
  const first = days[0];
  const last = days[days.length - 1];
  const x = scaleUtc()
    .domain(
      first === undefined || last === undefined
        ? [new Date(0), new Date(86_400_000)]
        : [dayTime(first), dayTime(last)],
    )
    .range([MARGIN.left, WIDTH - MARGIN.right]);
  const values = days.flatMap((d) => [d.varUsd, d.esUsd, Math.max(0, d.realizedLossUsd)]);
  const top = Math.max(1, quantile(values, CLIP_QUANTILE) * 1.1);
  const y = scaleLinear()
    .domain([0, top])
    // The same tick count as the axis below, so the axis ends on a labelled tick.
    .nice(5)
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const axisTopUsd = y.domain()[1] ?? top;
  const clip = (v: number) => Math.min(Math.max(0, v), axisTopUsd);
  const path = (f: (d: BacktestDay) => number) =>
    line<BacktestDay>()
      .x((d) => x(dayTime(d)))
      .y((d) => y(clip(f(d))))([...days]) ?? '';
  const clipped: ClippedDay[] = [];
  for (const d of days) {
    if (d.realizedLossUsd > axisTopUsd)
      clipped.push({ date: d.date, series: 'realised loss', valueUsd: d.realizedLossUsd });
    if (d.esUsd > axisTopUsd) clipped.push({ date: d.date, series: 'ES', valueUsd: d.esUsd });
    else if (d.varUsd > axisTopUsd) clipped.push({ date: d.date, series: 'VaR', valueUsd: d.varUsd });
  }
  const y0 = HEIGHT - MARGIN.bottom;
  const dates = x.ticks(7);
  const axis = utcTimeAxis(dates);
  // One format per axis, as coarse as the ticks allow: years when every tick is a 1 January,
  // months when every tick is a first of the month, else dates.
  const iso = dates.map((t) => t.toISOString());
  const tickLabel = iso.every((t) => t.slice(5, 10) === '01-01')
    ? (t: Date) => t.toISOString().slice(0, 4)
    : iso.every((t) => t.slice(8, 10) === '01')
      ? (t: Date) => t.toISOString().slice(0, 7)
      : axis.format;
  const xTicks = dates.map(
    (t) =>
      `<g class="tick x-tick" transform="translate(${x(t).toFixed(1)},${y0})"><line y2="5"/><text y="18" text-anchor="middle">${escapeXml(tickLabel(t))}</text></g>`,
  );
  const yTicks = y.ticks(5).map((v) => {
    const py = y(v).toFixed(1);
    return `<g class="tick y-tick" transform="translate(${MARGIN.left},${py})"><line x2="-5"/><line class="grid" x2="${WIDTH - MARGIN.left - MARGIN.right}"/><text x="-8" dy="0.32em" text-anchor="end">${escapeXml(v === 0 ? '$0' : formatUsd(v))}</text></g>`;
  });
  const marks = days.flatMap((d) => {
    if (!d.exceeded && d.realizedLossUsd <= axisTopUsd) return [];
    const cx = x(dayTime(d)).toFixed(1);
    const title = `<title>${escapeXml(`${d.date}: loss ${formatUsd(d.realizedLossUsd)}, VaR ${formatUsd(d.varUsd)}, ES ${formatUsd(d.esUsd)}`)}</title>`;
    if (d.realizedLossUsd > axisTopUsd) {
      const ty = y(axisTopUsd);
      return [`<path class="clipped-mark" d="M${cx},${(ty - 1).toFixed(1)}l-5,9h10z">${title}</path>`];
    }
    return [
      `<circle class="exceedance" cx="${cx}" cy="${y(d.realizedLossUsd).toFixed(1)}" r="3">${title}</circle>`,
    ];
  });
  const cx = ((MARGIN.left + WIDTH - MARGIN.right) / 2).toFixed(1);
  const cy = ((MARGIN.top + y0) / 2).toFixed(1);
  const svg = [
    `<svg class="chart" role="img" aria-label="${escapeXml(label)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" xmlns="http://www.w3.org/2000/svg">`,
    `<g class="axis y-axis">${yTicks.join('')}</g>`,
    `<g class="axis x-axis"><line class="domain" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y0}" y2="${y0}"/>${xTicks.join('')}</g>`,
    `<g class="axis-title"><text class="x-title" x="${cx}" y="${HEIGHT - 8}" text-anchor="middle">${escapeXml(axis.title)}</text><text class="y-title" transform="translate(16,${cy}) rotate(-90)" text-anchor="middle">one-day loss of the book (USD)</text></g>`,
    `<path class="series bt-loss" d="${path((d) => d.realizedLossUsd)}"/>`,
    `<path class="series bt-es" d="${path((d) => d.esUsd)}"/>`,
    `<path class="series bt-var" d="${path((d) => d.varUsd)}"/>`,
    ...marks,
    '</svg>',
  ].join('\n');
  return { svg, axisTopUsd, clipped };
}

/** CSS of the chart, for the page that embeds it. */
export const BACKTEST_CHART_STYLE =
  '.bt-loss{fill:none;stroke:#8f9aab;stroke-width:0.8}.bt-es{fill:none;stroke:#e08a00;stroke-width:1.2}.bt-var{fill:none;stroke:#1a62c4;stroke-width:1.2}circle.exceedance{fill:#c5221f}.clipped-mark{fill:#c5221f}';
