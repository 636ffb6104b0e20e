import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CANDLE_BETAS,
  candlePath,
  candleRegime,
  candleScenario,
  regimeLiquidity,
} from '../../../lambda/config/candle-scenario.ts';
import { validateSnapshot } from '../../../lambda/model/validate-snapshot.ts';
import {
  replayHistoricalWindows,
  type TimedCandle,
  tailStats,
} from '../../../lambda/validate/historical-windows.ts';

const ROOT = join(import.meta.dirname, '../../..');

function flat(time: string, price: number): TimedCandle {
  return { time, open: price, high: price, low: price, close: price };
}

describe('candles as scenarios', () => {
  it('puts the extreme the close implies first: high then low on a down candle, low then high on an up one', () => {
    const path = candlePath(
      [
        { open: 100, high: 104, low: 90, close: 95 },
        { open: 95, high: 99, low: 94, close: 98 },
      ],
      60,
    );
    expect(path.minutes).toEqual([0, 20, 40, 60, 80, 100, 120]);
    const expected = [0, 0.04, -0.1, -0.05, -0.06, -0.01, -0.02];
    path.returns.forEach((r, i) => {
      expect(r).toBeCloseTo(expected[i]!, 12);
    });
  });

  it('reads the vol regime off the candles’ ranges (Parkinson, annualised) and maps it to λ = s^−κ', () => {
    // One hourly candle of range ln(H/L) = 0.1: σ² = 0.01 / (4 ln 2) per hour; over an IV of 50%.
    const candle = { open: 100, high: 100 * Math.exp(0.1), low: 100, close: 100 };
    expect(candleRegime([candle], 60, 0.5)).toBeCloseTo(11.241889769, 8);
    expect(candleRegime([flat('t', 100)], 60, 0.5)).toBe(1);
    expect(regimeLiquidity(4, 1.5)).toBe(0.125);
    expect(regimeLiquidity(1, 1.8)).toBe(1);
  });

  it('moves ETH and the other coins by their crash betas to BTC', () => {
    const lib = candleScenario([{ open: 100, high: 100, low: 80, close: 80 }], {
      name: 'w',
      source: 's',
      minutesPerCandle: 60,
      liquidityFactor: 0.5,
    });
    expect(lib.returns.BTC!.at(-1)).toBeCloseTo(-0.2, 12);
    expect(lib.returns.ETH!.at(-1)).toBeCloseTo(0.8 ** CANDLE_BETAS.ETH! - 1, 12);
    expect(lib.returns['*']!.at(-1)).toBeCloseTo(0.8 ** 1.28 - 1, 12);
  });
});

describe('historical windows', () => {
  it('takes VaR and ES from the ⌈(1 − q)·n⌉ largest losses', () => {
    expect(tailStats([5, 1, 3, 2, 4], 0.6)).toEqual({ confidence: 0.6, count: 5, varUsd: 4, esUsd: 4.5 });
    expect(tailStats([7, -1], 0.999)).toEqual({ confidence: 0.999, count: 2, varUsd: 7, esUsd: 7 });
  });

  const example = validateSnapshot(
    JSON.parse(readFileSync(join(ROOT, 'config/examples/snapshot-v2.json'), 'utf8')),
    'example',
  ).snapshot;

  it('cuts whole windows, and a window that never moves costs nothing at full liquidity', () => {
    const candles = Array.from({ length: 9 }, (_, h) => flat(`2024-01-01T0${h}:00:00Z`, 100));
    const history = replayHistoricalWindows(example, candles, { windowHours: 4 });
    expect(history.windows.map((w) => w.start)).toEqual(['2024-01-01T00:00:00Z', '2024-01-01T04:00:00Z']);
    for (const w of history.windows) {
      expect(w.liquidityFactor).toBe(1);
      expect(w.move).toBe(0);
      expect(w.lossUsd).toBe(0);
    }
  });

  it('pins the example book over the 30 days of the FTX collapse (2022-11) in the shipped hourly history', () => {
    // Regression pin: a change means the engine or its defaults changed; re-derive the figures with
    // `node scripts/historical-windows.ts --snapshot config/examples/snapshot-v2.json` and say why.
    const candles = readFileSync(join(ROOT, 'fixtures/prices/binance_btcusdt_1h.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(FTX_MONTH_LINE - 1, FTX_MONTH_LINE - 1 + 720)
      .map((line) => {
        const [time, open, high, low, close] = line.split(',');
        return { time: time!, open: +open!, high: +high!, low: +low!, close: +close! };
      });
    const history = replayHistoricalWindows(example, candles, { windowHours: 4 });
    expect(history.windows[0]!.start).toBe('2022-11-01 00:00:00');
    expect(history.windows).toHaveLength(180);
    const [q99, q999] = history.tail;
    expect(q99!.count).toBe(180);
    expect(q99!.varUsd).toBeCloseTo(PINNED.var99, -2);
    expect(q99!.esUsd).toBeCloseTo(PINNED.es99, -2);
    expect(q999!.esUsd).toBeCloseTo(PINNED.es999, -2);
    expect(history.windows.filter((w) => w.lossUsd > 0)).toHaveLength(3);
  });
});

/** 1-based line of 2022-11-01 00:00 in fixtures/prices/binance_btcusdt_1h.csv. */
const FTX_MONTH_LINE = 18085;
const PINNED = { var99: 13_924_880.81, es99: 19_822_852.57, es999: 25_720_824.33 };
