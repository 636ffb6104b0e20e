/**
 * A venue's public insurance fund as the fund balance: the registry's pool reader of the venue
 * (Binance `insuranceBalance` pools, Bybit `market/insurance` pools, OKX `insurance-fund` per
 * instrument family, …) summed over the configured pools and coins, priced in USD, with the venue's
 * update time kept and an old one flagged stale.
 */
import type { BalanceSource } from '../../config/fund-config.ts';
import type { DataFlag, Observation } from '../../run/observation.ts';
import type { VenueHttpClient } from '../http/venue-http-client.ts';
import { poolReaderOf, type VenueApi } from '../venues/registry.ts';
import { observation } from '../venues/venue-adapter.ts';
import { type BalanceReading, BalanceUnavailableError, type PriceBook } from './balance-reading.ts';

type VenuePoolSource = Extract<BalanceSource, { type: 'venue-pool' }>;

/**
 * Reads and sums a venue insurance fund.
 * @param http - the run's HTTP clients, by venue API
 * @param asOf - the run's time, to judge the pool's update age against `maxAgeHours`
 * @throws BalanceUnavailableError when no configured pool is found or no coin can be priced
 */
export async function readVenuePool(
  http: Readonly<Partial<Record<VenueApi, VenueHttpClient>>>,
  src: VenuePoolSource,
  prices: PriceBook,
  asOf: Date,
): Promise<BalanceReading> {
  const reader = poolReaderOf(src.venue);
  const client = http[reader.api];
  if (client === undefined) throw new BalanceUnavailableError(`${src.venue} pool`, `no ${reader.api} client`);
  const assets = (await reader.read(client, src.pools)).filter(
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
