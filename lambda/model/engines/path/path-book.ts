/**
 * Everything the path engine needs about a snapshot's markets and fund, prepared once per run:
 * per market its two distance books, its depth walks, throughput and impact constants; per fund its
 * balance split into a stable part and amounts revalued by market prices (docs/MODEL.md §2, §10).
 */
import type { LargeAccount, LeverageBucket, MarketSnapshot, SnapshotMarket } from '../../schemas.ts';
import { buildDistanceBook, type DistanceBook, type DistanceBucket } from './distance-book.ts';
import { type DepthWalk, prepareDepthWalk } from './slippage.ts';

/** Minutes per day: the engine's throughput is a share of per-minute volume. */
const MINUTES_PER_DAY = 1440;

/**
 * Defaults of the liquidation engine, each fitted or taken from the evidence docs/VALIDATION.md
 * shows: throughput from the validation events (2020-03-12/13, 2025-10-10, YFI), κ from the stress
 * events' liquidity against their vol. The permanent share is 0 because every path the engine is
 * given by default is a market-price path — recorded, reported, or drawn from dynamics fitted to
 * market prices — and market prices already hold the liquidations' own impact: on the 10,945 4-hour
 * windows of BTCUSDT 2020-10 → 2025-10 replayed through the demo book, impact added on top (0.67)
 * nearly tripled the 99.9% ES (from $260M to $662M; docs/MODEL.md, "Historical windows"). It stays
 * a knob for hypothetical scenarios.
 */
export const DEFAULT_LIQUIDATION = {
  throughputMultiple: 20,
  permanentImpactShare: 0,
  liquidityVolElasticity: 1.8,
  inventoryCapMultiple: 1 as number | null,
  /** Exponent a of the liquidity factor on throughput, Θ ∝ λ^a (depth always scales with λ). */
  throughputLiquidityExponent: 1,
} as const;

/**
 * Relative half-width of a large account's band of bankruptcy prices: its positions (sub-accounts,
 * entries at different prices) sit within ±5% of its margin, not spread over a leverage bucket.
 */
export const ACCOUNT_SPREAD = 0.05;

/**
 * Large accounts in the book (cover-2): `carve` places each account's notional at its own margin
 * inside its side's OI (the rest of the side keeps the profile); `remove` takes it out of the side
 * (the book without them). The difference of the two replays is what the accounts cost the fund.
 */
export interface BookAccounts {
  readonly accounts: readonly LargeAccount[];
  readonly mode: 'carve' | 'remove';
}

/** One market, prepared. Distances and OI are in units of notional at the snapshot's price. */
export interface PathMarket {
  readonly id: string;
  readonly openInterestUsd: number;
  /** Each side's OI: the market's, less large accounts removed from it. */
  readonly longOpenInterestUsd: number;
  readonly shortOpenInterestUsd: number;
  readonly maintenanceMargin: number;
  /** Longs' and shorts' distance books. */
  readonly long: DistanceBook;
  readonly short: DistanceBook;
  /** Most notional the engine closes per minute at λ = 1: throughputMultiple × V / 1440. */
  readonly throughputPerMinuteUsd: number;
  /** k·(σ/√365)/√V for the square-root law (used without depth). */
  readonly rootPerUsd: number;
  /** Bids (hit by liquidated longs) and asks (lifted by liquidated shorts); null without depth. */
  readonly bids: DepthWalk | null;
  readonly asks: DepthWalk | null;
  /** The fee cap of `{feeRate}`, or −1 for "remainder". */
  readonly feeRate: number;
  readonly beta: number;
}

/** The fund: its balance as a stable part plus amounts that move with a market's price. */
export interface PathFund {
  /** Balance in USD, or null when unknown (then no exhaustion or ADL diagnostics). */
  readonly balanceUsd: number | null;
  readonly stableUsd: number;
  /** USD held in assets priced by market i (index-aligned with the markets). */
  readonly pricedUsd: Float64Array;
}

/** The prepared book of a snapshot. */
export interface PathBook {
  readonly markets: readonly PathMarket[];
  readonly fund: PathFund;
  readonly permanentImpactShare: number;
  /** ADL when takeover inventory exceeds this multiple of the fund; null = only on exhaustion. */
  readonly inventoryCapMultiple: number | null;
  /** Monte Carlo liquidity λ = min(1, s^−κ) of a scenario with vol regime s. */
  readonly liquidityVolElasticity: number;
  /** Throughput scales with λ^a (a = 1: as depth; a = 0: not at all). */
  readonly throughputLiquidityExponent: number;
  /** Warnings about the book (e.g. buckets raised to 1/maxLeverage). */
  readonly warnings: readonly string[];
}

/**
 * One side's buckets and OI with its large accounts carved in (their notional at their margins, the
 * profile scaled to the rest) or removed (OI less their notional). Accounts beyond the side's OI are
 * capped at it.
 */
