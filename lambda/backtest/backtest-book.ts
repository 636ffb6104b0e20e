/**
 * The book whose losses the backtest forecasts and realises: per market the fund's maintenance margin
 * and leverage profile, an open interest and a daily volume held fixed over the whole history, and the
 * fund's model parameters. Holding the book fixed isolates the model (vol, tails, correlation,
 * cascade) from changes in the book's size, which the backtest cannot know for past days.
 */
import type { FundConfig } from '../config/fund-config.ts';
import { DEFAULT_LEVERAGE_PROFILE } from '../config/leverage-profile.ts';
import type { EngineName } from '../model/engines/loss-engine.ts';
import type { LeverageBucket } from '../model/schemas.ts';
import type { LossMeasure } from './path-risk-engine.ts';

/** One market of the backtest book. */
export interface BookMarket {
  readonly id: string;
  readonly maintenanceMargin: number;
  readonly leverageProfile: readonly LeverageBucket[];
  /** One-side open interest, USD, held fixed. */
  readonly openInterestUsd: number;
  /** Daily volume, USD, held fixed (sets the price impact of liquidations). */
  readonly dailyVolumeUsd: number;
}

/** The book and the model settings the backtest uses. */
export interface BacktestBook {
  readonly fundId: string;
  /** Where the book came from, for the report (`config/funds/demo.json`, `built-in`). */
  readonly source: string;
  /** The loss engine: `gap` backtests schemaVersion 1 snapshots on closes, `path` v2 on candles. */
  readonly engine: EngineName;
  /**
   * What a day's loss is: `bad-debt` (the default) or `net` of liquidation income (path engine; the
   * gap model has no income, so the two agree there).
   */
  readonly lossMeasure: LossMeasure;
  readonly markets: readonly BookMarket[];
  readonly tailDof: number | null;
  readonly impactCoefficient: number;
  /** Floor on the vol fed to the model (the recalibration's `volFloor`), annualised decimal. */
  readonly volFloor: number;
}

/**
 * Reference size of the backtest book: $1B one-side OI per market with daily volume twice that
 * (OI/volume ≈ 0.5, the order of the major perp venues). Losses scale with OI; only the impact term
 * depends on the ratio, so results read as "per $1B of OI".
 */
export const REFERENCE_OI_USD = 1e9;
export const REFERENCE_VOLUME_USD = 2e9;

/** The v1 model's default leverage profile (its assumption when a venue does not know its book). */
export const V1_LEVERAGE_PROFILE: readonly LeverageBucket[] = [
  { margin: 0.01, share: 0.02 },
  { margin: 0.02, share: 0.05 },
  { margin: 0.04, share: 0.13 },
  { margin: 0.1, share: 0.3 },
  { margin: 0.2, share: 0.25 },
  { margin: 0.5, share: 0.25 },
];

/**
 * The built-in book, used when no fund config is available: ν = 3, k = 1, 0.5% maintenance margin,
 * 20% vol floor on the given market ids, with the engine's default leverage profile (the path
 * engine's calibrated one, docs/VALIDATION.md; the gap model's v1 one).
 */
export function builtInBook(marketIds: readonly string[], engine: EngineName = 'path'): BacktestBook {
  return {
    fundId: 'backtest-built-in',
    source: 'built-in',
    engine,
    lossMeasure: 'bad-debt',
    markets: marketIds.map((id) => ({
      id,
      maintenanceMargin: 0.005,
      leverageProfile: engine === 'path' ? DEFAULT_LEVERAGE_PROFILE : V1_LEVERAGE_PROFILE,
      openInterestUsd: REFERENCE_OI_USD,
      dailyVolumeUsd: REFERENCE_VOLUME_USD,
    })),
    tailDof: 3,
    impactCoefficient: 1,
    volFloor: 0.2,
  };
}

/**
 * The backtest book of a fund config, restricted to the given market ids (in that order), at the
 * reference size.
 */
export function bookFromFund(fund: FundConfig, marketIds: readonly string[], source: string): BacktestBook {
  const byId = new Map(fund.markets.map((m) => [m.id, m]));
  return {
    fundId: fund.fundId,
    source,
    engine: fund.model.engine,
    lossMeasure: 'bad-debt',
    markets: marketIds.map((id) => {
      const m = byId.get(id);
      if (m === undefined) throw new RangeError(`market ${id} is not in fund ${fund.fundId}`);
      return {
        id,
        // Venues whose market data carries the margin (Hyperliquid, dYdX) need none in the config.
        maintenanceMargin: m.maintenanceMargin ?? 0.005,
        leverageProfile: m.leverageProfile ?? fund.model.defaultLeverageProfile,
        openInterestUsd: REFERENCE_OI_USD,
        dailyVolumeUsd: REFERENCE_VOLUME_USD,
      };
    }),
    tailDof: fund.model.tailDof,
    impactCoefficient: fund.model.impactCoefficient,
    volFloor: fund.model.volFloor,
  };
}
