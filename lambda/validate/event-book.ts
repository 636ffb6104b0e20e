/**
 * A validation event as the path engine's input: its book as a schemaVersion 2 MarketSnapshot (the
 * calibrated defaults wherever the event does not say) and its price path as a recorded stress
 * scenario, so that the replay is exactly what `backstop stress` runs. Pure: the caller reads the
 * files.
 */
import { parsePathCsv } from '../cli/path-csv.ts';
import { DEFAULT_LIQUIDATION } from '../model/engines/path/path-book.ts';
import type {
  LeverageBucket,
  LiquidationParams,
  MarketSnapshot,
  SnapshotMarket,
  StressScenario,
} from '../model/schemas.ts';
import { validateSnapshot } from '../model/validate-snapshot.ts';
import { carriedProfile } from './carry-over.ts';
import type { EventMarket, ValidationEvent } from './event-schema.ts';

/** An event with the text of its path file. */
export interface LoadedEvent {
  readonly event: ValidationEvent;
  readonly pathCsv: string;
}

/** What a replay may change against the event's own book (the calibration's knobs). */
export interface EventOverrides {
  /** The profile of every market that has none of its own. */
  readonly leverageProfile: readonly LeverageBucket[];
  /** The liquidation engine's throughput and impact; absent = the engine's defaults (ADL is the venue's). */
  readonly liquidation?: Omit<LiquidationParams, 'adl'>;
  /** Multiplies the event's liquidity factor (capped at 1). */
  readonly liquidityScale?: number;
}

/** The event's path as a recorded stress scenario (its moves already hold the liquidations' impact). */
export function eventScenario(loaded: LoadedEvent, liquidityScale = 1): StressScenario {
  const { event } = loaded;
  const parsed = parsePathCsv(loaded.pathCsv, `${event.name}/${event.path.file}`, 1);
  return {
    name: event.title,
    source: event.path.source,
    liquidityFactor: Math.min(1, event.path.liquidityFactor * liquidityScale),
    recorded: true,
    path: parsed.path ?? [],
  };
}

/** A market's path column (its own, else `*`) as [minute, return] points. */
function column(scenario: StressScenario, id: string): number[] {
  return (scenario.path ?? []).map(([, r]) => r[id] ?? r['*'] ?? 0);
}

/**
 * A profile on a venue whose tiers forbid its closest buckets: a bucket nearer to bankruptcy than
 * 1/maxLeverage (or at the maintenance margin) is moved onto that floor, since no position can be
 * opened there; buckets that land on the same margin are merged.
 */
export function liftProfile(profile: readonly LeverageBucket[], m: EventMarket): LeverageBucket[] {
  const floor = Math.max(1 / m.maxLeverage, m.maintenanceMargin * MARGIN_ABOVE_MM);
  const merged = new Map<number, number>();
  for (const b of profile) {
    const margin = Math.max(b.margin, floor);
    merged.set(margin, (merged.get(margin) ?? 0) + b.share);
  }
  return [...merged.entries()].sort((a, b) => a[0] - b[0]).map(([margin, share]) => ({ margin, share }));
}

/** A bucket on the maintenance margin is already being liquidated: the floor sits just above it. */
const MARGIN_ABOVE_MM = 1.01;

function marketOf(m: EventMarket, profile: readonly LeverageBucket[]): SnapshotMarket {
  return {
    id: m.id,
    priceUsd: m.priceUsd,
    openInterestUsd: m.openInterestUsd,
    dailyVolumeUsd: m.dailyVolumeUsd,
    impliedVol: m.impliedVol,
    maintenanceMargin: m.maintenanceMargin,
    maxLeverage: m.maxLeverage,
    leverageProfile: liftProfile(m.leverageProfile ?? profile, m),
    ...(m.leverageProfileShort === undefined
      ? {}
      : { leverageProfileShort: liftProfile(m.leverageProfileShort, m) }),
    ...(m.liquidationIncome === undefined ? {} : { liquidationIncome: m.liquidationIncome }),
    ...(m.depthUsd === undefined ? {} : { depthUsd: m.depthUsd }),
    ...(m.beta === undefined ? {} : { beta: m.beta }),
  };
}

