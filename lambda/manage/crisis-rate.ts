/**
 * How often crises come: the rate of the outlook's Poisson process, measured on daily price history.
 *
 * A *crisis day* is a day whose price went at least {@link CRISIS_MOVE} (15%) away from its open in
 * either direction — longs are liquidated on the way down, shorts on the way up. An *extreme day*
 * went at least {@link EXTREME_MOVE} (25%). On the shipped Binance BTCUSDT history (2017-08-17 →
 * 2026-03-30) that is 54 crisis days and 4 extreme ones in 3 142 days: 6.3 and 0.46 a year. The
 * crisis rate is close to how often the reserve model's own tail is reached — a 2-hour window beyond
 * the 99.9% quantile comes 0.001 × 12 × 365 = 4.4 times a year — which is why the outlook prices an
 * ordinary crisis day with the Monte Carlo tail and an extreme day with the stress library
 * (lambda/manage/severity.ts). Pure: the candles come in as numbers.
 */

/** One daily candle (any currency; only ratios are used). */
export interface DailyCandle {
  readonly open: number;
  readonly high: number;
  readonly low: number;
}

/** Smallest move from the open that makes a crisis day. */
export const CRISIS_MOVE = 0.15;
/** Smallest move from the open that makes an extreme day (a stress-library event). */
export const EXTREME_MOVE = 0.25;

/**
 * Sizes of an ordinary crisis day (a move from the open of at least {@link CRISIS_MOVE}, below
 * {@link EXTREME_MOVE}): the 10/30/50/70/90% quantiles of the 50 such days of the shipped Binance
 * BTCUSDT daily history (2017-08-17 → 2026-03-30), which {@link ordinaryCrisisSizes} recomputes (a
 * test checks the two agree). The outlook prices an ordinary crisis day by the stress paths scaled
 * to these moves (lambda/manage/severity.ts).
 */
export const ORDINARY_CRISIS_SIZES: readonly number[] = [0.1533, 0.161, 0.1714, 0.188, 0.2107];

/**
 * The 10/30/50/70/90% quantiles (linear between order statistics) of the ordinary crisis days'
 * moves, rounded to 4 decimals; empty without such days.
 */
export function ordinaryCrisisSizes(candles: readonly DailyCandle[]): number[] {
  const moves = candles
    .map(dailyExcursion)
    .filter((m) => m >= CRISIS_MOVE && m < EXTREME_MOVE)
    .sort((a, b) => a - b);
  if (moves.length === 0) return [];
  return [0.1, 0.3, 0.5, 0.7, 0.9].map((q) => {
    const pos = q * (moves.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(moves.length - 1, lo + 1);
    const value = moves[lo]! + (moves[hi]! - moves[lo]!) * (pos - lo);
    return Math.round(value * 1e4) / 1e4;
  });
}

/** Crisis counts over a history and the daily rates they give. */
export interface CrisisRates {
  /** Days in the history (candles counted). */
  readonly days: number;
  readonly crisisDays: number;
  readonly extremeDays: number;
  /** crisisDays / days: the Poisson rate of crisis days, per day. */
  readonly crisisPerDay: number;
  /** extremeDays / crisisDays: the share of crisis days that are extreme (0 without crises). */
  readonly extremeShare: number;
  /** Where the counts come from, for the reader. */
  readonly source: string;
}

/** The largest move of a day away from its open, up or down, as a fraction of the open. */
export function dailyExcursion(candle: DailyCandle): number {
  if (!(candle.open > 0)) return 0;
  return Math.max((candle.open - candle.low) / candle.open, (candle.high - candle.open) / candle.open);
}

/**
 * Counts crisis and extreme days and turns them into rates: the maximum-likelihood rate of a
 * Poisson process observed for `days` days is the count divided by the days.
 *
 * @example
 * crisisRates(candles, 'Binance BTCUSDT daily').crisisPerDay // 0.0172 on the shipped history
 */
export function crisisRates(
  candles: readonly DailyCandle[],
  source: string,
  thresholds: { readonly crisis: number; readonly extreme: number } = {
    crisis: CRISIS_MOVE,
    extreme: EXTREME_MOVE,
  },
): CrisisRates {
  let crisisDays = 0;
  let extremeDays = 0;
  for (const candle of candles) {
    const move = dailyExcursion(candle);
    if (move >= thresholds.crisis) crisisDays++;
    if (move >= thresholds.extreme) extremeDays++;
  }
  const days = candles.length;
  return {
    days,
    crisisDays,
    extremeDays,
    crisisPerDay: days === 0 ? 0 : crisisDays / days,
    extremeShare: crisisDays === 0 ? 0 : extremeDays / crisisDays,
    source,
  };
}

/**
 * The rates measured on the shipped history (fixtures/prices/binance_btcusdt_daily.csv), used when
 * a fund config sets no `management.crisisRatePerDay`. A test recomputes them from the file, so they
 * cannot drift from it; they are constants because the deployed function carries no price files.
 */
export const SHIPPED_CRISIS_RATES: CrisisRates = {
  days: 3142,
  crisisDays: 54,
  extremeDays: 4,
  crisisPerDay: 54 / 3142,
  extremeShare: 4 / 54,
  source: 'Binance BTCUSDT daily candles 2017-08-17 to 2026-03-30 (fixtures/prices)',
};
