/**
 * Bybit v5. Unit traps: linear `openInterest` is base coin, ONE side (`openInterestValue` = the same
 * in USD); inverse (`BTCUSD`) `openInterest` is USD contracts and `turnover24h` is in coin; klines
 * come newest first with string ms timestamps; option `markIv` is a decimal.
 */
import { z } from 'zod';
import type { PoolAsset } from '../balance/balance-reading.ts';
import type { VenueHttpClient } from '../http/venue-http-client.ts';
import {
  type DailyCloses,
  dailyClosesFrom,
  MsString,
  NumericString,
  type OptionChain,
  type OptionQuote,
  type OptionsVenue,
  observation,
  type PerpQuote,
  parseOptionName,
  single,
  toNumber,
  type VenueAdapter,
} from './venue-adapter.ts';

const envelope = <T extends z.ZodType>(result: T) =>
  z.looseObject({ retCode: z.literal(0), retMsg: z.string(), result, time: z.number() });

const LinearTicker = z.looseObject({
  symbol: z.string(),
  markPrice: NumericString,
  openInterest: NumericString,
  openInterestValue: NumericString,
  turnover24h: NumericString,
});
const TickersResponse = envelope(z.looseObject({ category: z.string(), list: z.array(LinearTicker) }));
const KlineResponse = envelope(
  z.looseObject({
    list: z.array(
      z.tuple([MsString, NumericString, NumericString, NumericString, NumericString], z.unknown()),
    ),
  }),
);
const OptionTicker = z.looseObject({
  symbol: z.string(),
  bid1Price: NumericString,
  markIv: NumericString,
  underlyingPrice: NumericString,
  openInterest: NumericString,
});
const OptionTickersResponse = envelope(z.looseObject({ list: z.array(OptionTicker) }));

const V = 'bybit';

/** `BTCUSD` (no stablecoin quote) is an inverse contract; `BTCUSDT`, `BTCPERP` are linear. */
function categoryOf(symbol: string): 'linear' | 'inverse' {
  return /(USDT|USDC|PERP)$/.test(symbol) ? 'linear' : 'inverse';
}

/** Bybit adapter. */
export class BybitAdapter implements VenueAdapter, OptionsVenue {
  readonly venue = V;
  private readonly http: VenueHttpClient;

  constructor(http: VenueHttpClient) {
    this.http = http;
  }

  async perpQuote(symbol: string, marketId: string): Promise<PerpQuote> {
    const endpoint = '/v5/market/tickers';
    const category = categoryOf(symbol);
    const { data, fetchedAt } = await this.http.getJson(
      endpoint,
      { category, symbol },
      TickersResponse,
      marketId,
    );
    const ctx = { venue: V, endpoint, marketId };
    const t = single(data.result.list, `ticker for ${symbol}`, ctx);
    const price = toNumber(t.markPrice, 'markPrice', ctx);
    const oiRaw = toNumber(t.openInterest, 'openInterest', ctx);
    const turnover = toNumber(t.turnover24h, 'turnover24h', ctx);
    const base = symbol.replace(/(USDT|USDC|PERP|USD)$/, '');
    const oiUsd = category === 'linear' ? oiRaw * price : oiRaw;
    const volumeUsd = category === 'linear' ? turnover : turnover * price;
    const common = { marketId, venue: V, endpoint, fetchedAt, venueTimestamp: data.time };
    return {
      priceUsd: price,
      openInterestUsd: oiUsd,
      dailyVolumeUsd: volumeUsd,
      baseCoin: base,
      observations: [
        observation({
          ...common,
          field: 'markPrice',
          rawValue: t.markPrice,
          rawUnit: 'USD',
          normalised: price,
        }),
        observation({
          ...common,
          field: 'openInterest',
          rawValue: t.openInterest,
          rawUnit: category === 'linear' ? `${base} (one side)` : 'USD contracts (one side)',
          normalised: oiUsd,
        }),
        observation({
          ...common,
          field: 'dailyVolume',
          rawValue: t.turnover24h,
          rawUnit: category === 'linear' ? 'USD' : base,
          normalised: volumeUsd,
        }),
      ],
    };
  }

  async dailyCloses(symbol: string, days: number, asOf: Date, marketId: string): Promise<DailyCloses> {
    const endpoint = '/v5/market/kline';
    const query = {
      category: categoryOf(symbol),
      symbol,
      interval: 'D',
      limit: Math.min(1000, days + 2),
      end: asOf.getTime(),
    };
    const { data, fetchedAt } = await this.http.getJson(endpoint, query, KlineResponse, marketId);
    // Newest first on the wire; dailyClosesFrom sorts by day.
    return dailyClosesFrom(
      data.result.list.map((row) => ({ dayMs: Number(row[0]), close: Number(row[4]) })),
      {
        days,
        asOf,
        marketId,
        venue: V,
        endpoint,
        rawUnit: 'klines (newest first)',
        fetchedAt,
      },
    );
  }

  async optionChain(underlying: string, marketId: string): Promise<OptionChain> {
    const endpoint = '/v5/market/tickers';
    const { data, fetchedAt } = await this.http.getJson(
      endpoint,
      { category: 'option', baseCoin: underlying },
      OptionTickersResponse,
      marketId,
    );
    const quotes: OptionQuote[] = [];
    for (const t of data.result.list) {
      const parsed = parseOptionName(t.symbol);
      if (parsed === undefined) continue;
      quotes.push({
        instrument: t.symbol,
        ...parsed,
        markIv: Number(t.markIv),
        openInterest: Number(t.openInterest),
        hasBid: Number(t.bid1Price) > 0,
        forward: Number(t.underlyingPrice),
      });
    }
    return {
      quotes,
      observations: [
        observation({
          marketId,
          venue: V,
          endpoint,
          field: 'optionChain',
          rawValue: quotes.length,
          rawUnit: 'quotes (markIv decimal)',
          normalised: quotes.length,
          fetchedAt,
          venueTimestamp: data.time,
        }),
      ],
    };
  }
}

const InsuranceResponse = z.looseObject({
  retCode: z.literal(0),
  result: z.looseObject({
    updatedTime: MsString,
    list: z.array(
      z.looseObject({ coin: z.string(), symbols: z.string(), balance: NumericString, value: NumericString }),
    ),
  }),
});

/**
 * The insurance-fund pools (`/v5/market/insurance`) whose comma-separated symbol list contains one
 * of `pools`; Bybit values each pool in USD itself (`value`), which is used as it is.
 */
export async function bybitPoolAssets(http: VenueHttpClient, pools: readonly string[]): Promise<PoolAsset[]> {
  const endpoint = '/v5/market/insurance';
  const { data, fetchedAt } = await http.getJson(endpoint, {}, InsuranceResponse);
  const updatedMs = Number(data.result.updatedTime);
  return data.result.list
    .filter((pool) => pools.some((p) => pool.symbols.split(',').includes(p)))
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
