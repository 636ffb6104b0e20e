import { describe, expect, it } from 'vitest';
import { builtInBook } from '../../../lambda/backtest/backtest-book.ts';
import { summarizeBacktest } from '../../../lambda/backtest/backtest-summary.ts';
import { renderBacktestText, verdictLine } from '../../../lambda/backtest/backtest-text.ts';
import { type BacktestDay, DEFAULT_BACKTEST_SETTINGS } from '../../../lambda/backtest/run-backtest.ts';
import { Xoshiro128 } from '../../../lambda/model/random/xoshiro128.ts';

/** 250 days at 99%, exceedances (loss 2× ES) on the given day indices. */
function summary(hitDays: readonly number[], lossOnHit = 20) {
  const days: BacktestDay[] = Array.from({ length: 250 }, (_, i) => {
    const hit = hitDays.includes(i);
    return {
      date: new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10),
      varUsd: 5e6,
      esUsd: 10e6,
      realizedLossUsd: hit ? lossOnHit * 1e6 : 1e6,
      exceeded: hit,
      returns: { 'BTC-PERP': hit ? -0.2 : 0.01 },
      vols: { 'BTC-PERP': 0.6 },
    };
  });
  const rng = Xoshiro128.fromSeed(5);
  return summarizeBacktest({ settings: DEFAULT_BACKTEST_SETTINGS, days, skippedGaps: 0 }, 3, () =>
    rng.nextDouble(),
  );
}

describe('the worst days', () => {
  it('rank by loss, then — bad debt is zero on most days — by the day’s largest move', () => {
    const day = (date: string, lossUsd: number, btc: number, eth: number): BacktestDay => ({
      date,
      varUsd: 0,
      esUsd: 1,
      realizedLossUsd: lossUsd,
      exceeded: lossUsd > 0,
      returns: { 'BTC-PERP': btc, 'ETH-PERP': eth },
      vols: { 'BTC-PERP': 0.6, 'ETH-PERP': 0.8 },
    });
    const days = [
      day('2024-01-01', 0, 0.01, 0.02),
      day('2024-01-02', 0, -0.09, 0.01),
      day('2024-01-03', 3e6, -0.02, 0.01),
      day('2024-01-04', 0, 0.03, -0.12),
    ];
    const rng = Xoshiro128.fromSeed(5);
    const s = summarizeBacktest({ settings: DEFAULT_BACKTEST_SETTINGS, days, skippedGaps: 0 }, 3, () =>
      rng.nextDouble(),
    );
    expect(s.worstDays.map((d) => d.date)).toEqual(['2024-01-03', '2024-01-04', '2024-01-02', '2024-01-01']);
  });
});

describe('backtest verdict', () => {
  it('reads red, yellow, conservative, clustered, ES-short and accepted runs', () => {
    expect(verdictLine(summary([0, 20, 40, 60, 80, 100, 120, 140, 160, 180]))).toMatch(/^model rejected/);
    expect(verdictLine(summary([0, 50, 100, 150, 200]))).toMatch(/^model questionable/);
    expect(verdictLine(summary([]))).toMatch(/^model accepted but conservative/);
    expect(verdictLine(summary([100, 101, 102, 103]))).toMatch(/exceedances cluster/);
    expect(verdictLine(summary([10, 90, 170], 60))).toMatch(/^VaR accepted, but losses beyond VaR exceed/);
    expect(verdictLine(summary([10, 90, 170], 10))).toBe(
      'model accepted: exceedances consistent with the confidence level',
    );
  });

  it('renders the numbers of the summary', () => {
    const s = summary([10, 90, 170], 10);
    const text = renderBacktestText(s, builtInBook(['BTC-PERP']), ['btc.csv']);
    expect(text).toContain(
      'Backtest 2024-01-01 → 2024-09-06: 250 one-day forecasts at 99.0% (book: built-in, BTC-PERP, $1.00B OI per market, ν = 3)',
    );
    expect(text).toContain('exceedances            3 observed vs 2.5 expected (rate 1.20% vs 1.00%)');
    expect(text).toContain(
      `Kupiec POF             LR ${s.kupiec.lr.toFixed(3)}  p = ${s.kupiec.pValue.toFixed(4)}  pass`,
    );
    expect(text).toContain('mean loss on exceedance days 10.0M vs mean predicted ES 10.0M');
    expect(text).toMatch(/\n {2}2024-01-11 {6}10\.0M {7}5\.0M {6}10\.0M {2}yes {5}BTC-PERP -20\.0%\n/);
  });
});
