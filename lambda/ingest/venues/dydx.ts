/**
 * dYdX v4: market data from the indexer (`https://indexer.dydx.trade/v4`), the insurance fund from a
 * node's bank module (Cosmos REST). Unit traps: numbers are strings; `openInterest` is in coin (one
 * side), `volume24H` in USD; the margin is a pair of fractions (`initialMarginFraction` = 1 /
 * maxLeverage, `maintenanceMarginFraction`) in the market answer itself; candles come newest first
 * with ISO `startedAt`; the insurance fund holds USDC as an IBC denom in micro-units (6 decimals).
 */
import { z } from 'zod';
import type { PoolAsset } from '../balance/balance-reading.ts';
import type { VenueHttpClient } from '../http/venue-http-client.ts';
import type { MarginTable } from '../liquidity/tiers.ts';
import {
  bookFrom,
  type DailyCloses,
  type DepthReading,
  dailyClosesFrom,
  depthReading,
  NumericString,
  observation,
  type PerpQuote,
  single,
  toNumber,
  type VenueAdapter,
} from './venue-adapter.ts';

const PerpetualMarket = z.looseObject({
  ticker: z.string(),
  status: z.string(),
  oraclePrice: NumericString,
  volume24H: NumericString,
  openInterest: NumericString,
  initialMarginFraction: NumericString,
  maintenanceMarginFraction: NumericString,
});
const PerpetualMarkets = z.looseObject({ markets: z.record(z.string(), PerpetualMarket) });
const Level = z.looseObject({ price: NumericString, size: NumericString });
const Orderbook = z.looseObject({ bids: z.array(Level), asks: z.array(Level) });
const Candles = z.looseObject({
  candles: z.array(z.looseObject({ startedAt: z.iso.datetime({ offset: true }), close: NumericString })),
});
const Balances = z.looseObject({
  balances: z.array(z.looseObject({ denom: z.string(), amount: z.string().regex(/^\d+$/) })),
});

const V = 'dydx';

/** Denominations the insurance fund holds: USDC over IBC (Noble) and the chain's own token. */
export const DYDX_DENOMS: Readonly<Record<string, { readonly coin: string; readonly decimals: number }>> = {
  'ibc/8E27BA2D5493AF5636760E354E46004562C46AB7EC0CC4C1CA14E9E20E2545B5': { coin: 'USDC', decimals: 6 },
  adydx: { coin: 'DYDX', decimals: 18 },
};

/** dYdX v4 adapter over the indexer. `symbol` is the ticker: `BTC-USD`. */
export class DydxAdapter implements VenueAdapter {
  readonly venue = V;
  private readonly http: VenueHttpClient;
  /** One market answer per ticker and run: the quote and the margin read the same one. */
  private readonly markets = new Map<
    string,
    Promise<{ market: z.infer<typeof PerpetualMarket>; fetchedAt: string }>
  >();

  constructor(http: VenueHttpClient) {
    this.http = http;
  }

  private market(ticker: string, marketId: string) {
    let m = this.markets.get(ticker);
    if (m === undefined) {
      const endpoint = '/perpetualMarkets';
      m = this.http.getJson(endpoint, { ticker }, PerpetualMarkets, marketId).then(({ data, fetchedAt }) => {
        const found = Object.values(data.markets).filter((x) => x.ticker === ticker);
        return { market: single(found, `market ${ticker}`, { venue: V, endpoint, marketId }), fetchedAt };
      });
      // A failed answer is not kept: the margin read may ask again.
      m.catch(() => this.markets.delete(ticker));
      this.markets.set(ticker, m);
    }
    return m;
  }

  async perpQuote(symbol: string, marketId: string): Promise<PerpQuote> {
    const { market, fetchedAt } = await this.market(symbol, marketId);
    const c = { venue: V, endpoint: '/perpetualMarkets', marketId };
    const price = toNumber(market.oraclePrice, 'oraclePrice', c);
    const oiCoin = toNumber(market.openInterest, 'openInterest', c);
    const volume = toNumber(market.volume24H, 'volume24H', c);
    const base = symbol.split('-')[0] ?? symbol;
    const common = { marketId, venue: V, endpoint: c.endpoint, fetchedAt };
    return {
      priceUsd: price,
      openInterestUsd: oiCoin * price,
      dailyVolumeUsd: volume,
      baseCoin: base,
      observations: [
        observation({
          ...common,
          field: 'markPrice',
          rawValue: market.oraclePrice,
          rawUnit: 'USD (oracle)',
          normalised: price,
        }),
        observation({
          ...common,
          field: 'openInterest',
          rawValue: market.openInterest,
          rawUnit: `${base} (one side)`,
          normalised: oiCoin * price,
        }),
        observation({
          ...common,
          field: 'dailyVolume',
          rawValue: market.volume24H,
          rawUnit: 'USD',
          normalised: volume,
        }),
      ],
    };
  }

