/**
 * Recalibration proper (pure, DESIGN.md §5): turns what the venues answered into a MarketSnapshot.
 * Vol = the chain's winner floored at the realized EWMA vol and `model.volFloor`; correlation = EWMA
 * (λ = 0.97) of daily log returns, gaps filled from the last snapshot (or 1, the conservative
 * choice), PSD-repaired; markets without fresh data are stale-filled; every choice is flagged and
 * recorded in the market's provenance.
 */
import type { FundConfig, FundMarket } from '../../config/fund-config.ts';
import { expandLibraryScenario, STRESS_LIBRARY, underlyingOf } from '../../config/stress-library.ts';
import { DEFAULT_GAP_PATHS } from '../../model/engines/gap/gap-reserve.ts';
import {
  type MarketSnapshot,
  MarketSnapshotSchema,
  SNAPSHOT_SCHEMA_VERSION,
  type SnapshotMarket,
  type StressScenario,
} from '../../model/schemas.ts';
import { parseOrThrow } from '../../model/validation.ts';
import type { DataFlag } from '../../run/observation.ts';
import { MarketDataUnavailableError } from '../ingest-errors.ts';
import { VENUES } from '../venues/registry.ts';
import type { PerpQuote } from '../venues/venue-adapter.ts';
import type { VolChoice } from '../vol/vol-chain.ts';
import { ewmaCorrelation } from './correlation.ts';
import { type DepthOutcome, liquidityFields, type TierOutcome } from './liquidity-fields.ts';
import { checkOpenInterest, type HeldOi, type OiDecision, type OiReading } from './plausibility.ts';
import { repairCorrelation } from './psd-repair.ts';
import { quoteProblems } from './sanity.ts';
import { defaultSeed } from './seed.ts';
import { staleFill } from './stale-fill.ts';

/** What was fetched for one market (any part may be missing). */
export interface MarketFetch {
  readonly fundMarket: FundMarket;
  readonly quote: PerpQuote | undefined;
  /** Why the quote is missing. */
  readonly quoteError: string | undefined;
  /** Daily log returns keyed by UTC day, undefined when candles failed. */
  readonly returns: Map<number, number> | undefined;
  readonly realizedVol: number | undefined;
  readonly vol: VolChoice | undefined;
  readonly flags: readonly DataFlag[];
  /** This run's order-book depth, or why there is none (absent: not asked for). */
  readonly depth?: DepthOutcome;
  /** This run's margin-tier choice (absent: the venue's tiers come from the config). */
  readonly tiers?: TierOutcome;
}

/** The latest stored snapshot, for stale fill and correlation gaps. */
export interface LastGood {
  readonly asOf: string;
  readonly snapshot: MarketSnapshot;
}

/** The assembled snapshot and every flag raised on the way. */
export interface Assembled {
  readonly snapshot: MarketSnapshot;
  readonly flags: DataFlag[];
}

/** A vol fallback floored at the last good vol, and since when. */
interface FallbackFloor {
  readonly vol: number;
  readonly since: string;
}

/**
 * When a better-ranked vol source failed (or the candles behind the realized-vol floor did), the
 * result must not silently lower the market's vol: it is floored at the last good vol for up to `maxStaleMinutes` from when that vol was observed (the
 * same age limit as a stale fill), then the fallback stands on its own (still flagged).
 */
function fallbackFloor(
  f: MarketFetch,
  last: SnapshotMarket | undefined,
  lastAsOf: string | undefined,
  asOf: string,
  maxStaleMinutes: number,
): FallbackFloor | undefined {
  const failed = f.flags.some((x) =>
    ['VOL_SOURCE_FAILED', 'VOL_SOURCE_EMPTY', 'SANITY_IV', 'CANDLES_MISSING'].includes(x.code),
  );
  if (!failed || last === undefined || lastAsOf === undefined) return undefined;
  const prov = (last.provenance ?? {}) as Record<string, unknown>;
  const floor: FallbackFloor =
    typeof prov.fallbackFloorVol === 'number' && typeof prov.fallbackFloorSince === 'string'
      ? { vol: prov.fallbackFloorVol, since: prov.fallbackFloorSince }
      : {
          vol: typeof prov.unpenalisedVol === 'number' ? prov.unpenalisedVol : last.impliedVol,
          since: typeof prov.staleSince === 'string' ? prov.staleSince : lastAsOf,
        };
  return (Date.parse(asOf) - Date.parse(floor.since)) / 60_000 <= maxStaleMinutes ? floor : undefined;
}

