/**
 * Aligning several daily price series on their common UTC days, so that day t means the same
 * calendar day for every market. Days missing from any one file are dropped for all (a gap is never
 * filled with a made-up price); the backtest then skips forecasts whose next day is not the next
 * calendar day.
 */
import { InvalidInputError } from '../model/validation.ts';
import type { Candle } from './candle-path.ts';
import type { PriceSeries } from './price-csv.ts';

/** Milliseconds in a day. */
export const DAY_MS = 86_400_000;

/** Closes of several markets on common days, oldest first. */
export interface PricePanel {
  readonly marketIds: readonly string[];
  /** UTC day numbers (Unix ms / 86 400 000), strictly increasing. */
  readonly days: readonly number[];
  /** closes[m][t]: close of market m on days[t]. */
  readonly closes: readonly (readonly number[])[];
  /**
   * candles[m][t]: the candle of market m on days[t], or candles[m] null when its file has only
   * closes (absent: no market has candles).
   */
  readonly candles?: readonly (readonly Candle[] | null)[];
}

/** A series and the market it prices. */
export interface MappedSeries {
  readonly marketId: string;
  readonly series: PriceSeries;
}

/**
 * Aligns daily series on their common days, optionally cut to [fromMs, toMs] (inclusive, by day).
 *
 * @throws InvalidInputError when a file is not daily or fewer than `minDays` common days remain
 */
export function alignDaily(
  mapped: readonly MappedSeries[],
  range: { readonly fromMs?: number; readonly toMs?: number } = {},
  minDays = 2,
): PricePanel {
  const byDay = mapped.map(({ series }) => {
    if (Math.abs(series.stepMs - DAY_MS) > DAY_MS / 24) {
      throw new InvalidInputError(
        `prices ${series.file}: the backtest needs daily closes, got rows every ${(series.stepMs / 3_600_000).toFixed(2)} h`,
        'step',
      );
    }
    return new Map(series.points.map((p) => [Math.floor(p.timeMs / DAY_MS), p]));
  });
  const first = byDay[0];
  if (first === undefined) throw new InvalidInputError('backtest: no price files given', 'prices');
  const fromDay = range.fromMs === undefined ? -Infinity : Math.floor(range.fromMs / DAY_MS);
  const toDay = range.toMs === undefined ? Infinity : Math.floor(range.toMs / DAY_MS);
  const days = [...first.keys()]
    .filter((d) => d >= fromDay && d <= toDay && byDay.every((m) => m.has(d)))
    .sort((a, b) => a - b);
  if (days.length < minDays) {
    throw new InvalidInputError(
      `backtest: expected at least ${minDays} days common to all price files in the chosen range, got ${days.length}`,
      'prices',
    );
  }
  const candles = mapped.map(({ series }, i) =>
    series.candleColumns === null
      ? null
      : days.map((d) => {
          const p = byDay[i]!.get(d)!;
          return { open: p.open ?? p.close, high: p.high ?? p.close, low: p.low ?? p.close, close: p.close };
        }),
  );
  return {
    marketIds: mapped.map((m) => m.marketId),
    days,
    closes: byDay.map((m) => days.map((d) => m.get(d)?.close ?? Number.NaN)),
    ...(candles.every((c) => c === null) ? {} : { candles }),
  };
}

/** Per market of a panel, whether its file gave candles (false: closes only, each day a straight move). */
export function intradayMarkets(panel: PricePanel): boolean[] {
  return panel.marketIds.map((_, m) => (panel.candles?.[m] ?? null) !== null);
}
