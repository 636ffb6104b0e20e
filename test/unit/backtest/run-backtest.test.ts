import { describe, expect, it } from 'vitest';
import { builtInBook } from '../../../lambda/backtest/backtest-book.ts';
import { summarizeBacktest } from '../../../lambda/backtest/backtest-summary.ts';
import { modelRiskEngine } from '../../../lambda/backtest/model-risk-engine.ts';
import type { PricePanel } from '../../../lambda/backtest/price-panel.ts';
import {
  type BacktestSettings,
  DEFAULT_BACKTEST_SETTINGS,
  type RiskEngine,
  runBacktest,
} from '../../../lambda/backtest/run-backtest.ts';
import { Xoshiro128 } from '../../../lambda/model/random/xoshiro128.ts';
import type { MarketSnapshot } from '../../../lambda/model/schemas.ts';
import { SYNTHETIC_START_DAY, syntheticPanel } from './synthetic-history.ts';

/**
 * Slow EWMAs (λ = 0.995, 200 warm-up days) for the synthetic tests: the histories have constant vol, so
 * the test isolates the model's distribution from the vol estimator's sampling error (with λ = 0.94 the
 * estimator alone inflates exceedances of a constant-vol t(4) world by about 40%; see docs/VALIDATION.md).
 */
const SYNTHETIC_SETTINGS: BacktestSettings = {
  ...DEFAULT_BACKTEST_SETTINGS,
  paths: 5000,
  warmupDays: 200,
  decays: { vol: 0.995, correlation: 0.995 },
};

function backtestSynthetic(dataDof: number | null, modelDof: number | null) {
  const panel = syntheticPanel({ days: 1000, annualVol: 0.8, correlation: 0.8, tailDof: dataDof, seed: 1 });
  const book = { ...builtInBook(panel.marketIds, 'gap'), tailDof: modelDof, volFloor: 0.01 };
  const run = runBacktest(panel, book, modelRiskEngine, SYNTHETIC_SETTINGS);
  const rng = Xoshiro128.fromSeed(9);
  return summarizeBacktest(run, modelDof, () => rng.nextDouble());
}

describe('runBacktest on synthetic histories', () => {
  it('passes a history drawn from the model itself (t(4) shocks, model ν = 4): green, Kupiec and Z2 pass', () => {
    const s = backtestSynthetic(4, 4);
    expect(s.days).toBe(799);
    expect(s.expectedExceedances).toBeCloseTo(7.99, 10);
    expect(s.trafficLight.zone).toBe('green');
    expect(s.exceedances).toBeLessThan(s.trafficLight.yellowFrom);
    expect(s.kupiec.pValue).toBeGreaterThan(0.05);
    expect(s.expectedShortfall.verdict).toBe('accept');
  });

  it('fails a history with fatter tails than the model assumes (t(3) shocks, Gaussian model)', () => {
    const s = backtestSynthetic(3, null);
    expect(s.trafficLight.zone).not.toBe('green');
    expect(s.exceedances).toBeGreaterThanOrEqual(s.trafficLight.yellowFrom);
    expect(s.kupiec.pValue).toBeLessThan(0.01);
    expect(s.expectedShortfall.z2).toBeGreaterThan(s.expectedShortfall.criticalValue5pct);
    expect(s.expectedShortfall.verdict).not.toBe('accept');
  });
});

/** A closed-form engine that records what it was shown, to test the loop's bookkeeping exactly. */
function recordingEngine(seen: MarketSnapshot[]): RiskEngine {
  return {
    forecast(snapshot) {
      seen.push(snapshot);
      const vol = snapshot.markets[0]?.impliedVol ?? 0;
      return { varUsd: vol * 1e6, esUsd: vol * 2e6 };
    },
    realize(_snapshot, day) {
      return Math.abs(day.returns['BTC-PERP'] ?? 0) * 1e7;
    },
  };
}

function steadyPanel(days: number): PricePanel {
  // Returns alternate +2% / −2%: the EWMA variance is exactly 0.0004·(ln 1.02 or ln 0.98)² mixes.
  const closes = [0, 1].map(() => {
    const row = [100];
    for (let t = 1; t < days; t++) row.push((row[t - 1] ?? 100) * (t % 2 === 0 ? 0.98 : 1.02));
    return row;
  });
  return {
    marketIds: ['BTC-PERP', 'ETH-PERP'],
    days: Array.from({ length: days }, (_, t) => SYNTHETIC_START_DAY + t),
    closes,
  };
}