  async dailyCloses(symbol: string, days: number, asOf: Date, marketId: string): Promise<DailyCloses> {
    const endpoint = `/candles/perpetualMarkets/${symbol}`;
    // The indexer serves at most 100 candles per call (API_LIMIT_V4): a longer history is cut there.
    const query = { resolution: '1DAY', limit: Math.min(100, days + 2), toISO: asOf.toISOString() };
    const { data, fetchedAt } = await this.http.getJson(endpoint, query, Candles, marketId);
    return dailyClosesFrom(
      data.candles.map((k) => ({ dayMs: Date.parse(k.startedAt), close: Number(k.close) })),
      { days, asOf, marketId, venue: V, endpoint, rawUnit: 'candles (newest first)', fetchedAt },
    );
  }

  /** `/orderbooks/perpetualMarket/{ticker}`: sizes in coin, at most 100 levels a side. */
  async orderBook(symbol: string, marketId: string): Promise<DepthReading> {
    const endpoint = `/orderbooks/perpetualMarket/${symbol}`;
    const { data, fetchedAt } = await this.http.getJson(endpoint, {}, Orderbook, marketId);
    const levels = (side: readonly z.infer<typeof Level>[]) => side.map((l) => [l.price, l.size] as const);
    return depthReading([bookFrom(levels(data.bids), levels(data.asks), 'coin')], {
      marketId,
      venue: V,
      endpoint,
      fetchedAt,
      rawUnit: symbol.split('-')[0] ?? 'coin',
    });
  }

  /**
   * The market's margin from the same `/perpetualMarkets` answer: one tier, maximum leverage =
   * 1 / initialMarginFraction, maintenance = maintenanceMarginFraction. (Isolated markets scale the
   * initial fraction with open interest; the base fractions are what the answer carries.)
   */
  async marginTiers(symbol: string, marketId: string): Promise<MarginTable> {
    const { market, fetchedAt } = await this.market(symbol, marketId);
    const c = { venue: V, endpoint: '/perpetualMarkets', marketId };
    const imf = toNumber(market.initialMarginFraction, 'initialMarginFraction', c);
    const mmf = toNumber(market.maintenanceMarginFraction, 'maintenanceMarginFraction', c);
    return {
      endpoint: c.endpoint,
      fetchedAt,
      rateUnit: 'decimal fractions',
      tiers: [
        { upTo: Number.POSITIVE_INFINITY, upToUnit: 'USD', maintenanceMargin: mmf, maxLeverage: 1 / imf },
      ],
    };
  }
}

/**
 * dYdX's insurance fund: the bank balances of its module account (`pools` = account addresses,
 * `dydx1c7ptc87hkd54e3r7zjy92q29xkq7t79w64slrq` on mainnet) from a node's Cosmos REST API, in coins by
 * {@link DYDX_DENOMS} (an unknown denomination is listed under its own name and left unpriced). On-chain
 * state is current, so its time is the fetch time.
 */
export async function dydxPoolAssets(http: VenueHttpClient, pools: readonly string[]): Promise<PoolAsset[]> {
  const all = await Promise.all(
    pools.map(async (address) => {
      const endpoint = `/cosmos/bank/v1beta1/balances/${address}`;
      const { data, fetchedAt } = await http.getJson(endpoint, {}, Balances);
      return data.balances.map((b) => {
        const denom = DYDX_DENOMS[b.denom];
        const amount = denom === undefined ? Number(b.amount) : Number(b.amount) / 10 ** denom.decimals;
        return {
          pool: address,
          coin: denom?.coin ?? b.denom,
          amount,
          updatedMs: Date.parse(fetchedAt),
          endpoint: '/cosmos/bank/v1beta1/balances',
          raw: b.amount,
          fetchedAt,
        };
      });
    }),
  );
  return all.flat();
}
