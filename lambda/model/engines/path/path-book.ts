/**
 * Everything the path engine needs about a snapshot's markets and fund, prepared once per run:
 * per market its two distance books, its depth walks, throughput and impact constants; per fund its
 * balance split into a stable part and amounts revalued by market prices (docs/MODEL.md §2, §10).
 */
import type { MarketSnapshot, SnapshotMarket } from '../../schemas.ts';
import { buildDistanceBook, type DistanceBook } from './distance-book.ts';
import { type DepthWalk, prepareDepthWalk } from './slippage.ts';

/** Minutes per day: the engine's throughput is a share of per-minute volume. */
const MINUTES_PER_DAY = 1440;

/** Defaults of the liquidation engine; docs/MODEL.md says where each comes from. */
export const DEFAULT_LIQUIDATION = {
  throughputMultiple: 30,
  permanentImpactShare: 0.3,
  liquidityVolElasticity: 1,
  inventoryCapMultiple: 1 as number | null,
} as const;

/** One market, prepared. Distances and OI are in units of notional at the snapshot's price. */
export interface PathMarket {
  readonly id: string;
  readonly openInterestUsd: number;
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
  /** Warnings about the book (e.g. buckets raised to 1/maxLeverage). */
  readonly warnings: readonly string[];
}

function prepareMarket(
  market: SnapshotMarket,
  throughputMultiple: number,
  impactCoefficient: number,
  warnings: string[],
): PathMarket {
  const floor = Math.max(
    market.maintenanceMargin,
    market.maxLeverage === undefined ? 0 : 1 / market.maxLeverage,
  );
  const long = buildDistanceBook(market.leverageProfile, floor);
  const short = buildDistanceBook(market.leverageProfileShort ?? market.leverageProfile, floor);
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

/** Prepares the path engine's book of a validated snapshot. */
export function preparePathBook(snapshot: MarketSnapshot): PathBook {
  const { model } = snapshot;
  const liquidation = model.liquidation;
  const throughputMultiple = liquidation?.throughputMultiple ?? DEFAULT_LIQUIDATION.throughputMultiple;
  const warnings: string[] = [];
  const markets = snapshot.markets.map((m) =>
    prepareMarket(m, throughputMultiple, model.impactCoefficient, warnings),
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
    warnings,
  };
}