describe('runBacktest bookkeeping', () => {
  const settings = { ...DEFAULT_BACKTEST_SETTINGS, warmupDays: 10 };

  /** Forecasts VaR 0 with an atom there, and realises a loss of exactly 0 every day. */
  const atomEngine = (tieExceedProbability: number): RiskEngine => ({
    forecast: () => ({ varUsd: 0, esUsd: 1, tieExceedProbability }),
    realize: () => 0,
  });

  it('counts a day at an atom of the VaR as an exceedance with the forecast’s tie probability', () => {
    const panel = steadyPanel(2_012);
    const book = { ...builtInBook(panel.marketIds, 'gap'), volFloor: 0 };
    const count = (p: number) =>
      runBacktest(panel, book, atomEngine(p), settings).days.filter((d) => d.exceeded).length;
    expect(count(0)).toBe(0);
    expect(count(1)).toBe(2_001);
    // Binomial(2 001, 0.3): mean 600.3, sd 20.5; the draws are the run's own seeded stream.
    const x = count(0.3);
    expect(Math.abs(x - 600.3)).toBeLessThan(4 * 20.5);
    expect(count(0.3)).toBe(x);
    // A loss above the VaR always counts, whatever the tie probability.
    const above: RiskEngine = {
      forecast: () => ({ varUsd: 0, esUsd: 1, tieExceedProbability: 0 }),
      realize: () => 1,
    };
    expect(runBacktest(panel, book, above, settings).days.every((d) => d.exceeded)).toBe(true);
  });

  it('forecasts each day from the close before it and realises the next day’s simple return', () => {
    const panel = steadyPanel(20);
    const seen: MarketSnapshot[] = [];
    const book = { ...builtInBook(panel.marketIds, 'gap'), volFloor: 0 };
    const run = runBacktest(panel, book, recordingEngine(seen), settings);
    expect(run.days).toHaveLength(9);
    const first = run.days[0];
    // Forecast at t = 10 (2020-01-11) for the move to day 11 (2020-01-12): 1.02 after a 0.98 day.
    expect(first?.date).toBe('2020-01-12');
    expect(seen[0]?.asOf).toBe('2020-01-12T00:00:00.000Z');
    expect(seen[0]?.markets[0]?.priceUsd).toBeCloseTo(panel.closes[0]?.[10] ?? 0, 10);
    expect(first?.returns['BTC-PERP']).toBeCloseTo(0.02, 12);
    expect(first?.realizedLossUsd).toBeCloseTo(2e5, 6);
    // Warm-up variance: mean of the 10 squared log returns (5 × ln²1.02 + 5 × ln²0.98).
    const warmVar = (5 * Math.log(1.02) ** 2 + 5 * Math.log(0.98) ** 2) / 10;
    expect(first?.vols['BTC-PERP']).toBeCloseTo(Math.sqrt(warmVar * 365), 12);
    expect(seen[0]?.model).toMatchObject({ horizonHours: 24, confidence: 0.99, seed: settings.seed + 10 });
    expect(seen[0]?.correlation).toEqual([
      [1, 1],
      [1, 1],
    ]);
  });

  it('skips forecasts whose next day is missing and counts them', () => {
    const full = steadyPanel(20);
    const panel = { ...full, days: full.days.map((d, t) => (t >= 15 ? d + 1 : d)) };
    const run = runBacktest(
      panel,
      { ...builtInBook(panel.marketIds, 'gap'), volFloor: 0 },
      recordingEngine([]),
      settings,
    );
    expect(run.skippedGaps).toBe(1);
    expect(run.days.map((d) => d.date)).not.toContain('2020-01-16');
    expect(run.days).toHaveLength(8);
  });

  it('does not look ahead: changing prices after day t leaves every forecast up to day t unchanged', () => {
    const panel = syntheticPanel({ days: 120, annualVol: 0.8, correlation: 0.5, tailDof: 4, seed: 3 });
    const k = 90;
    const altered: PricePanel = {
      ...panel,
      closes: panel.closes.map((row) => row.map((c, t) => (t > k ? c * (t % 3 === 0 ? 0.9 : 1.1) : c))),
    };
    const book = builtInBook(panel.marketIds, 'gap');
    const settingsK = { ...DEFAULT_BACKTEST_SETTINGS, paths: 2000 };
    const seenA: MarketSnapshot[] = [];
    const seenB: MarketSnapshot[] = [];
    runBacktest(panel, book, recordingEngine(seenA), settingsK);
    runBacktest(altered, book, recordingEngine(seenB), settingsK);
    // Forecast index i is made at t = warm-up + i; those with t ≤ k saw only unchanged prices.
    const unchanged = k - settingsK.warmupDays + 1;
    expect(seenB.slice(0, unchanged)).toEqual(seenA.slice(0, unchanged));
    expect(seenB[unchanged]).not.toEqual(seenA[unchanged]);
    // Through the real model the forecasts are identical to the last bit, and the realised loss of the
    // day after k does change.
    const real = (p: PricePanel) => runBacktest(p, book, modelRiskEngine, settingsK).days;
    const realA = real(panel);
    const realB = real(altered);
    for (let i = 0; i < unchanged; i++) {
      expect([realB[i]?.varUsd, realB[i]?.esUsd]).toEqual([realA[i]?.varUsd, realA[i]?.esUsd]);
    }
    expect(realB[unchanged - 1]?.realizedLossUsd).not.toBe(realA[unchanged - 1]?.realizedLossUsd);
  });
});
