/**
 * The backtest loop: for every day t, a MarketSnapshot built from closes up to day t only (EWMA vol
 * as the IV proxy, EWMA correlation, the book held fixed, a 24-hour window), the model's one-day VaR
 * and ES of the fund's loss, and the realised loss of the same book under day t+1's actual simple
 * returns through the same liquidation cascade.
 */
import type { MarketSnapshot } from '../model/schemas.ts';
import type { BacktestBook } from './backtest-book.ts';
import { DEFAULT_EWMA_DECAYS, type EwmaDecays, EwmaEstimator } from './ewma-estimator.ts';
import { DAY_MS, type PricePanel } from './price-panel.ts';

/** The model as the backtest sees it (a port, so the loop is testable with the real engine or a closed form). */
export interface RiskEngine {
  /** One-horizon VaR and ES of the fund's loss (USD, positive = loss) at the snapshot's confidence. */
  forecast(snapshot: MarketSnapshot): { varUsd: number; esUsd: number };
  /** Loss of the snapshot's book under the given simple returns per market id (USD). */
  realize(snapshot: MarketSnapshot, returns: Readonly<Record<string, number>>): number;
}

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

/** Defaults: 99%, 20 000 paths, 60 warm-up days, RiskMetrics decays. */
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
  return {
    // The daily backtest tests the v1 gap model (the path engine's backtest on intraday paths is the
    // validation issue's work): schemaVersion 1 keeps it on the gap engine.
    schemaVersion: 1,
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
    const { varUsd, esUsd } = engine.forecast(snapshot);
    const returns: Record<string, number> = {};
    const volsById: Record<string, number> = {};
    book.markets.forEach((m, i) => {
      returns[m.id] = (closes[i]?.[t + 1] ?? 1) / (closes[i]?.[t] ?? 1) - 1;
      volsById[m.id] = vols[i] ?? 0;
    });
    const realizedLossUsd = engine.realize(snapshot, returns);
    out.push({
      date: isoDate(day + 1),
      varUsd,
      esUsd,
      realizedLossUsd,
      exceeded: realizedLossUsd > varUsd,
      returns,
      vols: volsById,
    });
    onDay?.(t - warmup + 1, total);
  }
  return { settings, days: out, skippedGaps };
}
