/**
 * Fund balance / open interest over time, as the report and the transparency page draw it: whether
 * the fund grows with the book it backs (the ratio the GROWTH alert watches).
 */
import { type GrowthPoint, growthSeries } from '../manage/growth.ts';
import { formatPercent } from './format.ts';
import { lineChart } from './svg-charts.ts';

/** The chart of the runs' fund / OI (any order), or a note when no run recorded its open interest. */
export function fundToOpenInterestChart(points: readonly GrowthPoint[]): string {
  const series = growthSeries(points).map((p) => ({ time: new Date(p.asOf), value: p.fundToOpenInterest }));
  if (series.length === 0) return '<p class="note">No open interest recorded yet.</p>';
  return lineChart(
    series,
    'Fund balance as a share of open interest over time',
    'fund-oi',
    (v) => formatPercent(v, 2),
    'fund balance / open interest',
  );
}
