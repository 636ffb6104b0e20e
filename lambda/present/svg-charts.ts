/**
 * SVG charts of the HTML report, drawn with d3-scale (positions, ticks) and d3-shape (lines, areas):
 * no coordinate is placed by hand, and the output is a plain string — no DOM, no browser needed to
 * build it, nothing fetched to show it.
 */
import { scaleBand, scaleLinear, scaleUtc } from 'd3-scale';
import { area, curveStepAfter, line } from 'd3-shape';
import { formatCoverage, formatPercent, formatTime, formatUsd } from './format.ts';

/** One run on the time axis. Money in USD; coverage = balance / required. */
export interface ChartPoint {
  readonly time: Date;
  readonly fundBalanceUsd: number | null;
  readonly requiredReserveUsd: number;
  readonly coverageRatio: number | null;
}

/** Coverage thresholds: WARN below `warnBelow`, BREACH below `breachBelow`. */
export interface Thresholds {
  readonly warnBelow: number;
  readonly breachBelow: number;
}

/** One value at one time, for {@link lineChart}. */
export interface TimeValue {
  readonly time: Date;
  readonly value: number;
}

/** One bar of a bar chart. */
export interface Bar {
  readonly label: string;
  readonly value: number;
  /** Drawn in the emphasis colour with a "worst" tag (the binding stress scenario). */
  readonly highlight?: boolean;
}

const WIDTH = 760;
const HEIGHT = 280;
const MARGIN = { top: 16, right: 24, bottom: 48, left: 88 } as const;
const HALF_HOUR_MS = 30 * 60_000;

/** A USD axis tick: compact, and a plain `$0` at the origin. */
function usdTick(v: number): string {
  return v === 0 ? '$0' : formatUsd(v);
}

/** Escapes text for SVG/HTML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function svg(label: string, height: number, body: string[]): string {
  return [
    `<svg class="chart" role="img" aria-label="${escapeXml(label)}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" xmlns="http://www.w3.org/2000/svg">`,
    ...body,
    '</svg>',
  ].join('\n');
}

/**
 * The axis titles: centred under the plot and rotated beside it, so no chart leaves its reader to
 * guess what is measured.
 */
function axisTitles(height: number, x: string, y: string | null): string {
  const cx = ((MARGIN.left + WIDTH - MARGIN.right) / 2).toFixed(1);
  const cy = ((MARGIN.top + height - MARGIN.bottom) / 2).toFixed(1);
  const yTitle =
    y === null
      ? ''
      : `<text class="y-title" transform="translate(16,${cy}) rotate(-90)" text-anchor="middle">${escapeXml(y)}</text>`;
  return `<g class="axis-title"><text class="x-title" x="${cx}" y="${height - 8}" text-anchor="middle">${escapeXml(x)}</text>${yTitle}</g>`;
}

/**
 * Tick labels of a UTC time axis in one format and its title: `HH:MM` with the day in the title when
 * every tick is on one day, `MM-DD HH:MM` within a week, `YYYY-MM-DD` beyond.
 */
export function utcTimeAxis(ticks: readonly Date[]): { format: (t: Date) => string; title: string } {
  const days = new Set(ticks.map((t) => t.toISOString().slice(0, 10)));
  const first = ticks[0]?.getTime() ?? 0;
  const last = ticks[ticks.length - 1]?.getTime() ?? 0;
  if (days.size <= 1) {
    return {
      format: (t) => t.toISOString().slice(11, 16),
      title: `time (UTC) on ${[...days][0] ?? ''}`.trim(),
    };
  }
  if (last - first <= 7 * 86_400_000) {
    return {
      format: (t) => `${t.toISOString().slice(5, 10)} ${t.toISOString().slice(11, 16)}`,
      title: 'time (UTC)',
    };
  }
  return { format: (t) => t.toISOString().slice(0, 10), title: 'date (UTC)' };
}

function timeScale(points: readonly { readonly time: Date }[]) {
  const times = points.map((p) => p.time.getTime());
  let lo = Math.min(...times);
  let hi = Math.max(...times);
  // One run still gets a visible time span around it.
  if (hi - lo < HALF_HOUR_MS) {
    lo -= HALF_HOUR_MS;
    hi += HALF_HOUR_MS;
  }
  return scaleUtc()
    .domain([new Date(lo), new Date(hi)])
    .range([MARGIN.left, WIDTH - MARGIN.right]);
}

