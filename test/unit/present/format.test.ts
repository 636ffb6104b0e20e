import { describe, expect, it } from 'vitest';
import {
  formatBps,
  formatCount,
  formatCoverage,
  formatPercent,
  formatPointChange,
  formatTable,
  formatTime,
  formatUsd,
} from '../../../lambda/present/format.ts';

describe('formatCoverage', () => {
  it('rounds down to one decimal so a fund below target never reads 100%', () => {
    expect([0.7213, 0.9997, 0.175, 0.8, 1, 1.0349, 12.5, null].map(formatCoverage)).toEqual([
      '72.1%',
      '99.9%',
      '17.5%',
      '80.0%',
      '100.0%',
      '103.4%',
      '1250.0%',
      'unknown',
    ]);
  });
});

describe('formatUsd', () => {
  it.each([
    [1.234e9, '$1.23B'],
    [45.6e6, '$45.6M'],
    [999.96e6, '$1.00B'],
    [999_999, '$1.00M'],
    [250e6, '$250M'],
    [1.44e8, '$144M'],
    [950_000, '$950K'],
    [12_345, '$12.3K'],
    [980, '$980'],
    [12.5, '$12.5'],
    [0.5, '$0.50'],
    [0, '$0.00'],
    [-2.1e6, '-$2.10M'],
    [-5.6e7, '-$56.0M'],
    [3.2e12, '$3.20T'],
    [null, 'unknown'],
  ])('formats %s as %s', (usd, text) => {
    expect(formatUsd(usd)).toBe(text);
  });
});

describe('the other numbers', () => {
  it('formats percentages, points, counts, bps and tables', () => {
    expect(formatPercent(0.0712)).toBe('7.1%');
    expect(formatPercent(0.45, 0)).toBe('45%');
    expect(formatPercent(null)).toBe('n/a');
    expect(formatPointChange(0.8, 0.72)).toBe('-8.0 pp');
    expect(formatPointChange(0.95, 1.03)).toBe('+8.0 pp');
    expect(formatCount(1_000_000)).toBe('1,000,000');
    expect(formatBps(32.5)).toBe('32.50 bps');
    expect(formatTable(['a', 'bb'], [['xyz', '1']], ['left', 'right'])).toBe('a    bb\n---  --\nxyz   1');
  });

  it('writes times in UTC, naming the zone, to the minute unless seconds are set', () => {
    expect(formatTime('2026-11-22T04:15:00.000Z')).toBe('2026-11-22 04:15 UTC');
    expect(formatTime('2026-11-22T06:15:30+02:00')).toBe('2026-11-22 04:15:30 UTC');
    expect(formatTime(new Date(Date.UTC(2020, 2, 12, 0, 0)))).toBe('2020-03-12 00:00 UTC');
  });
});