function freshMarket(
  f: MarketFetch,
  quote: PerpQuote,
  vol: VolChoice,
  config: FundConfig,
  last: { market: SnapshotMarket | undefined; asOf: string | undefined; now: string },
  oi: OiDecision,
  flags: DataFlag[],
): SnapshotMarket {
  const m = f.fundMarket;
  const floor = Math.max(f.realizedVol ?? 0, config.model.volFloor);
  let impliedVol = Math.max(vol.vol, floor);
  const volFloorBound = impliedVol > vol.vol;
  if (volFloorBound) {
    const by = (f.realizedVol ?? 0) >= config.model.volFloor ? 'realized EWMA vol' : 'model.volFloor';
    flags.push({
      marketId: m.id,
      code: 'VOL_FLOOR_BOUND',
      detail: `${vol.source} IV ${vol.vol.toFixed(4)} floored at ${impliedVol.toFixed(4)} (${by})`,
    });
  }
  const sticky = fallbackFloor(f, last.market, last.asOf, last.now, config.data.maxStaleMinutes);
  const stickyBound = sticky !== undefined && sticky.vol > impliedVol;
  if (stickyBound) {
    flags.push({
      marketId: m.id,
      code: 'VOL_FALLBACK_FLOORED',
      detail: `fallback ${vol.source} vol ${impliedVol.toFixed(4)} held at the last good ${sticky.vol.toFixed(4)} from ${sticky.since}`,
    });
    impliedVol = sticky.vol;
  }
  flags.push(...oi.flags);
  const marketFlags = flags.filter((x) => x.marketId === m.id).map((x) => x.code);
  return {
    id: m.id,
    priceUsd: quote.priceUsd,
    openInterestUsd: oi.oiUsd,
    dailyVolumeUsd: quote.dailyVolumeUsd,
    impliedVol,
    // Replaced by the venue's tier (or its fallback) in withLiquidity.
    maintenanceMargin: m.maintenanceMargin ?? last.market?.maintenanceMargin ?? 0,
    leverageProfile: m.leverageProfile ?? config.model.defaultLeverageProfile,
    ...configuredFields(m),
    provenance: {
      venue: m.venue,
      symbol: m.symbol,
      volSource: vol.source,
      sourceVol: vol.vol,
      volFloorBound,
      ...(f.realizedVol === undefined ? {} : { realizedVol: f.realizedVol }),
      stale: false,
      ...(stickyBound ? { fallbackFloorVol: sticky.vol, fallbackFloorSince: sticky.since } : {}),
      ...(oi.oiUsd === quote.openInterestUsd ? {} : { venueOiUsd: quote.openInterestUsd }),
      ...(oi.held === undefined ? {} : { heldOi: oi.held }),
      flags: [...new Set(marketFlags)],
    },
  };
}

/** Whether a market's fetch is used as is (a sane quote and a vol), as {@link assembleSnapshot} decides. */
function usable(f: MarketFetch): f is MarketFetch & { quote: PerpQuote; vol: VolChoice } {
  return f.quote !== undefined && f.vol !== undefined && quoteProblems(f.quote).length === 0;
}

/** The OI readings of the markets used fresh, with what the last run used and held. */
function oiReadings(
  fetches: readonly MarketFetch[],
  lastById: ReadonlyMap<string, SnapshotMarket>,
): OiReading[] {
  return fetches.filter(usable).map((f) => {
    const last = lastById.get(f.fundMarket.id);
    const held = (last?.provenance as { heldOi?: HeldOi } | undefined)?.heldOi;
    return {
      marketId: f.fundMarket.id,
      venue: f.fundMarket.venue,
      underlying: f.quote.baseCoin.toUpperCase(),
      freshOiUsd: f.quote.openInterestUsd,
      dailyVolumeUsd: f.quote.dailyVolumeUsd,
      ...(last === undefined
        ? {}
        : { last: { oiUsd: last.openInterestUsd, ...(held === undefined ? {} : { held }) } }),
    };
  });
}