function sideBook(
  profile: readonly LeverageBucket[],
  oi: number,
  accounts: readonly LargeAccount[],
  mode: BookAccounts['mode'],
): { buckets: DistanceBucket[]; oi: number } {
  const held = Math.min(
    oi,
    accounts.reduce((sum, a) => sum + a.notionalUsd, 0),
  );
  if (held <= 0) return { buckets: [...profile], oi };
  if (mode === 'remove') return { buckets: [...profile], oi: oi - held };
  const scale = held / accounts.reduce((sum, a) => sum + a.notionalUsd, 0);
  return {
    buckets: [
      ...profile.map((b) => ({ margin: b.margin, share: (b.share * (oi - held)) / oi })),
      ...accounts.map((a) => ({
        margin: a.margin,
        share: (a.notionalUsd * scale) / oi,
        spread: ACCOUNT_SPREAD,
      })),
    ],
    oi,
  };
}

function prepareMarket(
  market: SnapshotMarket,
  throughputMultiple: number,
  impactCoefficient: number,
  concentration: BookAccounts | undefined,
  warnings: string[],
): PathMarket {
  const floor = Math.max(
    market.maintenanceMargin,
    market.maxLeverage === undefined ? 0 : 1 / market.maxLeverage,
  );
  const mine = (side: LargeAccount['side']) =>
    (concentration?.accounts ?? []).filter((a) => a.marketId === market.id && a.side === side);
  const mode = concentration?.mode ?? 'carve';
  const longSide = sideBook(market.leverageProfile, market.openInterestUsd, mine('long'), mode);
  const shortSide = sideBook(
    market.leverageProfileShort ?? market.leverageProfile,
    market.openInterestUsd,
    mine('short'),
    mode,
  );
  const long = buildDistanceBook(longSide.buckets, floor);
  const short = buildDistanceBook(shortSide.buckets, floor);
  const raised = Math.max(long.raisedBuckets, short.raisedBuckets);
  if (raised > 0) {
    warnings.push(
      `${market.id}: ${raised} leverage bucket${raised === 1 ? '' : 's'} at or below 1/maxLeverage = ${+floor.toPrecision(6)} moved up to it`,
    );
  }
  const income = market.liquidationIncome ?? 'remainder';
  return {
    id: market.id,
    openInterestUsd: market.openInterestUsd,
    longOpenInterestUsd: longSide.oi,
    shortOpenInterestUsd: shortSide.oi,
    maintenanceMargin: market.maintenanceMargin,
    long,
    short,
    throughputPerMinuteUsd: (throughputMultiple * market.dailyVolumeUsd) / MINUTES_PER_DAY,
    rootPerUsd: (impactCoefficient * (market.impliedVol / Math.sqrt(365))) / Math.sqrt(market.dailyVolumeUsd),
    bids: market.depthUsd === undefined ? null : prepareDepthWalk(market.depthUsd, 'bidUsd'),
    asks: market.depthUsd === undefined ? null : prepareDepthWalk(market.depthUsd, 'askUsd'),
    feeRate: income === 'remainder' ? -1 : income.feeRate,
    beta: market.beta ?? 1,
  };
}

/**
 * Prepares the path engine's book of a validated snapshot.
 *
 * @param concentration - large accounts to carve into (or remove from) their sides (cover-2)
 */
export function preparePathBook(snapshot: MarketSnapshot, concentration?: BookAccounts): PathBook {
  const { model } = snapshot;
  const liquidation = model.liquidation;
  const throughputMultiple = liquidation?.throughputMultiple ?? DEFAULT_LIQUIDATION.throughputMultiple;
  const warnings: string[] = [];
  const markets = snapshot.markets.map((m) =>
    prepareMarket(m, throughputMultiple, model.impactCoefficient, concentration, warnings),
  );
  const index = new Map(snapshot.markets.map((m, i) => [m.id, i]));
  const pricedUsd = new Float64Array(markets.length);
  let stableUsd = snapshot.fundBalanceUsd ?? 0;
  if (snapshot.fundComposition !== undefined && snapshot.fundBalanceUsd !== null) {
    stableUsd = 0;
    for (const asset of snapshot.fundComposition) {
      const i = asset.priceMarketId === undefined ? undefined : index.get(asset.priceMarketId);
      if (i === undefined) stableUsd += asset.amountUsd;
      else pricedUsd[i]! += asset.amountUsd;
    }
  }
  return {
    markets,
    fund: { balanceUsd: snapshot.fundBalanceUsd, stableUsd, pricedUsd },
    permanentImpactShare: liquidation?.permanentImpactShare ?? DEFAULT_LIQUIDATION.permanentImpactShare,
    inventoryCapMultiple:
      liquidation?.adl === undefined
        ? DEFAULT_LIQUIDATION.inventoryCapMultiple
        : liquidation.adl.inventoryCapMultiple,
    liquidityVolElasticity: liquidation?.liquidityVolElasticity ?? DEFAULT_LIQUIDATION.liquidityVolElasticity,
    throughputLiquidityExponent:
      liquidation?.throughputLiquidityExponent ?? DEFAULT_LIQUIDATION.throughputLiquidityExponent,
    warnings,
  };
}