/** The time axis with its title (`yTitle` titles the value axis beside it). */
function xAxis(x: ReturnType<typeof timeScale>, height: number, yTitle: string | null): string {
  const y0 = height - MARGIN.bottom;
  const dates = x.ticks(6);
  const { format, title } = utcTimeAxis(dates);
  const ticks = dates.map((t) => {
    const px = x(t);
    // A label at the right edge ends at its tick, so a long one (`11-22 12:00`) is not cut off.
    const anchor = px > WIDTH - MARGIN.right - 30 ? 'end' : 'middle';
    return `<g class="tick x-tick" transform="translate(${px.toFixed(1)},${y0})"><line y2="5"/><text y="18" text-anchor="${anchor}">${escapeXml(format(t))}</text></g>`;
  });
  return `<g class="axis x-axis"><line class="domain" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y0}" y2="${y0}"/>${ticks.join('')}</g>${axisTitles(height, title, yTitle)}`;
}

function yAxis(y: ReturnType<typeof scaleLinear<number, number>>, format: (v: number) => string): string {
  const ticks = y.ticks(5).map((v) => {
    const py = y(v).toFixed(1);
    return `<g class="tick y-tick" transform="translate(${MARGIN.left},${py})"><line x2="-5"/><line class="grid" x2="${WIDTH - MARGIN.left - MARGIN.right}"/><text x="-8" dy="0.32em" text-anchor="end">${escapeXml(format(v))}</text></g>`;
  });
  return `<g class="axis y-axis">${ticks.join('')}</g>`;
}

/**
 * Fund balance against the required reserve over time, over the WARN band (balance between
 * breachBelow × required and warnBelow × required) and the BREACH band (below breachBelow × required).
 * The bands extend to the chart edges as steps: each run's requirement holds until the next run.
 */
export function balanceChart(points: readonly ChartPoint[], thresholds: Thresholds): string {
  const x = timeScale(points);
  const top = Math.max(
    ...points.flatMap((p) => [p.requiredReserveUsd * thresholds.warnBelow, p.fundBalanceUsd ?? 0]),
  );
  const y = scaleLinear()
    .domain([0, top * 1.08 || 1])
    .nice()
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const [start, end] = x.domain() as [Date, Date];
  const first = points[0];
  const last = points[points.length - 1];
  const steps =
    first === undefined || last === undefined
      ? []
      : [{ ...first, time: start }, ...points, { ...last, time: end }];
  const t = (p: ChartPoint) => x(p.time);
  const breachBand = area<ChartPoint>()
    .curve(curveStepAfter)
    .x(t)
    .y0(y(0))
    .y1((p) => y(p.requiredReserveUsd * thresholds.breachBelow));
  const warnBand = area<ChartPoint>()
    .curve(curveStepAfter)
    .x(t)
    .y0((p) => y(p.requiredReserveUsd * thresholds.breachBelow))
    .y1((p) => y(p.requiredReserveUsd * thresholds.warnBelow));
  const requiredLine = line<ChartPoint>()
    .curve(curveStepAfter)
    .x(t)
    .y((p) => y(p.requiredReserveUsd));
  const balanceLine = line<ChartPoint>()
    .defined((p) => p.fundBalanceUsd !== null)
    .x(t)
    .y((p) => y(p.fundBalanceUsd ?? 0));
  const dots = points
    .filter((p) => p.fundBalanceUsd !== null)
    .map(
      (p) =>
        `<circle class="dot balance-dot" cx="${t(p).toFixed(1)}" cy="${y(p.fundBalanceUsd ?? 0).toFixed(1)}" r="3.5"><title>${escapeXml(`${formatTime(p.time)}: balance ${formatUsd(p.fundBalanceUsd)}, required ${formatUsd(p.requiredReserveUsd)}`)}</title></circle>`,
    );
  return svg('Fund balance against the required reserve, with the WARN and BREACH bands', HEIGHT, [
    `<path class="band band-breach" d="${breachBand(steps) ?? ''}"/>`,
    `<path class="band band-warn" d="${warnBand(steps) ?? ''}"/>`,
    yAxis(y, usdTick),
    xAxis(x, HEIGHT, 'USD'),
    `<path class="series line-required" d="${requiredLine(steps) ?? ''}"/>`,
    `<path class="series line-balance" d="${balanceLine(points) ?? ''}"/>`,
    ...dots,
  ]);
}