/**
 * The carried side of each market the earlier event also had: survivors of its path at their new
 * distances for `carriedShare` of the OI, fresh positions for the rest.
 */
function carry(
  markets: SnapshotMarket[],
  loaded: LoadedEvent,
  earlier: LoadedEvent | undefined,
  overrides: EventOverrides,
): SnapshotMarket[] {
  const spec = loaded.event.book.carryOver;
  if (spec === undefined) return markets;
  if (earlier === undefined || earlier.event.name !== spec.event) {
    throw new RangeError(`${loaded.event.name}: carryOver needs event ${spec.event}`);
  }
  const before = eventScenario(earlier);
  return markets.map((m) => {
    const old = earlier.event.book.markets.find((e) => e.id === m.id);
    if (old === undefined) return m;
    const path = column(before, m.id);
    const endReturn = path[path.length - 1] ?? 0;
    const maxAdverse = Math.max(0, ...path.map((r) => (spec.side === 'short' ? r : -r)));
    const oldProfile =
      spec.side === 'short'
        ? (old.leverageProfileShort ?? old.leverageProfile ?? overrides.leverageProfile)
        : (old.leverageProfile ?? overrides.leverageProfile);
    const fresh = spec.side === 'short' ? (m.leverageProfileShort ?? m.leverageProfile) : m.leverageProfile;
    const moved = carriedProfile(
      oldProfile,
      fresh ?? m.leverageProfile,
      { side: spec.side, endReturn, maxAdverse, maintenanceMargin: old.maintenanceMargin },
      spec.carriedShare,
    );
    return spec.side === 'short'
      ? { ...m, leverageProfileShort: moved }
      : { ...m, leverageProfile: moved, leverageProfileShort: m.leverageProfileShort ?? m.leverageProfile };
  });
}

/**
 * The event's book as a validated schemaVersion 2 snapshot whose one stress scenario is the
 * event's path.
 *
 * @param earlier - the event named by `book.carryOver`, when the event has one
 */
export function eventSnapshot(
  loaded: LoadedEvent,
  overrides: EventOverrides,
  earlier?: LoadedEvent,
): MarketSnapshot {
  const { event } = loaded;
  const markets = carry(
    event.book.markets.map((m) => marketOf(m, overrides.leverageProfile)),
    loaded,
    earlier,
    overrides,
  );
  const snapshot: MarketSnapshot = {
    schemaVersion: 2,
    fundId: `event-${event.name}`,
    asOf: event.window.from,
    fundBalanceUsd: event.book.fundBalanceUsd,
    fundComposition: event.book.fundComposition.map((a) => ({ ...a })),
    markets,
    correlation: markets.map((_, i) => markets.map((_, j) => (i === j ? 1 : 0))),
    model: {
      horizonHours: 2,
      confidence: 0.999,
      tailDof: 3,
      seed: 1,
      impactCoefficient: 1,
      buffer: 0,
      stressScenarios: [eventScenario(loaded, overrides.liquidityScale)],
      liquidation: {
        throughputMultiple:
          overrides.liquidation?.throughputMultiple ?? DEFAULT_LIQUIDATION.throughputMultiple,
        permanentImpactShare:
          overrides.liquidation?.permanentImpactShare ?? DEFAULT_LIQUIDATION.permanentImpactShare,
        ...(overrides.liquidation?.throughputLiquidityExponent === undefined
          ? {}
          : { throughputLiquidityExponent: overrides.liquidation.throughputLiquidityExponent }),
        adl: { inventoryCapMultiple: event.book.adl.inventoryCapMultiple },
      },
      ...(event.book.largestAccounts === undefined
        ? {}
        : { largestAccounts: event.book.largestAccounts.map((a) => ({ ...a })) }),
    },
  };
  return validateSnapshot(snapshot, `event ${event.name}`).snapshot;
}
