/**
 * The liquidity fields of a snapshot market (pure): `depthUsd` from this run's book (else the last
 * observation's, stale-filled like the other fields), `maxLeverage` and `maintenanceMargin` from the
 * venue's margin tiers (else the last run's, else the fund config with the registry's documented
 * defaults). Every fallback is flagged; nothing is dropped that would lower the reserve silently.
 */
import type { FundMarket } from '../../config/fund-config.ts';
import type { DepthPoint, LeverageBucket, SnapshotMarket } from '../../model/schemas.ts';
import type { DataFlag } from '../../run/observation.ts';
import type { TierChoice } from '../liquidity/tiers.ts';
import { defaultMaxLeverage, type MarginTierSource } from '../venues/registry.ts';
import { staleDepth } from './stale-fill.ts';

/** This run's depth of a market, or why there is none. */
export type DepthOutcome = { readonly depthUsd: DepthPoint[] } | { readonly error: string };

/** This run's tier choice of a market, or why there is none (absent: the venue's tiers are config). */
export type TierOutcome =
  | { readonly choice: TierChoice; readonly endpoint: string }
  | { readonly error: string };

/** Maintenance margin assumed when neither the venue, the last run nor the config gives one. */
export const LAST_RESORT_MAINTENANCE_MARGIN = 0.01;
/** How far above the maintenance margin a lifted bucket is put (10 bp of notional). */
export const LIFT_ABOVE_MAINTENANCE = 0.001;

/** What the snapshot market gets, the flags raised and whether the run is degraded by it. */
export interface LiquidityFields {
  readonly maintenanceMargin: number;
  readonly maxLeverage?: number;
  readonly depthUsd?: DepthPoint[];
  /** The profiles, when a bucket had to be lifted above the maintenance margin. */
  readonly leverageProfile?: LeverageBucket[];
  readonly leverageProfileShort?: LeverageBucket[];
  /** Recorded in the market's provenance. */
  readonly provenance: Readonly<Record<string, string | number>>;
  readonly flags: DataFlag[];
  readonly expired: boolean;
}

/**
 * Resolves a market's depth, maximum leverage and maintenance margin for this run.
 * @param depth - this run's summarised book, absent when the book was not asked for
 * @param tiers - this run's tier choice; absent for venues whose tiers come from the config
 */
export function liquidityFields(args: {
  fundMarket: FundMarket;
  tierSource: MarginTierSource;
  depth: DepthOutcome | undefined;
  tiers: TierOutcome | undefined;
  leverageProfile: readonly LeverageBucket[];
  leverageProfileShort?: readonly LeverageBucket[] | undefined;
  last: SnapshotMarket | undefined;
  lastAsOf: string | undefined;
  asOf: string;
  maxStaleMinutes: number;
}): LiquidityFields {
  const m = args.fundMarket;
  const flags: DataFlag[] = [];
  const provenance: Record<string, string | number> = {};
  let expired = false;

  // Depth: fresh, else the last observation's (aged from when it was observed), else none.
  let depthUsd: DepthPoint[] | undefined;
  if (args.depth !== undefined && 'depthUsd' in args.depth) {
    depthUsd = args.depth.depthUsd;
  } else {
    const reason = args.depth === undefined ? 'no order book' : args.depth.error;
    const stale = staleDepth({ ...args, marketId: m.id, reason });
    if (stale === undefined) {
      flags.push({
        marketId: m.id,
        code: 'DEPTH_MISSING',
        detail: `${reason}; no depth (square-root impact)`,
      });
    } else {
      depthUsd = stale.depthUsd;
      provenance.depthSince = stale.since;
      flags.push(stale.flag);
      expired = stale.expired;
    }
  }

  // Tiers: the venue's, else the last run's, else the config's (with the registry's defaults).
  const configLeverage = m.maxLeverage ?? defaultMaxLeverage(m.venue, m.symbol);
  let maintenanceMargin: number;
  let maxLeverage: number | undefined;
  if (args.tiers !== undefined && 'choice' in args.tiers) {
    ({ maintenanceMargin, maxLeverage } = args.tiers.choice);
    provenance.maintenanceMarginSource = `${args.tiers.endpoint} tier ${args.tiers.choice.tier}/${args.tiers.choice.tierCount}`;
  } else if (args.tiers === undefined && args.tierSource === 'config' && m.maintenanceMargin !== undefined) {
    maintenanceMargin = m.maintenanceMargin;
    maxLeverage = configLeverage;
    provenance.maintenanceMarginSource = 'config';
  } else {
    const reason = args.tiers === undefined ? 'no margin tiers' : args.tiers.error;
    const last = args.last;
    if (last !== undefined) {
      maintenanceMargin = last.maintenanceMargin;
      maxLeverage = last.maxLeverage ?? configLeverage;
      provenance.maintenanceMarginSource = `last run (${args.lastAsOf})`;
      flags.push({
        marketId: m.id,
        code: 'TIERS_STALE_FILLED',
        detail: `${reason}; maintenance margin ${maintenanceMargin} and max leverage ${maxLeverage ?? 'none'} from the last run`,
      });
    } else {
      maintenanceMargin = m.maintenanceMargin ?? LAST_RESORT_MAINTENANCE_MARGIN;
      maxLeverage = configLeverage;
      provenance.maintenanceMarginSource = m.maintenanceMargin === undefined ? 'assumed' : 'config';
      flags.push({
        marketId: m.id,
        code: 'TIERS_MISSING',
        detail: `${reason}; maintenance margin ${maintenanceMargin} from ${
          m.maintenanceMargin === undefined ? 'the last-resort assumption' : 'the fund config'
        }`,
      });
    }
  }
  // A bucket at or below the maintenance margin is already being liquidated (schemaVersion 2 refuses
  // it): when the venue's margin rises past a configured bucket, the bucket is lifted just above the
  // margin — those positions liquidate on the first adverse move, the conservative reading — and
  // flagged, so the profile can be fixed instead of the run failing.
  const lift = (profile: readonly LeverageBucket[] | undefined, name: string) => {
    if (profile === undefined || !profile.some((b) => b.margin <= maintenanceMargin)) return undefined;
    // Rounded so that 0.012 + 0.001 reads 0.013 in the snapshot, not 0.013000000000000001.
    const lifted = Math.min(1, Number((maintenanceMargin + LIFT_ABOVE_MAINTENANCE).toFixed(10)));
    flags.push({
      marketId: m.id,
      code: 'TIERS_ABOVE_PROFILE',
      detail: `maintenance margin ${maintenanceMargin} at or above ${name} buckets (${profile
        .filter((b) => b.margin <= maintenanceMargin)
        .map((b) => b.margin)
        .join(', ')}); lifted to ${lifted}`,
    });
    return profile.map((b) => (b.margin <= maintenanceMargin ? { ...b, margin: lifted } : { ...b }));
  };
  const longs = lift(args.leverageProfile, 'leverage profile');
  const shorts = lift(args.leverageProfileShort, 'short leverage profile');
  return {
    maintenanceMargin,
    ...(maxLeverage === undefined ? {} : { maxLeverage }),
    ...(depthUsd === undefined ? {} : { depthUsd }),
    ...(longs === undefined ? {} : { leverageProfile: longs }),
    ...(shorts === undefined ? {} : { leverageProfileShort: shorts }),
    provenance,
    flags,
    expired,
  };
}
