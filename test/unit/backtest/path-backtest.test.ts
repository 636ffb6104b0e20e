import { describe, expect, it } from 'vitest';
import { builtInBook } from '../../../lambda/backtest/backtest-book.ts';
import { closeOnlyCandle, rangeLiquidity } from '../../../lambda/backtest/candle-path.ts';
import {
  createPathRiskEngine,
  simulatedCandleLosses,
  tieExceedProbability,
} from '../../../lambda/backtest/path-risk-engine.ts';
import {
  backtestSnapshot,
  DEFAULT_BACKTEST_SETTINGS,
  PATH_BACKTEST_WINDOW,
} from '../../../lambda/backtest/run-backtest.ts';
import { lossEngineFor } from '../../../lambda/model/engines/select-engine.ts';
import type { MarketSnapshot } from '../../../lambda/model/schemas.ts';

const IDS = ['BTC-PERP', 'ETH-PERP'];

function snapshot(paths: number): MarketSnapshot {
  const book = builtInBook(IDS, 'path');
  return backtestSnapshot(
    book,
    { ...DEFAULT_BACKTEST_SETTINGS, paths },
    [8000, 200],
    [0.8, 0.9],
    [
      [1, 0.8],
      [0.8, 1],
    ],
    18_332, // 2020-03-11
    100,
  );
}

describe('the path engine’s backtest', () => {
  it('makes schemaVersion 2 snapshots over a one-day window', () => {
    const s = snapshot(1000);
    expect(s.schemaVersion).toBe(2);
    expect(s.model).toMatchObject({ ...PATH_BACKTEST_WINDOW, horizonHours: 24, paths: 1000 });
  });

  it('realises a day as the replay of its candle path through the snapshot’s own loss engine', () => {
    const s = snapshot(1000);
    const candles = [
      { open: 7950, high: 7990, low: 4410, close: 4800 },
      { open: 195, high: 201, low: 90, close: 112 },
    ];
    const day = { returns: {}, candles, previousCloses: [8000, 200] };
    const loss = createPathRiskEngine('net').realize(s, day);
    const badDebt = createPathRiskEngine('bad-debt').realize(s, day);
    // Both closed down: high first, then low. λ from the range by the engine's κ (1.8).
    const lambda = rangeLiquidity(candles, [0.8, 0.9], 1.8);
    const explicit = lossEngineFor(s).replay({
      name: 'by hand',
      liquidityFactor: lambda,
      recorded: true,
      path: [
        [0, { 'BTC-PERP': 7950 / 8000 - 1, 'ETH-PERP': 195 / 200 - 1 }],
        [480, { 'BTC-PERP': 7990 / 8000 - 1, 'ETH-PERP': 201 / 200 - 1 }],
        [960, { 'BTC-PERP': 4410 / 8000 - 1, 'ETH-PERP': 90 / 200 - 1 }],
        [1440, { 'BTC-PERP': 4800 / 8000 - 1, 'ETH-PERP': 112 / 200 - 1 }],
      ],
    });
    expect(loss).toBe(explicit.netLossUsd);
    expect(badDebt).toBe(explicit.outcome.badDebtUsd);
    // Regression pin (built-in book: calibrated default profile, $1B OI per market, engine defaults of this commit): the
    // 2020-03-12-like day (BTC −45%, ETH −55% at λ = 0.018 from its range) costs the fund $154M.
    expect(Math.round(loss / 1e5) / 10).toBe(154.4);
  });

  it('forecasts from simulated days reduced to candles: path p is the replay of scenario p’s candle', () => {
    const s = snapshot(128);
    const { losses, weights } = simulatedCandleLosses(s, 128, 'net');
    const net = createPathRiskEngine('net');
    const engine = lossEngineFor(s);
    const sampled = engine.sampleScenarios(128);
    for (const p of [0, 17, 127]) {
      const path = sampled[p]!.scenario.path!;
      const candles = IDS.map((id) => {
        const levels = path.map(([, r]) => 1 + (r[id] ?? 0));
        return { open: 1, high: Math.max(...levels), low: Math.min(...levels), close: levels.at(-1)! };
      });
      const day = { returns: {}, candles, previousCloses: [1, 1] };
      expect(losses[p]).toBe(net.realize(s, day));
      expect(weights[p]).toBe(sampled[p]!.weight);
    }
  });

  it('reduces a simulated day to a straight open-to-close move for a market whose file has only closes', () => {
    const s = snapshot(128);
    const { losses } = simulatedCandleLosses(s, 128, 'net', [true, false]);
    const net = createPathRiskEngine('net');
    const sampled = lossEngineFor(s).sampleScenarios(128);
    for (const p of [3, 40]) {
      const path = sampled[p]!.scenario.path!;
      const levels = (id: string) => path.map(([, r]) => 1 + (r[id] ?? 0));
      const btc = levels('BTC-PERP');
      const eth = levels('ETH-PERP').at(-1)!;
      const candles = [
        { open: 1, high: Math.max(...btc), low: Math.min(...btc), close: btc.at(-1)! },
        closeOnlyCandle(1, eth),
      ];
      expect(losses[p]).toBe(net.realize(s, { returns: {}, candles, previousCloses: [1, 1] }));
    }
  });

  it('gives a day at the VaR’s atom the randomised PIT’s probability of counting: (F(v) − α)/P(L = v)', () => {
    // Eight zeros of ten: F(0) = 0.8, P(L = 0) = 0.8; at α = 0.75 a zero exceeds with (0.8 − 0.75)/0.8.
    const losses = Float64Array.of(0, 0, 0, 0, 0, 0, 0, 0, 1, 2);
    const ones = new Float64Array(10).fill(1);
    expect(tieExceedProbability(losses, ones, 0, 0.75)).toBeCloseTo(0.0625, 15);
    // Weights count as probability: the two non-zero losses carry half the mass, F(0) = 0.5.
    const weights = Float64Array.of(0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 2, 2);
    expect(tieExceedProbability(losses, weights, 0, 0.4)).toBeCloseTo(0.2, 15);
    // No atom at the VaR, or the VaR above the atom's cumulative probability: 0; never above 1.
    expect(tieExceedProbability(losses, ones, 1, 0.85)).toBeCloseTo(0.5, 15);
    expect(tieExceedProbability(losses, ones, 0.5, 0.75)).toBe(0);
    expect(tieExceedProbability(losses, ones, 0, 0.9)).toBe(0);
  });

  it('forecasts bad debt with an atom at zero on a calm day, and hands the loop that atom’s tie probability', () => {
    const calm = backtestSnapshot(
      builtInBook(['BTC-PERP'], 'path'),
      { ...DEFAULT_BACKTEST_SETTINGS, paths: 400 },
      [30_000],
      [0.4],
      [[1]],
      19_500,
      7,
    );
    const forecast = createPathRiskEngine('bad-debt').forecast(calm);
    const { losses, weights } = simulatedCandleLosses(calm, 400, 'bad-debt');
    expect(forecast.varUsd).toBe(0);
    const p = tieExceedProbability(losses, weights, 0, 0.99);
    expect(forecast.tieExceedProbability).toBe(p);
    // Regression pin (engine defaults of this commit): at 40% vol the built-in book takes bad debt
    // on under 1% of the model's days, so a zero day counts with probability 0.0078.
    expect(Math.round(p * 1e4) / 1e4).toBe(0.0078);
  });
});
