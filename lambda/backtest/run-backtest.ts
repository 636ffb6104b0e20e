/**
 * The backtest loop: for every day t, a MarketSnapshot built from closes up to day t only (EWMA vol
 * as the IV proxy, EWMA correlation, the book held fixed, a 24-hour window), the model's one-day VaR
 * and ES of the fund's loss, and the realised loss of the same book on day t+1 through the same
 * engine: the gap model (schemaVersion 1 books) takes the day's close-to-close returns, the path
 * engine (schemaVersion 2) the day's candle as an intraday path.
 */
import { Xoshiro128 } from '../model/random/xoshiro128.ts';
import type { MarketSnapshot } from '../model/schemas.ts';
import type { BacktestBook } from './backtest-book.ts';
import { type Candle, closeOnlyCandle } from './candle-path.ts';
import { DEFAULT_EWMA_DECAYS, type EwmaDecays, EwmaEstimator } from './ewma-estimator.ts';
import { DAY_MS, type PricePanel } from './price-panel.ts';

/** Mixed into the seed of the tie stream, so it differs from every other stream of the run. */
const TIE_STREAM = 0x7469_6573;

/** The model as the backtest sees it (a port, so the loop is testable with the real engine or a closed form). */
export interface RiskEngine {
  /**
   * One-horizon VaR and ES of the fund's loss (USD, positive = loss) at the snapshot's confidence,
   * and, when the forecast has an atom at its VaR (bad debt is zero on most days), the probability
   * that a realised loss equal to the VaR counts as an exceedance (absent = 0).
   */
  forecast(snapshot: MarketSnapshot): { varUsd: number; esUsd: number; tieExceedProbability?: number };
  /** Loss of the snapshot's book over the realised day (USD). */
  realize(snapshot: MarketSnapshot, day: RealisedDay): number;
}

/** What happened on a realised day, per market (index-aligned with the snapshot's markets). */
export interface RealisedDay {
  /** Close-to-close simple return per market id. */
  readonly returns: Readonly<Record<string, number>>;
  /** The day's candle per market (a straight move from the previous close when a file has only closes). */
  readonly candles: readonly Candle[];
  /** The closes the forecast was made at. */
  readonly previousCloses: readonly number[];
}

/**
 * Default paths per day of the path engine: each is a day of 144 steps replayed through the book, and
 * importance sampling puts most of them in wild regimes, so the 1% tail holds far more than 50.
 */
export const DEFAULT_PATH_BACKTEST_PATHS = 5_000;

/** The path engine's backtest window and step: one day, in the engine's default 10-minute steps. */
export const PATH_BACKTEST_WINDOW = { windowHours: 24, stepMinutes: 10 } as const;

/** Settings of a backtest run. */
export interface BacktestSettings {
  /** VaR/ES confidence α of the backtest (0.99 for a Basel-style test). */
  readonly confidence: number;
  /** Monte Carlo paths per day. */
  readonly paths: number;
  /** Base seed; day t uses seed + t, so each day's draws are independent and replayable. */
  readonly seed: number;
  /** Returns used to start the EWMAs before the first forecast. */
  readonly warmupDays: number;
  readonly decays: EwmaDecays;
}

/** Defaults: 99%, 20 000 paths (the gap model's), 60 warm-up days, RiskMetrics decays. */
export const DEFAULT_BACKTEST_SETTINGS: BacktestSettings = {
  confidence: 0.99,
  paths: 20_000,
  seed: 20_260_322,
  warmupDays: 60,
  decays: DEFAULT_EWMA_DECAYS,
};

/** One evaluated day: the forecast made at the close of the previous day and what happened. */
export interface BacktestDay {
  /** The day whose move is realised (YYYY-MM-DD, UTC). */
  readonly date: string;
  readonly varUsd: number;
  readonly esUsd: number;
  readonly realizedLossUsd: number;
  readonly exceeded: boolean;
  /** Simple returns of the day per market id. */
  readonly returns: Readonly<Record<string, number>>;
  /** Annualised vol fed to the model per market id (after the floor). */
  readonly vols: Readonly<Record<string, number>>;
}

/** The days of a run and what was left out. */
export interface BacktestRun {
  readonly settings: BacktestSettings;
  readonly days: readonly BacktestDay[];
  /** Forecasts not evaluated because the next common day was not the next calendar day. */
  readonly skippedGaps: number;
}

function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Builds the day-t snapshot of the book from EWMA estimates that have seen returns up to day t.
 */