/** Coverage ratio over time over the BREACH and WARN zones, with the thresholds dashed. */
export function coverageChart(points: readonly ChartPoint[], thresholds: Thresholds): string {
  const x = timeScale(points);
  const known = points.map((p) => p.coverageRatio).filter((c): c is number => c !== null);
  const y = scaleLinear()
    .domain([0, Math.max(thresholds.warnBelow * 1.25, ...known.map((c) => c * 1.08))])
    .nice()
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const left = MARGIN.left;
  const width = WIDTH - MARGIN.left - MARGIN.right;
  const zone = (cls: string, from: number, to: number) =>
    `<rect class="band ${cls}" x="${left}" width="${width}" y="${y(to).toFixed(1)}" height="${(y(from) - y(to)).toFixed(1)}"/>`;
  const rule = (cls: string, value: number, label: string) =>
    `<g class="threshold ${cls}"><line x1="${left}" x2="${left + width}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}"/><text x="${left + width - 4}" y="${(y(value) - 4).toFixed(1)}" text-anchor="end">${escapeXml(label)}</text></g>`;
  const coverageLine = line<ChartPoint>()
    .defined((p) => p.coverageRatio !== null)
    .x((p) => x(p.time))
    .y((p) => y(p.coverageRatio ?? 0));
  const dots = points
    .filter((p) => p.coverageRatio !== null)
    .map(
      (p) =>
        `<circle class="dot coverage-dot" cx="${x(p.time).toFixed(1)}" cy="${y(p.coverageRatio ?? 0).toFixed(1)}" r="3.5"><title>${escapeXml(`${formatTime(p.time)}: coverage ${formatCoverage(p.coverageRatio)}`)}</title></circle>`,
    );
  return svg('Coverage ratio over time', HEIGHT, [
    zone('band-breach', 0, thresholds.breachBelow),
    zone('band-warn', thresholds.breachBelow, thresholds.warnBelow),
    yAxis(y, (v) => formatPercent(v, 0)),
    xAxis(x, HEIGHT, 'coverage (balance / required)'),
    rule('threshold-warn', thresholds.warnBelow, `WARN below ${formatPercent(thresholds.warnBelow, 0)}`),
    rule(
      'threshold-breach',
      thresholds.breachBelow,
      `BREACH below ${formatPercent(thresholds.breachBelow, 0)}`,
    ),
    `<path class="series line-coverage" d="${coverageLine(points) ?? ''}"/>`,
    ...dots,
  ]);
}

/**
 * Horizontal bars, one per item, in the given order, with the value printed at the bar's end.
 *
 * @param kind - CSS class of the bars (tests and styles find them by it)
 * @param valueTitle - the title of the value axis
 */
export function barChart(bars: readonly Bar[], label: string, kind: string, valueTitle = 'USD'): string {
  const rowHeight = 26;
  const height = MARGIN.top + MARGIN.bottom + rowHeight * Math.max(1, bars.length);
  // Room for the longest label at ~7.4 px per character of the 11 px font (capitals and digits are
  // wide: market ids are), within sensible bounds.
  const longest = Math.max(0, ...bars.map((b) => b.label.length));
  const labelWidth = Math.min(340, Math.max(90, 12 + 7.4 * longest));
  const y = scaleBand()
    .domain(bars.map((_, i) => String(i)))
    .range([MARGIN.top, height - MARGIN.bottom])
    .padding(0.2);
  const x = scaleLinear()
    .domain([0, Math.max(...bars.map((b) => b.value), 1)])
    .nice()
    .range([labelWidth, WIDTH - MARGIN.right - 70]);
  const rows = bars.map((b, i) => {
    const top = y(String(i)) ?? 0;
    const w = Math.max(0, x(b.value) - x(0));
    const mid = (top + y.bandwidth() / 2).toFixed(1);
    return [
      `<text class="bar-label" x="${labelWidth - 8}" y="${mid}" dy="0.32em" text-anchor="end">${escapeXml(b.label)}</text>`,
      `<rect class="bar ${kind}${b.highlight === true ? ' bar-worst' : ''}" x="${x(0).toFixed(1)}" y="${top.toFixed(1)}" width="${w.toFixed(1)}" height="${y.bandwidth().toFixed(1)}"><title>${escapeXml(`${b.label}: ${formatUsd(b.value)}`)}</title></rect>`,
      `<text class="bar-value" x="${(x(0) + w + 6).toFixed(1)}" y="${mid}" dy="0.32em">${escapeXml(formatUsd(b.value))}${b.highlight === true ? ' — worst' : ''}</text>`,
    ].join('');
  });
  const y0 = height - MARGIN.bottom;
  const ticks = x.ticks(5).map((v) => {
    const px = x(v).toFixed(1);
    return `<g class="tick x-tick" transform="translate(${px},${y0})"><line y2="5"/><line class="grid" y2="${-(y0 - MARGIN.top)}"/><text y="18" text-anchor="middle">${escapeXml(usdTick(v))}</text></g>`;
  });
  const cx = ((labelWidth + WIDTH - MARGIN.right - 70) / 2).toFixed(1);
  const title = `<g class="axis-title"><text class="x-title" x="${cx}" y="${height - 8}" text-anchor="middle">${escapeXml(valueTitle)}</text></g>`;
  return svg(label, height, [`<g class="axis x-axis">${ticks.join('')}</g>`, title, ...rows]);
}

