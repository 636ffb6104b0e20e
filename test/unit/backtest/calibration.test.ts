import { describe, expect, it } from 'vitest';
import {
  beta,
  type Candle,
  eventMoves,
  impliedLiquidityFactor,
  toCandles,
} from '../../../lambda/backtest/calibrate/event-moves.ts';
import {
  fitUnitT,
  goldenMax,
  standardisedReturns,
  unitTCdf,
  unitTLogDensity,
  unitTQuantile,
} from '../../../lambda/backtest/calibrate/student-t-fit.ts';
import { parsePriceCsv } from '../../../lambda/backtest/price-csv.ts';
import { Xoshiro128 } from '../../../lambda/model/random/xoshiro128.ts';

const H = 3_600_000;

describe('unit-variance Student-t', () => {
  it('has the closed-form density at 0 and the textbook quantiles rescaled to unit variance', () => {
    // ν = 3: f(0) = Γ(2)/(Γ(1.5)·√π) = 2/π for the unit-variance t(3).
    expect(Math.exp(unitTLogDensity(0, 3))).toBeCloseTo(2 / Math.PI, 12);
    // Student t(3) 99.9% quantile 10.2145, t(4) 99% 3.7469; unit variance divides by √(ν/(ν−2)).
    expect(unitTQuantile(0.999, 3)).toBeCloseTo(10.21453 / Math.sqrt(3), 4);
    expect(unitTQuantile(0.99, 4)).toBeCloseTo(3.746947 / Math.sqrt(2), 5);
    expect(unitTCdf(0, 5)).toBe(0.5);
  });

  it('golden-section search finds the maximum of a parabola', () => {
    expect(goldenMax((x) => -((x - 1.7) ** 2), 0, 5, 1e-10)).toBeCloseTo(1.7, 8);
  });

  it('recovers ν and scale from a seeded t(4) sample within its likelihood interval', () => {
    const rng = Xoshiro128.fromSeed(11);
    const normal = () =>
      Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
    const zs = Array.from({ length: 5000 }, () => {
      const chi = normal() ** 2 + normal() ** 2 + normal() ** 2 + normal() ** 2;
      return 1.3 * normal() * Math.sqrt(2 / chi);
    });
    const fit = fitUnitT(zs);
    expect(fit.nuLow).toBeLessThan(4);
    expect(fit.nuHigh).toBeGreaterThan(4);
    expect(fit.nu).toBeCloseTo(4, 0);
    expect(fit.scale).toBeCloseTo(1.3, 1);
    expect(fit.logLikelihood).toBeGreaterThan(fit.normalLogLikelihood);
  });

  it('standardises each return by the EWMA vol of the returns before it', () => {
    const zs = standardisedReturns([0.01, -0.01, 0.02, 0.03], 0.9, 2);
    // Warm-up variance 1e-4; z2 = 0.02/0.01; then var = 0.9e-4 + 0.1·4e-4 = 1.3e-4.
    expect(zs[0]).toBeCloseTo(2, 12);
    expect(zs[1]).toBeCloseTo(0.03 / Math.sqrt(1.3e-4), 12);
    expect(zs).toHaveLength(2);
  });
});

const candle = (t: number, open: number, high: number, low: number, close: number, volume = 1): Candle => ({
  timeMs: t * H,
  open,
  high,
  low,
  close,
  volume,
});

describe('event moves', () => {
  const cs = [
    candle(0, 100, 101, 99, 100),
    candle(1, 100, 102, 80, 90),
    candle(2, 90, 99, 85, 95),
    candle(3, 95, 96, 70, 72),
  ];

  it('finds the worst open→low, open→high, close-to-close and peak-to-trough inside the window', () => {
    const m = eventMoves(cs, 0, 4 * H);
    expect(m?.worstDrop).toBeCloseTo(70 / 95 - 1, 12);
    expect(m?.worstDropAt).toBe('1970-01-01 03:00');
    expect(m?.worstRise).toBeCloseTo(0.1, 12);
    expect(m?.worstCloseToClose).toBeCloseTo(72 / 95 - 1, 12);
    expect(m?.bestCloseToClose).toBeCloseTo(95 / 90 - 1, 12);
    expect(m?.peakToTrough).toBeCloseTo(70 / 102 - 1, 12);
    expect(eventMoves(cs, 10 * H, 11 * H)).toBeUndefined();
  });

  it('computes OLS and crash betas by hand', () => {
    const x = [-0.1, 0.02, -0.06, 0.04];
    const y = [-0.2, 0.01, -0.09, 0.05];
    const mx = -0.025;
    const my = -0.0575;
    const sxy = x.reduce((a, xi, i) => a + (xi - mx) * ((y[i] ?? 0) - my), 0);
    const sxx = x.reduce((a, xi) => a + (xi - mx) ** 2, 0);
    expect(beta(x, y).beta).toBeCloseTo(sxy / sxx, 12);
    // Crash days (x < −5%): −0.1 and −0.06 ⇒ β = (0.02 + 0.0054) / (0.01 + 0.0036).
    expect(beta(x, y, -0.05)).toEqual({ beta: expect.closeTo(0.0254 / 0.0136, 12), n: 2 });
  });

  it('implies λ = (volume ratio) / (range ratio)² against the median of the lookback', () => {
    const calm = Array.from({ length: 3 }, (_, t) => candle(t, 100, 101, 99, 100, 10));
    const crash = candle(3, 100, 100, 80, 85, 30);
    // Normal range 2%, crash range 20% (×10); volume ×3 ⇒ λ = 3 / 100.
    expect(impliedLiquidityFactor([...calm, crash], 3, 3)).toBeCloseTo(0.03, 12);
    expect(impliedLiquidityFactor([...calm, crash], 2, 3)).toBeUndefined();
  });

  it('reads candles from a CSV with extra columns in the asked order, any case', () => {
    const text =
      'open_time,open,high,low,close,volume\n1970-01-01 01:00:00,2,3,1,2.5,7\n1970-01-01 00:00:00,1,2,0.5,2,5\n';
    const s = parsePriceCsv(text, 'c.csv', { extraColumns: ['OPEN', 'high', 'low', 'Volume'] });
    expect(toCandles(s.points)).toEqual([candle(0, 1, 2, 0.5, 2, 5), candle(1, 2, 3, 1, 2.5, 7)]);
    expect(() => parsePriceCsv(text, 'c.csv', { extraColumns: ['vwap'] })).toThrow(
      'prices c.csv: no column "vwap" (columns: open_time, open, high, low, close, volume)',
    );
    expect(() =>
      parsePriceCsv(`${text}1970-01-01 02:00:00,2,x,1,2,1\n`, 'c.csv', { extraColumns: ['high'] }),
    ).toThrow('prices c.csv: line 4, column "high": expected a number >= 0, got "x"');
  });
});