export function backtestSnapshot(
  book: BacktestBook,
  settings: BacktestSettings,
  closes: readonly number[],
  vols: readonly number[],
  correlation: number[][],
  day: number,
  t: number,
): MarketSnapshot {
  const path = book.engine === 'path';
  return {
    // schemaVersion selects the engine: 1 the gap model, 2 the path engine over a one-day window.
    schemaVersion: path ? 2 : 1,
    fundId: book.fundId,
    asOf: new Date((day + 1) * DAY_MS).toISOString(),
    fundBalanceUsd: null,
    markets: book.markets.map((m, i) => ({
      id: m.id,
      priceUsd: closes[i] ?? 1,
      openInterestUsd: m.openInterestUsd,
      dailyVolumeUsd: m.dailyVolumeUsd,
      impliedVol: vols[i] ?? book.volFloor,
      maintenanceMargin: m.maintenanceMargin,
      leverageProfile: [...m.leverageProfile],
    })),
    correlation,
    model: {
      horizonHours: 24,
      confidence: settings.confidence,
      tailDof: book.tailDof,
      paths: settings.paths,
      seed: settings.seed + t,
      impactCoefficient: book.impactCoefficient,
      buffer: 0,
      stressScenarios: [],
      ...(path ? PATH_BACKTEST_WINDOW : {}),
    },
  };
}

/**
 * Runs the backtest over a price panel whose market ids are the book's, in the book's order.
 *
 * @param onDay - progress callback (days done, days total)
 */
export function runBacktest(
  panel: PricePanel,
  book: BacktestBook,
  engine: RiskEngine,
  settings: BacktestSettings = DEFAULT_BACKTEST_SETTINGS,
  onDay?: (done: number, total: number) => void,
): BacktestRun {
  const { days, closes } = panel;
  const n = book.markets.length;
  const logReturn = (m: number, t: number) => Math.log((closes[m]?.[t] ?? 1) / (closes[m]?.[t - 1] ?? 1));
  const returnsAt = (t: number) => Array.from({ length: n }, (_, m) => logReturn(m, t));
  const warmup = Math.max(1, settings.warmupDays);
  if (days.length < warmup + 2) {
    throw new RangeError(`backtest needs more than ${warmup + 1} days, got ${days.length}`);
  }
  const warmupReturns = Array.from({ length: warmup }, (_, k) => returnsAt(k + 1));
  const estimator = new EwmaEstimator(warmupReturns, settings.decays);
  const out: BacktestDay[] = [];
  // Days whose loss equals an atom at the VaR are counted by a uniform of their own stream, so the
  // count is the randomised PIT's (path-risk-engine.ts) and reproducible from the seed.
  const ties = Xoshiro128.fromSeed(settings.seed ^ TIE_STREAM);
  let skippedGaps = 0;
  const total = days.length - 1 - warmup;
  // The estimator has seen returns up to day `warmup`; the forecast at t is for the move t → t+1.
  for (let t = warmup; t < days.length - 1; t++) {
    if (t > warmup) estimator.update(returnsAt(t));
    const day = days[t] ?? 0;
    if ((days[t + 1] ?? 0) - day !== 1) {
      skippedGaps++;
      continue;
    }
    const vols = book.markets.map((_, i) => Math.max(estimator.annualVol(i), book.volFloor));
    const closesT = book.markets.map((_, i) => closes[i]?.[t] ?? 1);
    const snapshot = backtestSnapshot(book, settings, closesT, vols, estimator.correlation(), day, t);
    const { varUsd, esUsd, tieExceedProbability = 0 } = engine.forecast(snapshot);
    const returns: Record<string, number> = {};
    const volsById: Record<string, number> = {};
    book.markets.forEach((m, i) => {
      returns[m.id] = (closes[i]?.[t + 1] ?? 1) / (closes[i]?.[t] ?? 1) - 1;
      volsById[m.id] = vols[i] ?? 0;
    });
    const candles = book.markets.map(
      (_, i) => panel.candles?.[i]?.[t + 1] ?? closeOnlyCandle(closes[i]?.[t] ?? 1, closes[i]?.[t + 1] ?? 1),
    );
    const realizedLossUsd = engine.realize(snapshot, { returns, candles, previousCloses: closesT });
    out.push({
      date: isoDate(day + 1),
      varUsd,
      esUsd,
      realizedLossUsd,
      exceeded:
        realizedLossUsd > varUsd ||
        (realizedLossUsd === varUsd && tieExceedProbability > 0 && ties.nextDouble() < tieExceedProbability),
      returns,
      vols: volsById,
    });
    onDay?.(t - warmup + 1, total);
  }
  return { settings, days: out, skippedGaps };
}