/**
 * One series over time (e.g. fund / open interest), a line with a dot per point, on a y axis from 0.
 *
 * @param kind - CSS class of the line and dots (tests and styles find them by it)
 * @param format - y-axis and tooltip text of a value
 * @param valueTitle - the title of the value axis
 */
export function lineChart(
  points: readonly TimeValue[],
  label: string,
  kind: string,
  format: (value: number) => string,
  valueTitle: string,
): string {
  const x = timeScale(points);
  const y = scaleLinear()
    .domain([0, Math.max(0, ...points.map((p) => p.value * 1.08)) || 1])
    .nice()
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const path = line<TimeValue>()
    .x((p) => x(p.time))
    .y((p) => y(p.value));
  const dots = points.map(
    (p) =>
      `<circle class="dot ${kind}-dot" cx="${x(p.time).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="3.5"><title>${escapeXml(`${formatTime(p.time)}: ${format(p.value)}`)}</title></circle>`,
  );
  return svg(label, HEIGHT, [
    yAxis(y, format),
    xAxis(x, HEIGHT, valueTitle),
    `<path class="series ${kind}" d="${path([...points]) ?? ''}"/>`,
    ...dots,
  ]);
}

/** The distribution of a projected value on one day, for {@link fanChart} (USD). */
export interface FanDay {
  readonly day: number;
  readonly p5Usd: number;
  readonly p25Usd: number;
  readonly medianUsd: number;
  readonly p75Usd: number;
  readonly p95Usd: number;
}

/**
 * A fan chart over days: the 5–95% band, the 25–75% band and the median, with a reference level
 * (the required reserve) dashed across.
 *
 * @param reference - the level to draw and its label
 */
export function fanChart(
  days: readonly FanDay[],
  reference: { readonly value: number; readonly label: string },
  label: string,
): string {
  const lastDay = Math.max(1, ...days.map((d) => d.day));
  const x = scaleLinear()
    .domain([0, lastDay])
    .range([MARGIN.left, WIDTH - MARGIN.right]);
  const top = Math.max(reference.value, ...days.map((d) => d.p95Usd)) * 1.08 || 1;
  const y = scaleLinear()
    .domain([0, top])
    .nice()
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const band = (lo: (d: FanDay) => number, hi: (d: FanDay) => number) =>
    area<FanDay>()
      .x((d) => x(d.day))
      .y0((d) => y(lo(d)))
      .y1((d) => y(hi(d)))([...days]) ?? '';
  const median = line<FanDay>()
    .x((d) => x(d.day))
    .y((d) => y(d.medianUsd))([...days]);
  const y0 = HEIGHT - MARGIN.bottom;
  const ticks = x.ticks(6).map((t) => {
    const px = x(t).toFixed(1);
    return `<g class="tick x-tick" transform="translate(${px},${y0})"><line y2="5"/><text y="18" text-anchor="middle">${escapeXml(`day ${t}`)}</text></g>`;
  });
  const ry = y(reference.value).toFixed(1);
  return svg(label, HEIGHT, [
    yAxis(y, usdTick),
    `<g class="axis x-axis"><line class="domain" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y0}" y2="${y0}"/>${ticks.join('')}</g>`,
    axisTitles(HEIGHT, 'days from the latest run', 'fund balance (USD)'),
    `<path class="band fan-outer" d="${band(
      (d) => d.p5Usd,
      (d) => d.p95Usd,
    )}"/>`,
    `<path class="band fan-inner" d="${band(
      (d) => d.p25Usd,
      (d) => d.p75Usd,
    )}"/>`,
    `<path class="series fan-median" d="${median ?? ''}"/>`,
    `<g class="fan-reference"><line class="line-required" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${ry}" y2="${ry}"/><text x="${WIDTH - MARGIN.right - 4}" y="${(Number(ry) - 4).toFixed(1)}" text-anchor="end">${escapeXml(reference.label)}</text></g>`,
  ]);
}
