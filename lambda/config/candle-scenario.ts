/**
 * Price candles as replayable scenarios: a run of open/high/low/close candles of one underlying
 * (BTC) becomes a library scenario — four points per candle, the extreme the candle implies first —
 * with the other underlyings following it by their crash betas, and a liquidity factor read off the
 * candles' own volatility the way the Monte Carlo reads it off its vol regime. Used by the
 * historical-window validation (every 4-hour window of the shipped hourly history through a book)
 * and by the outlook's crisis days. Pure.
 */
import type { LibraryScenario } from './stress-library.ts';

/** One candle (any currency: only ratios are used). */
export interface Candle {
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

/**
 * Betas of the other underlyings to BTC in a BTC-only scenario, (1 + r)^β − 1: ETH 1.33 (its move
 * against BTC's on 2025-10-10, the stress library's figure) and 1.28 for the rest (SOL's against
 * BTC's on 2020-03-12, the library's `*` column of that crash).
 */
export const CANDLE_BETAS: Readonly<Record<string, number>> = { ETH: 1.33, '*': 1.28 };

const MINUTES_PER_YEAR = 525_600;

/**
 * The candles' path: minute 0 at the first open, then per candle the extreme hit first (the high on
 * a down candle, the low on an up one — the order its close implies), the other extreme and the
 * close, a third of the candle apart. Returns are cumulative simple returns to the first open.
 */
export function candlePath(
  candles: readonly Candle[],
  minutesPerCandle: number,
): { minutes: number[]; returns: number[] } {
  const first = candles[0];
  if (first === undefined || !(first.open > 0)) throw new RangeError('candlePath needs a first open > 0');
  const minutes = [0];
  const returns = [0];
  candles.forEach((c, k) => {
    const [a, b] = c.close >= c.open ? [c.low, c.high] : [c.high, c.low];
    [a, b, c.close].forEach((price, j) => {
      minutes.push(k * minutesPerCandle + ((j + 1) * minutesPerCandle) / 3);
      returns.push(price / first.open - 1);
    });
  });
  return { minutes, returns };
}

/**
 * The candles' vol regime: their Parkinson volatility (from each candle's high/low range),
 * annualised, over `impliedVol`, at least 1 — the s of the Monte Carlo's regime, whose liquidity is
 * λ = s^−κ.
 */
export function candleRegime(
  candles: readonly Candle[],
  minutesPerCandle: number,
  impliedVol: number,
): number {
  let sum = 0;
  for (const c of candles) sum += Math.log(c.high / c.low) ** 2 / (4 * Math.LN2);
  const annual = Math.sqrt((sum / candles.length) * (MINUTES_PER_YEAR / minutesPerCandle));
  return Math.max(1, annual / impliedVol);
}

/** The liquidity factor of a vol regime s: λ = min(1, s^−κ), as the Monte Carlo's. */
export function regimeLiquidity(regime: number, kappa: number): number {
  return Math.min(1, regime ** -kappa);
}

/**
 * Candles as a library scenario (BTC column, ETH and `*` by {@link CANDLE_BETAS}), to expand over a
 * book with `expandLibraryScenario`.
 */
export function candleScenario(
  candles: readonly Candle[],
  options: {
    readonly name: string;
    readonly source: string;
    readonly minutesPerCandle: number;
    readonly liquidityFactor: number;
  },
): LibraryScenario {
  const { minutes, returns } = candlePath(candles, options.minutesPerCandle);
  const follow = (beta: number) => returns.map((r) => (1 + r) ** beta - 1);
  return {
    name: options.name,
    source: options.source,
    liquidityFactor: options.liquidityFactor,
    minutes,
    returns: { BTC: returns, ETH: follow(CANDLE_BETAS.ETH!), '*': follow(CANDLE_BETAS['*']!) },
  };
}
