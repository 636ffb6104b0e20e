/**
 * The exceedance chart as a self-contained SVG: forecast VaR and ES against the realised loss per
 * day, exceedances marked. Drawn for docs/VALIDATION.md by scripts/run-calibration.ts (the committee
 * page of `backstop backtest --html` is lambda/present/backtest-page.ts). The loss axis
 * is logarithmic (symlog from $1M) because quiet and crisis days differ by four orders of magnitude.
 */
import { scaleLinear, scaleSymlog } from 'd3-scale';
import { line } from 'd3-shape';
import type { BacktestDay } from './run-backtest.ts';

const WIDTH = 960;
const HEIGHT = 360;
const MARGIN = { top: 20, right: 20, bottom: 30, left: 70 };

function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

/** Renders the chart of a run's days (oldest first) with a title. */
export function exceedanceChartSvg(days: readonly BacktestDay[], title: string): string {
  const x = scaleLinear()
    .domain([0, Math.max(1, days.length - 1)])
    .range([MARGIN.left, WIDTH - MARGIN.right]);
  const top = Math.max(1, ...days.map((d) => Math.max(d.esUsd, d.realizedLossUsd)));
  const y = scaleSymlog()
    .constant(1e6)
    .domain([0, top])
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const path = (f: (d: BacktestDay) => number) =>
    line<BacktestDay>()
      .x((_, i) => x(i))
      .y((d) => y(f(d)))(days as BacktestDay[]) ?? '';
  const ticks = [0, 1e6, 1e7, 1e8, 1e9, 1e10].filter((t) => t <= top * 1.01);
  // A label at each new year, skipping one that would overlap the previous label (a partial first year).
  const years: { i: number; d: BacktestDay }[] = [];
  days.forEach((d, i) => {
    if (i > 0 && d.date.slice(0, 4) === days[i - 1]?.date.slice(0, 4)) return;
    const last = years[years.length - 1];
    if (last !== undefined && x(i) - x(last.i) < 40) years.pop();
    years.push({ i, d });
  });
  const money = (t: number) => (t === 0 ? '$0' : t >= 1e9 ? `$${t / 1e9}B` : `$${t / 1e6}M`);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    ...ticks.map(
      (t) =>
        `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#ddd"/><text x="${MARGIN.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${money(t)}</text>`,
    ),
    ...years.map(
      ({ i, d }) =>
        `<text x="${x(i).toFixed(1)}" y="${HEIGHT - 10}" text-anchor="middle">${d.date.slice(0, 4)}</text>`,
    ),
    `<path d="${path((d) => d.realizedLossUsd)}" fill="none" stroke="#9aa" stroke-width="0.8"/>`,
    `<path d="${path((d) => d.esUsd)}" fill="none" stroke="#e08a00" stroke-width="1"/>`,
    `<path d="${path((d) => d.varUsd)}" fill="none" stroke="#1f5fa8" stroke-width="1"/>`,
    ...days
      .map((d, i) => ({ d, i }))
      .filter(({ d }) => d.exceeded)
      .map(
        ({ d, i }) =>
          `<circle cx="${x(i).toFixed(1)}" cy="${y(d.realizedLossUsd).toFixed(1)}" r="3" fill="#c0392b"><title>${d.date}: loss $${(d.realizedLossUsd / 1e6).toFixed(1)}M &gt; VaR $${(d.varUsd / 1e6).toFixed(1)}M</title></circle>`,
      ),
    `<g transform="translate(${MARGIN.left + 10},${MARGIN.top + 4})"><rect width="330" height="18" fill="white" opacity="0.8"/>`,
    '<line x1="4" x2="24" y1="9" y2="9" stroke="#1f5fa8"/><text x="28" y="13">VaR</text>',
    '<line x1="64" x2="84" y1="9" y2="9" stroke="#e08a00"/><text x="88" y="13">ES</text>',
    '<line x1="118" x2="138" y1="9" y2="9" stroke="#9aa"/><text x="142" y="13">realised loss</text>',
    '<circle cx="230" cy="9" r="3" fill="#c0392b"/><text x="238" y="13">exceedance</text></g>',
    '</svg>',
  ];
  return parts.join('\n');
}
