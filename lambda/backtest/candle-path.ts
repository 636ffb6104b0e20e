/**
 * A day's candle as the path engine's intraday path: open, the two extremes in the order the candle
 * implies, close — four points at minutes 0, 480, 960 and 1440, each a simple return against the
 * previous close (the price the forecast was made at). A candle that closed at or above its open is
 * read as having dipped first (open → low → high → close); one that closed below its open as having
 * rallied first (open → high → low → close): the order that makes the candle's body the last leg, as
 * the usual reading of OHLC bars does.
 *
 * The same reduction is applied to the Monte Carlo's simulated days (their open, high, low and close
 * on the generator's steps), so the forecast and the realised loss are the same function of a candle.
 *
 * A candle is traded prices, so its path is `recorded`: the liquidations' own impact is already in
 * it and the engine fills at the path's price, adding no slippage or cascade on top. The simulated
 * days are read the same way: the generator is fitted to traded prices, so its days are draws of
 * recorded days. (Replayed as exogenous paths, a day at crisis vol compounds the engine's permanent
 * impact over 144 steps on thin books and the short side's loss has no bound.)
 */
import type { StressScenario } from '../model/schemas.ts';

/** One day's candle, in price units. */
export interface Candle {
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

/** Minutes of a day and of each of the path's three legs. */
export const DAY_MINUTES = 1440;
const LEG_MINUTES = DAY_MINUTES / 3;

/** √(4 ln 2): E[ln(H/L)²] = 4 ln 2·σ² for a driftless Brownian day (Parkinson 1980). */
const PARKINSON = Math.sqrt(4 * Math.LN2);

/**
 * A candle made consistent: high ≥ max(open, close) and low ≤ min(open, close). Exports sometimes
 * carry a high or low a tick inside the body; the path must still pass through open and close.
 */
export function consistentCandle(c: Candle): Candle {
  return {
    open: c.open,
    high: Math.max(c.high, c.open, c.close),
    low: Math.min(c.low, c.open, c.close),
    close: c.close,
  };
}

/**
 * The candle of a day that only has closes: a straight move from the previous close to the close
 * (the path engine then sees no intraday excursion beyond it).
 */
export function closeOnlyCandle(previousClose: number, close: number): Candle {
  return {
    open: previousClose,
    high: Math.max(previousClose, close),
    low: Math.min(previousClose, close),
    close,
  };
}

/** The candle's four prices in the order the candle implies (see the module comment). */
export function candleOrder(c: Candle): readonly [number, number, number, number] {
  return c.close >= c.open ? [c.open, c.low, c.high, c.close] : [c.open, c.high, c.low, c.close];
}

/**
 * The day's path per market as a stress scenario: four points, each market's simple return against
 * its previous close.
 *
 * @param ids - market ids, index-aligned with `candles` and `previousCloses`
 * @param liquidityFactor - the day's λ ({@link rangeLiquidity})
 */
export function candleScenario(
  name: string,
  ids: readonly string[],
  candles: readonly Candle[],
  previousCloses: readonly number[],
  liquidityFactor: number,
): StressScenario {
  const points = ids.map((_, m) => {
    const base = previousCloses[m] ?? 1;
    return candleOrder(consistentCandle(candles[m]!)).map((p) => p / base - 1);
  });
  const path: [number, Record<string, number>][] = [0, 1, 2, 3].map((k) => [
    k * LEG_MINUTES,
    Object.fromEntries(ids.map((id, m) => [id, points[m]![k]!])),
  ]);
  return { name, path, liquidityFactor, recorded: true };
}

/**
 * Parkinson's estimate of a day's vol from its range, σ̂ = ln(H/L)/√(4 ln 2) (a one-day, not
 * annualised, figure).
 */
export function parkinsonDailyVol(c: Candle): number {
  return Math.log(c.high / c.low) / PARKINSON;
}

/**
 * The day's liquidity factor by the engine's own rule λ = min(1, s^−κ), with the vol regime s read
 * from the day's range: the mean over markets of σ̂_m / (σ_m/√365), σ_m the annualised vol the
 * forecast used. The Monte Carlo ties λ to a scenario's regime; a real day shows its regime only in
 * its range, so the simulated days are given λ by this same rule from their own candles.
 *
 * @param annualVols - the forecast's annualised vol per market
 * @param kappa - the book's liquidity-vol elasticity κ
 */
export function rangeLiquidity(
  candles: readonly Candle[],
  annualVols: readonly number[],
  kappa: number,
): number {
  let s = 0;
  candles.forEach((c, m) => {
    s += parkinsonDailyVol(consistentCandle(c)) / ((annualVols[m] ?? 1) / Math.sqrt(365));
  });
  s /= Math.max(1, candles.length);
  return s > 1 && kappa > 0 ? s ** -kappa : 1;
}