/** Fresh correlations where two markets share enough days, else the last snapshot's, else 1. */
function correlationOf(
  fetches: readonly MarketFetch[],
  usedFresh: readonly boolean[],
  last: LastGood | null,
  flags: DataFlag[],
): number[][] {
  const ids = fetches.map((f) => f.fundMarket.id);
  const fresh = ewmaCorrelation(fetches.map((f, i) => (usedFresh[i] ? f.returns : undefined)));
  const lastIndex = new Map(last?.snapshot.markets.map((m, i) => [m.id, i]) ?? []);
  const filled: string[] = [];
  const matrix = fresh.map((row, i) =>
    row.map((rho, j) => {
      if (rho !== undefined) return rho;
      const li = lastIndex.get(ids[i] as string);
      const lj = lastIndex.get(ids[j] as string);
      const old = li === undefined || lj === undefined ? undefined : last?.snapshot.correlation[li]?.[lj];
      if (i < j)
        filled.push(
          `${ids[i]}/${ids[j]}=${old === undefined ? '1 (no history)' : `${old.toFixed(3)} (last run)`}`,
        );
      return old ?? 1;
    }),
  );
  if (filled.length > 0) {
    flags.push({
      code: 'CORRELATION_FILLED',
      detail: `${filled.length} pair(s) without enough common days: ${filled.slice(0, 10).join(', ')}${filled.length > 10 ? ', …' : ''}`,
    });
  }
  const repaired = repairCorrelation(matrix);
  if (repaired.repaired) {
    flags.push({
      code: 'CORRELATION_REPAIRED',
      detail: `not positive semi-definite (min eigenvalue ${repaired.minEigenvalue.toExponential(3)}); eigenvalues clipped`,
    });
  }
  return repaired.matrix;
}

/**
 * Builds and validates the snapshot.
 * @throws MarketDataUnavailableError when a market has neither fresh data nor a last observation
 */
export function assembleSnapshot(args: {
  config: FundConfig;
  asOf: string;
  fetches: readonly MarketFetch[];
  fundBalanceUsd: number | null;
  balanceFlags: readonly DataFlag[];
  lastGood: LastGood | null;
}): Assembled {
  const { config, asOf, fetches, lastGood } = args;
  const flags: DataFlag[] = [];
  let degraded = false;
  const lastById = new Map(lastGood?.snapshot.markets.map((m) => [m.id, m]) ?? []);
  const oiDecisions = checkOpenInterest(oiReadings(fetches, lastById), config.data.plausibility, asOf);
  const usedFresh: boolean[] = [];
  // Depth and tiers ride on top of the fresh or stale-filled market: their own fallbacks and flags.
  const withLiquidity = (f: MarketFetch, market: SnapshotMarket): SnapshotMarket => {
    const m = f.fundMarket;
    const liquidity = liquidityFields({
      fundMarket: m,
      tierSource: VENUES[m.venue].marginTiers,
      depth: f.depth,
      tiers: f.tiers,
      leverageProfile: market.leverageProfile,
      leverageProfileShort: market.leverageProfileShort,
      last: lastById.get(m.id),
      lastAsOf: lastGood?.asOf,
      asOf,
      maxStaleMinutes: config.data.maxStaleMinutes,
    });
    flags.push(...liquidity.flags);
    degraded ||= liquidity.expired;
    const { provenance: extra, flags: raised, expired: _, ...fields } = liquidity;
    const prov = market.provenance ?? {};
    return {
      ...market,
      ...fields,
      provenance: {
        ...prov,
        ...extra,
        flags: [...new Set([...(prov.flags ?? []), ...raised.map((x) => x.code)])],
      },
    };
  };
  const markets = fetches.map((f) => {
    flags.push(...f.flags);
    const m = f.fundMarket;
    const last = lastById.get(m.id);
    const problems = f.quote === undefined ? [f.quoteError ?? 'no quote'] : quoteProblems(f.quote);
    if (f.quote !== undefined && problems.length > 0) {
      flags.push({ marketId: m.id, code: 'SANITY_QUOTE', detail: problems.join('; ') });
    }
    const saneQuote = problems.length === 0 ? f.quote : undefined;
    if (f.vol === undefined && problems.length === 0)
      problems.push('no implied-vol source answered and no realized vol');
    if (problems.length === 0 && f.quote !== undefined && f.vol !== undefined) {
      usedFresh.push(true);
      const oi = oiDecisions.get(m.id) ?? { oiUsd: f.quote.openInterestUsd, flags: [], degraded: false };
      degraded ||= oi.degraded;
      return withLiquidity(
        f,
        freshMarket(f, f.quote, f.vol, config, { market: last, asOf: lastGood?.asOf, now: asOf }, oi, flags),
      );
    }
    usedFresh.push(false);
    if (last === undefined || lastGood === null) {
      throw new MarketDataUnavailableError(m.id, { cause: new Error(problems.join('; ')) });
    }
    const fill = staleFill({
      fundMarket: m,
      leverageProfile: m.leverageProfile ?? config.model.defaultLeverageProfile,
      last,
      lastAsOf: lastGood.asOf,
      asOf,
      maxStaleMinutes: config.data.maxStaleMinutes,
      stalePenalty: config.data.stalePenalty,
      reason: problems.join('; '),
      freshQuote: saneQuote,
    });
    flags.push(fill.flag);
    degraded ||= fill.expired;
    return { ...withLiquidity(f, fill.market), ...configuredFields(m) };
  });
  const correlation = correlationOf(fetches, usedFresh, lastGood, flags);
  flags.push(...args.balanceFlags);
  const snapshot = {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    fundId: config.fundId,
    asOf,
    fundBalanceUsd: args.fundBalanceUsd,
    markets,
    correlation,
    ...fundComposition(config, args.fundBalanceUsd),
    model: snapshotModel(config, asOf),
    dataQuality: {
      degraded,
      flags: flags.map((f) => (f.marketId === undefined ? { code: f.code, detail: f.detail } : { ...f })),
    },
  };
  return {
    snapshot: parseOrThrow(MarketSnapshotSchema, snapshot, `snapshot of ${config.fundId} at ${asOf}`),
    flags,
  };
}

