import { describe, expect, it } from 'vitest';
import {
  balanceChart,
  barChart,
  type ChartPoint,
  coverageChart,
} from '../../../lambda/present/svg-charts.ts';

const point = (iso: string, balance: number | null, required: number): ChartPoint => ({
  time: new Date(iso),
  fundBalanceUsd: balance,
  requiredReserveUsd: required,
  coverageRatio: balance === null ? null : balance / required,
});
const thresholds = { warnBelow: 1, breachBelow: 0.8 };

/** The numbers of an SVG path's `d`, pairwise as [x, y]. */
function coordinates(d: string): [number, number][] {
  const numbers = (d.match(/-?\d+(\.\d+)?/g) ?? []).map(Number);
  const pairs: [number, number][] = [];
  for (let i = 0; i + 1 < numbers.length; i += 2) pairs.push([numbers[i] ?? 0, numbers[i + 1] ?? 0]);
  return pairs;
}

describe('svg charts', () => {
  it('scales bars by value: twice the value, twice the width', () => {
    const svg = barChart(
      [
        { label: 'BTC', value: 100e6 },
        { label: 'ETH', value: 50e6 },
      ],
      'ES',
      'es-bar',
    );
    const widths = [...svg.matchAll(/class="bar es-bar"[^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(2);
    expect((widths[0] ?? 0) / (widths[1] ?? 1)).toBeCloseTo(2, 2);
    expect(svg).toContain('>$100M</text>');
  });

  it('puts the breach band under breachBelow × required and the warn band between the thresholds', () => {
    const svg = balanceChart(
      [point('2026-11-22T00:00:00Z', 90, 100), point('2026-11-22T01:00:00Z', 70, 100)],
      thresholds,
    );
    const band = (cls: string) =>
      coordinates(svg.match(new RegExp(`class="band ${cls}" d="([^"]+)"`))?.[1] ?? '');
    const ys = (cls: string) => [...new Set(band(cls).map(([, y]) => y))].sort((a, b) => a - b);
    // y grows downwards; the axis runs from 0 at the bottom; required is flat at 100.
    const [breachTop, breachBottom] = [ys('band-breach')[0] ?? 0, ys('band-breach').at(-1) ?? 0];
    const [warnTop, warnBottom] = [ys('band-warn')[0] ?? 0, ys('band-warn').at(-1) ?? 0];
    expect(warnBottom).toBeCloseTo(breachTop, 2);
    // 0 → 80 and 80 → 100 on a linear axis: the warn band is a quarter of the breach band's height
    // (d3-path rounds coordinates to 1e-3 px, hence 4 digits).
    expect((warnBottom - warnTop) / (breachBottom - breachTop)).toBeCloseTo(0.25, 4);
  });

  it('spans an hour around a single run so its point is drawn mid-chart', () => {
    const svg = coverageChart([point('2026-11-22T00:00:00Z', 90, 100)], thresholds);
    const cx = Number(svg.match(/class="dot coverage-dot" cx="([\d.]+)"/)?.[1]);
    // Plot from x = 88 to 760 − 24 = 736: the middle is 412.
    expect(cx).toBeCloseTo(412, 0);
    expect(svg.match(/class="tick x-tick"/g)?.length).toBeGreaterThanOrEqual(2);
  });

  it('titles both axes, and labels time ticks in one UTC format with the day in the title', () => {
    const svg = balanceChart(
      [point('2026-11-22T03:00:00Z', 90, 100), point('2026-11-22T03:30:00Z', 70, 100)],
      thresholds,
    );
    expect(svg).toContain(
      '<text class="x-title" x="412.0" y="272" text-anchor="middle">time (UTC) on 2026-11-22</text>',
    );
    expect(svg).toContain('rotate(-90)" text-anchor="middle">USD</text>');
    const ticks = [...svg.matchAll(/class="tick x-tick"[^>]*><line y2="5"\/><text[^>]*>([^<]+)</g)].map(
      (m) => m[1],
    );
    expect(ticks).toEqual(['03:00', '03:05', '03:10', '03:15', '03:20', '03:25', '03:30']);
    expect(svg).toContain('<title>2026-11-22 03:30 UTC: balance $70.0, required $100</title>');
  });

  it('names the date on each tick when the runs span days, and highlights the worst bar', () => {
    const days = coverageChart(
      [point('2026-11-20T00:00:00Z', 90, 100), point('2026-11-22T00:00:00Z', 70, 100)],
      thresholds,
    );
    expect(days).toContain('>11-20 12:00</text>');
    expect(days).toContain('>time (UTC)</text>');
    const bars = barChart(
      [
        { label: 'crash', value: 100e6, highlight: true },
        { label: 'rebound', value: 50e6 },
      ],
      'stress',
      'stress-bar',
    );
    expect(bars.match(/class="bar stress-bar bar-worst"/g)).toHaveLength(1);
    expect(bars).toContain('>$100M — worst</text>');
    expect(bars).toContain('>USD</text>');
  });

  it('leaves a gap, not a zero, where the balance is unknown', () => {
    const svg = balanceChart(
      [
        point('2026-11-22T00:00:00Z', 90, 100),
        point('2026-11-22T01:00:00Z', null, 100),
        point('2026-11-22T02:00:00Z', 95, 100),
      ],
      thresholds,
    );
    const line = svg.match(/class="series line-balance" d="([^"]+)"/)?.[1] ?? '';
    expect(line.match(/M/g)).toHaveLength(2);
    expect(svg.match(/class="dot balance-dot"/g)).toHaveLength(2);
  });
});
