/**
 * A venue's public insurance fund as the fund balance: Binance `insuranceBalance` pools, Bybit
 * `market/insurance` pools, OKX `insurance-fund` per instrument family — summed over the configured
 * pools and coins, priced in USD, with the venue's update time kept and an old one flagged stale.
 */
import { z } from 'zod';
import type { BalanceSource } from '../../config/fund-config.ts';
import type { DataFlag, Observation } from '../../run/observation.ts';
import type { VenueHttpClient } from '../http/venue-http-client.ts';
import { MsString, NumericString, observation } from '../venues/venue-adapter.ts';
import { type BalanceReading, BalanceUnavailableError, type PriceBook } from './balance-reading.ts';

type VenuePoolSource = Extract<BalanceSource, { type: 'venue-pool' }>;

const BinancePools = z.array(
  z.looseObject({
    symbols: z.array(z.string()),
    assets: z.array(
      z.looseObject({ asset: z.string(), marginBalance: NumericString, updateTime: z.number() }),
    ),
  }),
);
const BybitPools = z.looseObject({
  retCode: z.literal(0),
  result: z.looseObject({
    updatedTime: MsString,
    list: z.array(
      z.looseObject({ coin: z.string(), symbols: z.string(), balance: NumericString, value: NumericString }),
    ),
  }),
});
const OkxFund = z.looseObject({
  code: z.literal('0'),
  data: z.array(
    z.looseObject({
      instFamily: z.string().optional(),
      details: z.array(z.looseObject({ balance: NumericString, ccy: z.string(), ts: MsString })),
    }),
  ),
});

/** One coin balance of one pool. */
interface PoolAsset {
  readonly pool: string;
  readonly coin: string;
  readonly amount: number;
  /** USD value when the venue gives it (Bybit), else priced here. */
  readonly valueUsd?: number;
  readonly updatedMs: number;
  readonly endpoint: string;
  readonly raw: string;
  readonly fetchedAt: string;
}

async function binanceAssets(http: VenueHttpClient, src: VenuePoolSource): Promise<PoolAsset[]> {
  const endpoint = '/fapi/v1/insuranceBalance';
  const { data, fetchedAt } = await http.getJson(endpoint, {}, BinancePools);
  return data
    .filter((pool) => src.pools.some((p) => pool.symbols.includes(p)))
    .flatMap((pool) =>
      pool.assets.map((a) => ({
        pool: pool.symbols.join(','),
        coin: a.asset,
        amount: Number(a.marginBalance),
        updatedMs: a.updateTime,
        endpoint,
        raw: a.marginBalance,
        fetchedAt,
      })),
    );
}

async function bybitAssets(http: VenueHttpClient, src: VenuePoolSource): Promise<PoolAsset[]> {
  const endpoint = '/v5/market/insurance';
  const { data, fetchedAt } = await http.getJson(endpoint, {}, BybitPools);
  const updatedMs = Number(data.result.updatedTime);
  return data.result.list
    .filter((pool) => src.pools.some((p) => pool.symbols.split(',').includes(p)))
    .map((pool) => ({
      pool: pool.symbols,
      coin: pool.coin,
      amount: Number(pool.balance),
      valueUsd: Number(pool.value),
      updatedMs,
      endpoint,
      raw: pool.balance,
      fetchedAt,
    }));
}

async function okxAssets(http: VenueHttpClient, src: VenuePoolSource): Promise<PoolAsset[]> {
  const endpoint = '/api/v5/public/insurance-fund';
  const out: PoolAsset[] = [];
  for (const family of src.pools) {
    const { data, fetchedAt } = await http.getJson(
      endpoint,
      { instType: 'SWAP', instFamily: family },
      OkxFund,
    );
    // Details are a history of entries; the newest per currency is the current balance.
    const newest = new Map<string, { balance: string; ts: number }>();
    for (const entry of data.data.flatMap((d) => d.details)) {
      const ts = Number(entry.ts);
      const seen = newest.get(entry.ccy);
      if (seen === undefined || ts > seen.ts) newest.set(entry.ccy, { balance: entry.balance, ts });
    }
    for (const [coin, { balance, ts }] of newest) {
      out.push({
        pool: family,
        coin,
        amount: Number(balance),
        updatedMs: ts,
        endpoint,
        raw: balance,
        fetchedAt,
      });
    }
  }
  return out;
}

/**
 * Reads and sums a venue insurance fund.
 * @param asOf - the run's time, to judge the pool's update age against `maxAgeHours`
 * @throws BalanceUnavailableError when no configured pool is found or no coin can be priced
 */
export async function readVenuePool(
  http: VenueHttpClient,
  src: VenuePoolSource,
  prices: PriceBook,
  asOf: Date,
): Promise<BalanceReading> {
  const fetchers = { binance: binanceAssets, bybit: bybitAssets, okx: okxAssets } as const;
  const assets = (await fetchers[src.venue](http, src)).filter(
    (a) => src.coins === undefined || src.coins.includes(a.coin),
  );
  if (assets.length === 0) {
    throw new BalanceUnavailableError(
      `${src.venue} pool`,
      `none of the pools ${JSON.stringify(src.pools)} found`,
    );
  }
  const flags: DataFlag[] = [];
  const observations: Observation[] = [];
  let total = 0;
  let priced = 0;
  for (const a of assets) {
    const usd =
      a.valueUsd ??
      (prices.coin(a.coin) === undefined ? undefined : a.amount * (prices.coin(a.coin) as number));
    if (usd === undefined || !Number.isFinite(usd)) {
      flags.push({
        code: 'BALANCE_COIN_UNPRICED',
        detail: `${src.venue} pool ${a.pool}: no USD price for ${a.amount} ${a.coin}; left out`,
      });
      continue;
    }
    // A depleted pool (Bybit reports negative balances) is a debt of the fund: leaving it out
    // would overstate the balance and hide a shortfall.
    if (usd < 0) {
      flags.push({
        code: 'BALANCE_POOL_NEGATIVE',
        detail: `${src.venue} pool ${a.pool}: ${a.amount} ${a.coin} (${usd} USD), a depleted pool; counted`,
      });
    }
    total += usd;
    priced++;
    observations.push(
      observation({
        marketId: null,
        venue: src.venue,
        endpoint: a.endpoint,
        field: 'fundBalance',
        rawValue: a.raw,
        rawUnit: a.coin,
        normalised: usd,
        fetchedAt: a.fetchedAt,
        venueTimestamp: a.updatedMs,
      }),
    );
    const ageHours = (asOf.getTime() - a.updatedMs) / 3_600_000;
    if (ageHours > src.maxAgeHours) {
      flags.push({
        code: 'BALANCE_STALE',
        detail: `${src.venue} pool ${a.pool} ${a.coin} last updated ${new Date(a.updatedMs).toISOString()} (${ageHours.toFixed(1)} h > ${src.maxAgeHours} h)`,
      });
    }
  }
  if (priced === 0)
    throw new BalanceUnavailableError(`${src.venue} pool`, 'no pool coin could be priced in USD');
  // The balance cannot go below zero in the snapshot; the flags above say why it is low.
  return { amountUsd: Math.max(0, total), observations, flags };
}
