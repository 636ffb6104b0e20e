/**
 * Historical simulation of the Monte Carlo's window: every non-overlapping window of an hourly
 * candle history (BTC) replayed through a book as a recorded path, its liquidity read off the
 * window's own volatility as the Monte Carlo reads it off its regime (λ = s^−κ). The tail of those
 * real windows' losses is what the Monte Carlo's tail should resemble: a Monte Carlo far above it
 * adds risk the market never showed, far below it misses risk it did (docs/MODEL.md, "Historical
 * windows"). Pure: the candles and the snapshot come in as values.
 */
import { type Candle, candleRegime, candleScenario, regimeLiquidity } from '../config/candle-scenario.ts';
import { expandLibraryScenario, underlyingOf } from '../config/stress-library.ts';
import { DEFAULT_LIQUIDATION } from '../model/engines/path/path-book.ts';
import { pathWindow } from '../model/engines/path/path-engine.ts';
import { lossEngineFor } from '../model/engines/select-engine.ts';
import type { MarketSnapshot } from '../model/schemas.ts';

/** One hourly candle with its opening time. */
export interface TimedCandle extends Candle {
  /** Opening time, ISO 8601 UTC. */
  readonly time: string;
}

/** One replayed window. */
export interface WindowLoss {
  readonly start: string;
  /** Net fund loss of the window (bad debt − income), USD; negative: the fund earned. */
  readonly lossUsd: number;
  readonly liquidityFactor: number;
  /** Largest move of BTC from the window's open, down (negative) or up, whichever is larger. */
  readonly move: number;
}

/** The tail of a loss sample: VaR and ES at a confidence, by the Monte Carlo's order statistics. */
export interface TailStats {
  readonly confidence: number;
  readonly count: number;
  /** The ⌈(1 − q)·n⌉-th largest loss. */
  readonly varUsd: number;
  /** The mean of the ⌈(1 − q)·n⌉ largest losses. */
  readonly esUsd: number;
}

/** What {@link replayHistoricalWindows} found. */
export interface HistoricalWindows {
  readonly windowHours: number;
  readonly windows: readonly WindowLoss[];
  readonly tail: readonly TailStats[];
  readonly kappa: number;
}

/**
 * VaR and ES of `losses` at `confidence`: the k = ⌈(1 − q)·n⌉ largest losses, VaR the smallest of
 * them and ES their mean.
 *
 * @example
 * tailStats([5, 1, 3, 2, 4], 0.6) // { count: 5, varUsd: 4, esUsd: 4.5, confidence: 0.6 }
 */
export function tailStats(losses: readonly number[], confidence: number): TailStats {
  const sorted = [...losses].sort((a, b) => b - a);
  const k = Math.max(1, Math.ceil((1 - confidence) * sorted.length - 1e-9));
  const top = sorted.slice(0, k);
  return {
    confidence,
    count: sorted.length,
    varUsd: top[k - 1] ?? 0,
    esUsd: top.reduce((a, b) => a + b, 0) / k,
  };
}

/**
 * Replays every whole window of `candles` (hourly, in time order) through `snapshot`'s book.
 *
 * @param options.windowHours - default: the snapshot's engine window
 * @param options.confidences - tails to report, default [0.99, 0.999]
 */
export function replayHistoricalWindows(
  snapshot: MarketSnapshot,
  candles: readonly TimedCandle[],
  options: { readonly windowHours?: number; readonly confidences?: readonly number[] } = {},
): HistoricalWindows {
  const windowHours = options.windowHours ?? pathWindow(snapshot.model).windowMinutes / 60;
  const engine = lossEngineFor(snapshot);
  const markets = snapshot.markets.map((m) => ({ id: m.id, underlying: underlyingOf(m.id) }));
  const btc = snapshot.markets.find((_, i) => markets[i]!.underlying === 'BTC') ?? snapshot.markets[0]!;
  const kappa =
    snapshot.model.liquidation?.liquidityVolElasticity ?? DEFAULT_LIQUIDATION.liquidityVolElasticity;
  const windows: WindowLoss[] = [];
  for (let s = 0; s + windowHours <= candles.length; s += windowHours) {
    const slice = candles.slice(s, s + windowHours);
    const open = slice[0]!.open;
    const low = Math.min(...slice.map((c) => c.low)) / open - 1;
    const high = Math.max(...slice.map((c) => c.high)) / open - 1;
    const liquidityFactor = regimeLiquidity(candleRegime(slice, 60, btc.impliedVol), kappa);
    const library = candleScenario(slice, {
      name: `window from ${slice[0]!.time}`,
      source: 'hourly candles',
      minutesPerCandle: 60,
      liquidityFactor,
    });
    const scenario = expandLibraryScenario(library, markets, liquidityFactor);
    windows.push({
      start: slice[0]!.time,
      lossUsd: engine.replay(scenario).netLossUsd,
      liquidityFactor,
      move: -low >= high ? low : high,
    });
  }
  const losses = windows.map((w) => w.lossUsd);
  return {
    windowHours,
    windows,
    tail: (options.confidences ?? [0.99, 0.999]).map((q) => tailStats(losses, q)),
    kappa,
  };
}
