import { describe, expect, it } from 'vitest';
import {
  candleOrder,
  candleScenario,
  closeOnlyCandle,
  consistentCandle,
  parkinsonDailyVol,
  rangeLiquidity,
} from '../../../lambda/backtest/candle-path.ts';

describe('candle paths', () => {
  it('reads a candle that closed up as dip-first and one that closed down as rally-first', () => {
    expect(candleOrder({ open: 100, high: 110, low: 95, close: 105 })).toEqual([100, 95, 110, 105]);
    expect(candleOrder({ open: 100, high: 110, low: 95, close: 97 })).toEqual([100, 110, 95, 97]);
    // A doji (close = open) counts as closed up.
    expect(candleOrder({ open: 100, high: 101, low: 99, close: 100 })).toEqual([100, 99, 101, 100]);
  });

  it('builds four points at 0, 480, 960 and 1440 minutes as returns on the previous close', () => {
    const scenario = candleScenario(
      'day',
      ['BTC', 'ETH'],
      [
        { open: 101, high: 110, low: 95, close: 105 },
        { open: 20, high: 21, low: 15, close: 16 },
      ],
      [100, 20],
      0.5,
    );
    expect(scenario.liquidityFactor).toBe(0.5);
    expect(scenario.recorded).toBe(true);
    const path = scenario.path ?? [];
    expect(path.map(([minute]) => minute)).toEqual([0, 480, 960, 1440]);
    // BTC closed up (105 ≥ 101): low first; ETH closed down: high first.
    const btc = path.map(([, r]) => r.BTC ?? Number.NaN);
    const eth = path.map(([, r]) => r.ETH ?? Number.NaN);
    const round = (xs: number[]) => xs.map((x) => Math.round(x * 1e12) / 1e12);
    expect(round(btc)).toEqual([0.01, -0.05, 0.1, 0.05]);
    expect(round(eth)).toEqual([0, 0.05, -0.25, -0.2]);
  });

  it('widens a high or low that sits inside the body, and draws a close-only day as a straight move', () => {
    expect(consistentCandle({ open: 100, high: 99, low: 101, close: 102 })).toEqual({
      open: 100,
      high: 102,
      low: 100,
      close: 102,
    });
    expect(closeOnlyCandle(100, 90)).toEqual({ open: 100, high: 100, low: 90, close: 90 });
  });

  it('reads the regime from the range: λ = s^−κ with s = σ̂ / (σ/√365)', () => {
    // ln(H/L) = 0.1 ⇒ σ̂ = 0.1/√(4 ln 2) = 0.0600561; against a 3% daily vol s = 2.001871, λ = s^−1.8.
    const candle = { open: 100, high: 100 * Math.exp(0.05), low: 100 * Math.exp(-0.05), close: 100 };
    expect(parkinsonDailyVol(candle)).toBeCloseTo(0.0600561, 7);
    expect(rangeLiquidity([candle], [0.03 * Math.sqrt(365)], 1.8)).toBeCloseTo(0.2866917, 7);
    // A calm day (s < 1) or κ = 0 keeps full liquidity.
    expect(rangeLiquidity([candle], [0.1 * Math.sqrt(365)], 1.8)).toBe(1);
    expect(rangeLiquidity([candle], [0.03 * Math.sqrt(365)], 0)).toBe(1);
  });
});
