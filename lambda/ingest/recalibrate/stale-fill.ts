/**
 * Stale fill (pure, docs/MARKET-DATA.md, Recalibration): a market whose venue did not answer, or answered nonsense, reuses
 * its last good observation with IV raised by the staleness penalty. Within `maxStaleMinutes` of
 * the original observation it is flagged STALE_FILLED; beyond it the snapshot is DEGRADED
 * (STALE_EXPIRED) but the market stays in — dropping it would lower the reserve.
 */
import type { FundMarket } from '../../config/fund-config.ts';
import type { DepthPoint, LeverageBucket, SnapshotMarket } from '../../model/schemas.ts';
import type { DataFlag } from '../../run/observation.ts';
import type { PerpQuote } from '../venues/venue-adapter.ts';
import { MAX_IMPLIED_VOL } from './sanity.ts';

/** A stale-filled market and how it was filled. */
export interface StaleFill {
  readonly market: SnapshotMarket;
  readonly flag: DataFlag;
  /** True when the last good observation is older than `maxStaleMinutes` (snapshot DEGRADED). */
  readonly expired: boolean;
}

/**
 * Fills `fundMarket` from `last` (a market of the latest stored snapshot taken at `lastAsOf`).
 * The penalty applies to the last *unpenalised* IV and age counts from the original observation,
 * so a market stale for several runs is neither penalised twice nor kept fresh forever.
 */
export function staleFill(args: {
  fundMarket: FundMarket;
  leverageProfile: LeverageBucket[];
  last: SnapshotMarket;
  lastAsOf: string;
  asOf: string;
  maxStaleMinutes: number;
  stalePenalty: number;
  reason: string;
  /**
   * This run's quote when it answered sanely and only the vol is missing. Its price is used; the
   * open interest is the larger and the volume the smaller of fresh and last, so the fill can never
   * value the market below either (a grown OI is not thrown away for a missing vol).
   */
  freshQuote?: Pick<PerpQuote, 'priceUsd' | 'openInterestUsd' | 'dailyVolumeUsd'> | undefined;
}): StaleFill {
  const { fundMarket, last, freshQuote } = args;
  const prov = (last.provenance ?? {}) as Record<string, unknown>;
  const staleSince = typeof prov.staleSince === 'string' ? prov.staleSince : args.lastAsOf;
  const unpenalised = typeof prov.unpenalisedVol === 'number' ? prov.unpenalisedVol : last.impliedVol;
  const ageMinutes = (Date.parse(args.asOf) - Date.parse(staleSince)) / 60_000;
  const expired = ageMinutes > args.maxStaleMinutes;
  const impliedVol = Math.min(MAX_IMPLIED_VOL, unpenalised * (1 + args.stalePenalty));
  const flag: DataFlag = {
    marketId: fundMarket.id,
    code: expired ? 'STALE_EXPIRED' : 'STALE_FILLED',
    detail: `${args.reason}; using data from ${staleSince} (${ageMinutes.toFixed(0)} min old${
      expired ? `, older than ${args.maxStaleMinutes} min` : ''
    }), IV ${unpenalised.toFixed(4)} raised by ${args.stalePenalty * 100}% to ${impliedVol.toFixed(4)}${
      freshQuote === undefined
        ? ''
        : '; fresh quote kept (OI the larger, volume the smaller of fresh and last)'
    }`,
  };
  return {
    expired,
    flag,
    market: {
      id: fundMarket.id,
      priceUsd: freshQuote?.priceUsd ?? last.priceUsd,
      openInterestUsd: Math.max(freshQuote?.openInterestUsd ?? 0, last.openInterestUsd),
      dailyVolumeUsd: Math.min(freshQuote?.dailyVolumeUsd ?? Number.POSITIVE_INFINITY, last.dailyVolumeUsd),
      impliedVol,
      maintenanceMargin: fundMarket.maintenanceMargin ?? last.maintenanceMargin,
      leverageProfile: args.leverageProfile,
      provenance: {
        venue: fundMarket.venue,
        symbol: fundMarket.symbol,
        volSource: 'stale',
        stale: true,
        staleSince,
        unpenalisedVol: unpenalised,
        flags: [flag.code],
      },
    },
  };
}

/** A market's depth taken from its last observation, and how. */
export interface StaleDepth {
  readonly depthUsd: DepthPoint[];
  /** When the depth was observed (carried across stale runs). */
  readonly since: string;
  readonly flag: DataFlag;
  /** True when that observation is older than `maxStaleMinutes` (snapshot DEGRADED). */
  readonly expired: boolean;
}

/**
 * Fills a market's order-book depth from `last` when this run's book is missing or not sane —
 * like the other fields: DEPTH_STALE_FILLED within `maxStaleMinutes` of the original observation,
 * DEPTH_STALE_EXPIRED (DEGRADED) beyond it, kept either way. Undefined when `last` has no depth
 * (the engine then uses the square-root law).
 */
export function staleDepth(args: {
  marketId: string;
  last: SnapshotMarket | undefined;
  lastAsOf: string | undefined;
  asOf: string;
  maxStaleMinutes: number;
  reason: string;
}): StaleDepth | undefined {
  const { last, lastAsOf } = args;
  if (last?.depthUsd === undefined || lastAsOf === undefined) return undefined;
  const prov = (last.provenance ?? {}) as Record<string, unknown>;
  const since = typeof prov.depthSince === 'string' ? prov.depthSince : lastAsOf;
  const ageMinutes = (Date.parse(args.asOf) - Date.parse(since)) / 60_000;
  const expired = ageMinutes > args.maxStaleMinutes;
  return {
    depthUsd: last.depthUsd,
    since,
    expired,
    flag: {
      marketId: args.marketId,
      code: expired ? 'DEPTH_STALE_EXPIRED' : 'DEPTH_STALE_FILLED',
      detail: `${args.reason}; using the depth observed at ${since} (${ageMinutes.toFixed(0)} min old${
        expired ? `, older than ${args.maxStaleMinutes} min` : ''
      })`,
    },
  };
}
