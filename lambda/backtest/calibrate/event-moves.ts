/**
 * What the price history says about each stress event: the worst move inside one hour (open → low,
 * or open → high for a squeeze), the worst close-to-close hour and day, alt betas to BTC, and the
 * market depth implied by the square-root impact law. The stress library's shocks and liquidity
 * factors are read from these numbers.
 */
import type { PricePoint } from '../price-csv.ts';

/** Indices of the extra columns read from candle files: open, high, low, volume. */
export const CANDLE_COLUMNS = ['open', 'high', 'low', 'volume'] as const;

/** A candle with the columns the calibration needs. */
export interface Candle {
  readonly timeMs: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** Turns points read with `extraColumns` = open, high, low, volume (any case) into candles. */
export function toCandles(points: readonly PricePoint[]): Candle[] {
  return points.map((p) => {
    const [open = Number.NaN, high = Number.NaN, low = Number.NaN, volume = Number.NaN] = p.extra ?? [];
    return { timeMs: p.timeMs, open, high, low, close: p.close, volume };
  });
}

/** Worst moves of one event window. */
export interface EventMoves {
  /** Most negative open → low within one candle (simple return), and when. */
  readonly worstDrop: number;
  readonly worstDropAt: string;
  /** Most positive open → high within one candle. */
  readonly worstRise: number;
  readonly worstRiseAt: string;
  /** Most negative and most positive close-to-close return between consecutive candles. */
  readonly worstCloseToClose: number;
  readonly bestCloseToClose: number;
  /** Peak-to-trough over the whole window (max high before min low), simple return. */
  readonly peakToTrough: number;
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** Worst moves among candles with fromMs ≤ time < toMs; undefined when the window has no candle. */
export function eventMoves(candles: readonly Candle[], fromMs: number, toMs: number): EventMoves | undefined {
  const w = candles.filter((c) => c.timeMs >= fromMs && c.timeMs < toMs);
  if (w.length === 0) return undefined;
  let worstDrop = 0;
  let worstDropAt = '';
  let worstRise = 0;
  let worstRiseAt = '';
  let worstCloseToClose = 0;
  let bestCloseToClose = 0;
  let peak = 0;
  let peakToTrough = 0;
  w.forEach((c, i) => {
    const drop = c.low / c.open - 1;
    const rise = c.high / c.open - 1;
    if (drop < worstDrop) [worstDrop, worstDropAt] = [drop, iso(c.timeMs)];
    if (rise > worstRise) [worstRise, worstRiseAt] = [rise, iso(c.timeMs)];
    const prev = i === 0 ? undefined : w[i - 1];
    if (prev !== undefined) {
      const r = c.close / prev.close - 1;
      worstCloseToClose = Math.min(worstCloseToClose, r);
      bestCloseToClose = Math.max(bestCloseToClose, r);
    }
    peak = Math.max(peak, c.high);
    peakToTrough = Math.min(peakToTrough, c.low / peak - 1);
  });
  return {
    worstDrop,
    worstDropAt,
    worstRise,
    worstRiseAt,
    worstCloseToClose,
    bestCloseToClose,
    peakToTrough,
  };
}

/**
 * OLS beta of y on x (cov/var), both daily log returns on common days, optionally only on days where
 * x fell by more than `onlyBelow` (a crash beta: how far the alt falls when BTC falls hard).
 */
export function beta(
  x: readonly number[],
  y: readonly number[],
  onlyBelow?: number,
): { beta: number; n: number } {
  const pairs = x
    .map((xi, i) => [xi, y[i] ?? Number.NaN] as const)
    .filter(
      ([xi, yi]) => Number.isFinite(xi) && Number.isFinite(yi) && (onlyBelow === undefined || xi < onlyBelow),
    );
  const n = pairs.length;
  if (n < 2) return { beta: Number.NaN, n };
  if (onlyBelow !== undefined) {
    // Through the origin: on crash days the question is the ratio of moves, not a fitted intercept.
    const sxy = pairs.reduce((a, [xi, yi]) => a + xi * yi, 0);
    const sxx = pairs.reduce((a, [xi]) => a + xi * xi, 0);
    return { beta: sxy / sxx, n };
  }
  const mx = pairs.reduce((a, [xi]) => a + xi, 0) / n;
  const my = pairs.reduce((a, [, yi]) => a + yi, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [xi, yi] of pairs) {
    sxy += (xi - mx) * (yi - my);
    sxx += (xi - mx) ** 2;
  }
  return { beta: sxy / sxx, n };
}

/**
 * Liquidity factor implied by the square-root law on one candle against its recent normal: the model
 * moves price by I = k·σ·sqrt(Q / (V·λ)); with the flow Q proportional to the candle's volume, V the
 * normal volume and the candle's range as the move, λ ∝ (volume / V) / (range / normal range)². The
 * normal is the median over the `lookback` candles before (calm days give λ ≈ 1 by construction).
 *
 * @returns λ for the candle at `index`, or undefined without enough history
 */
export function impliedLiquidityFactor(
  candles: readonly Candle[],
  index: number,
  lookback = 30,
): number | undefined {
  if (index < lookback) return undefined;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  const before = candles.slice(index - lookback, index);
  const range = (c: Candle) => (c.high - c.low) / c.open;
  const c = candles[index];
  if (c === undefined) return undefined;
  const normalRange = median(before.map(range));
  const normalVolume = median(before.map((b) => b.volume));
  return c.volume / normalVolume / (range(c) / normalRange) ** 2;
}