/** The snapshot's model section: the fund's parameters with its stress library expanded. */
function snapshotModel(config: FundConfig, asOf: string): MarketSnapshot['model'] {
  const model = config.model;
  const optional = <K extends keyof typeof model>(key: K) =>
    model[key] === undefined ? {} : ({ [key]: model[key] } as Pick<typeof model, K>);
  return {
    horizonHours: model.horizonHours,
    confidence: model.confidence,
    tailDof: model.tailDof,
    ...(model.paths === undefined
      ? model.engine === 'gap'
        ? { paths: DEFAULT_GAP_PATHS }
        : {}
      : { paths: model.paths }),
    seed: model.seed ?? defaultSeed(config.fundId, asOf),
    impactCoefficient: model.impactCoefficient,
    buffer: model.buffer,
    stressScenarios: stressScenariosOf(config),
    ...optional('largestAccounts'),
    releaseMultiple: model.releaseMultiple,
    thresholds: config.alerts.thresholds,
    engine: model.engine,
    ...optional('windowHours'),
    ...optional('stepMinutes'),
    ...optional('liquidation'),
    ...optional('pathDynamics'),
    ...optional('precision'),
    ...optional('reverseStressLiquidity'),
    ...(correlationModelOf(config) === 'factor'
      ? { correlationModel: 'factor' as const, ...optional('factors') }
      : {}),
    ...(config.policy === undefined ? {} : { policy: config.policy }),
  };
}

/** The fund's correlation model, `"auto"` resolved by its size (the snapshot records the choice). */
function correlationModelOf(config: FundConfig): 'dense' | 'factor' {
  const { correlationModel, factorModelAboveMarkets } = config.model;
  if (correlationModel !== 'auto') return correlationModel;
  return config.markets.length > factorModelAboveMarkets ? 'factor' : 'dense';
}

/** The fund's stress scenarios with `{library}` references expanded over its markets. */
function stressScenariosOf(config: FundConfig): StressScenario[] {
  const markets = config.markets.map((m) => ({
    id: m.id,
    underlying: m.underlying ?? underlyingOf(m.symbol),
  }));
  return config.model.stressScenarios.map((s) => {
    if (!('library' in s)) return s;
    const scenario = STRESS_LIBRARY.find((l) => l.name === s.library);
    if (scenario === undefined) throw new RangeError(`unknown stress library scenario ${s.library}`);
    return expandLibraryScenario(scenario, markets, s.liquidityFactor);
  });
}

/** The balance's composition in USD (shares of the balance); nothing without one or without a balance. */
function fundComposition(
  config: FundConfig,
  balanceUsd: number | null,
): { fundComposition?: NonNullable<MarketSnapshot['fundComposition']> } {
  if (config.fundComposition === undefined || balanceUsd === null) return {};
  return {
    fundComposition: config.fundComposition.map((a) => ({
      asset: a.asset,
      amountUsd: a.share * balanceUsd,
      ...(a.priceMarketId === undefined ? {} : { priceMarketId: a.priceMarketId }),
    })),
  };
}

/** The v2 market fields a fund config sets directly (absent ones keep the model's defaults). */
function configuredFields(
  m: FundMarket,
): Pick<SnapshotMarket, 'beta' | 'liquidationIncome' | 'leverageProfileShort'> {
  return {
    ...(m.beta === undefined ? {} : { beta: m.beta }),
    ...(m.liquidationIncome === undefined ? {} : { liquidationIncome: m.liquidationIncome }),
    ...(m.leverageProfileShort === undefined ? {} : { leverageProfileShort: m.leverageProfileShort }),
  };
}
