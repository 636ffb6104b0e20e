/**
 * Binance USDⓈ-M futures (`fapi`) and European options (`eapi`, a separate host). Unit traps:
 * `openInterest` is in base coin; `quoteVolume` is already USD(T); klines are oldest first with
 * numeric ms timestamps; option `markIV` is a decimal. The options `mark` endpoint carries no open
 * interest, so only the bid filter applies to Binance chains (`bidIV` = 0 means no bid).
 */
import { z } from 'zod';
import type { PoolAsset } from '../balance/balance-reading.ts';
import type { VenueHttpClient } from '../http/venue-http-client.ts';
import {
  bookFrom,
  type DailyCloses,
  type DepthReading,
  dailyClosesFrom,
  depthReading,
  NumericString,
  type OptionChain,
  type OptionQuote,
  type OptionsVenue,
  observation,
  type PerpQuote,
  parseOptionName,
  toNumber,
  type VenueAdapter,
} from './venue-adapter.ts';

const PremiumIndex = z.looseObject({ symbol: z.string(), markPrice: NumericString, time: z.number() });
const OpenInterest = z.looseObject({ symbol: z.string(), openInterest: NumericString, time: z.number() });
const Ticker24h = z.looseObject({ symbol: z.string(), quoteVolume: NumericString, closeTime: z.number() });
const Klines = z.array(
  z.tuple([z.number(), NumericString, NumericString, NumericString, NumericString], z.unknown()),
);
const OptionMarks = z.array(
  z.looseObject({ symbol: z.string(), markIV: NumericString, bidIV: NumericString.optional() }),
);
const OptionIndex = z.looseObject({ time: z.number(), indexPrice: NumericString });
const Level = z.tuple([NumericString, NumericString]);
const Depth = z.looseObject({
  lastUpdateId: z.number(),
  T: z.number().optional(),
  bids: z.array(Level),
  asks: z.array(Level),
});

const V = 'binance';

/** Strips the quote asset: `BTCUSDT` → `BTC`. */
export function binanceBaseCoin(symbol: string): string {
  return symbol.replace(/(USDT|USDC|BUSD|FDUSD)(_\d+)?$/, '');
}

/** Binance adapter. `options` is the `eapi` client (its own host and limits). */
export class BinanceAdapter implements VenueAdapter, OptionsVenue {
  readonly venue = V;
  private readonly http: VenueHttpClient;
  private readonly options: VenueHttpClient;

  constructor(http: VenueHttpClient, options: VenueHttpClient) {
    this.http = http;
    this.options = options;
  }

  async perpQuote(symbol: string, marketId: string): Promise<PerpQuote> {
    const [mark, oi, ticker] = await Promise.all([
      this.http.getJson('/fapi/v1/premiumIndex', { symbol }, PremiumIndex, marketId),
      this.http.getJson('/fapi/v1/openInterest', { symbol }, OpenInterest, marketId),
      this.http.getJson('/fapi/v1/ticker/24hr', { symbol }, Ticker24h, marketId),
    ]);
    const base = binanceBaseCoin(symbol);
    const price = toNumber(mark.data.markPrice, 'markPrice', {
      venue: V,
      endpoint: '/fapi/v1/premiumIndex',
      marketId,
    });
    const oiCoin = toNumber(oi.data.openInterest, 'openInterest', {
      venue: V,
      endpoint: '/fapi/v1/openInterest',
      marketId,
    });
    const volume = toNumber(ticker.data.quoteVolume, 'quoteVolume', {
      venue: V,
      endpoint: '/fapi/v1/ticker/24hr',
      marketId,
    });
    return {
      priceUsd: price,
      openInterestUsd: oiCoin * price,
      dailyVolumeUsd: volume,
      baseCoin: base,
      observations: [
        observation({
          marketId,
          venue: V,
          endpoint: '/fapi/v1/premiumIndex',
          field: 'markPrice',
          rawValue: mark.data.markPrice,
          rawUnit: 'USDT',
          normalised: price,
          fetchedAt: mark.fetchedAt,
          venueTimestamp: mark.data.time,
        }),
        observation({
          marketId,
          venue: V,
          endpoint: '/fapi/v1/openInterest',
          field: 'openInterest',
          rawValue: oi.data.openInterest,
          rawUnit: base,
          normalised: oiCoin * price,
          fetchedAt: oi.fetchedAt,
          venueTimestamp: oi.data.time,
        }),
        observation({
          marketId,
          venue: V,
          endpoint: '/fapi/v1/ticker/24hr',
          field: 'dailyVolume',
          rawValue: ticker.data.quoteVolume,
          rawUnit: 'USDT',
          normalised: volume,
          fetchedAt: ticker.fetchedAt,
          venueTimestamp: ticker.data.closeTime,
        }),
      ],
    };
  }

  async dailyCloses(symbol: string, days: number, asOf: Date, marketId: string): Promise<DailyCloses> {
    const endpoint = '/fapi/v1/klines';
    const query = { symbol, interval: '1d', limit: Math.min(1500, days + 2), endTime: asOf.getTime() };
    const { data, fetchedAt } = await this.http.getJson(endpoint, query, Klines, marketId);
    return dailyClosesFrom(
      data.map((row) => ({ dayMs: row[0], close: Number(row[4]) })),
      {
        days,
        asOf,
        marketId,
        venue: V,
        endpoint,
        rawUnit: 'klines (oldest first)',
        fetchedAt,
      },
    );
  }

  /** `/fapi/v1/depth`, 1000 levels a side (the most it sends), quantities in base coin. */
  async orderBook(symbol: string, marketId: string): Promise<DepthReading> {
    const endpoint = '/fapi/v1/depth';
    const { data, fetchedAt } = await this.http.getJson(endpoint, { symbol, limit: 1000 }, Depth, marketId);
    return depthReading([bookFrom(data.bids, data.asks, 'coin')], {
      marketId,
      venue: V,
      endpoint,
      fetchedAt,
      venueTimestamp: data.T ?? null,
      rawUnit: binanceBaseCoin(symbol),
    });
  }

  /** `underlying` is the base coin (`BTC`); Binance names the options underlying `BTCUSDT`. */
  async optionChain(underlying: string, marketId: string): Promise<OptionChain> {
    const [marks, index] = await Promise.all([
      this.options.getJson('/eapi/v1/mark', {}, OptionMarks, marketId),
      this.options.getJson('/eapi/v1/index', { underlying: `${underlying}USDT` }, OptionIndex, marketId),
    ]);
    const forward = toNumber(index.data.indexPrice, 'indexPrice', {
      venue: 'binanceOptions',
      endpoint: '/eapi/v1/index',
      marketId,
    });
    const quotes: OptionQuote[] = [];
    for (const m of marks.data) {
      if (!m.symbol.startsWith(`${underlying}-`)) continue;
      const parsed = parseOptionName(m.symbol);
      if (parsed === undefined) continue;
      quotes.push({
        instrument: m.symbol,
        ...parsed,
        markIv: Number(m.markIV),
        openInterest: null,
        hasBid: m.bidIV !== undefined && Number(m.bidIV) > 0,
        forward,
      });
    }
    return {
      quotes,
      observations: [
        observation({
          marketId,
          venue: 'binanceOptions',
          endpoint: '/eapi/v1/mark',
          field: 'optionChain',
          rawValue: quotes.length,
          rawUnit: 'quotes (markIV decimal)',
          normalised: quotes.length,
          fetchedAt: marks.fetchedAt,
        }),
        observation({
          marketId,
          venue: 'binanceOptions',
          endpoint: '/eapi/v1/index',
          field: 'optionUnderlying',
          rawValue: index.data.indexPrice,
          rawUnit: 'USDT',
          normalised: forward,
          fetchedAt: index.fetchedAt,
          venueTimestamp: index.data.time,
        }),
      ],
    };
  }
}

const InsurancePools = z.array(
  z.looseObject({
    symbols: z.array(z.string()),
    assets: z.array(
      z.looseObject({ asset: z.string(), marginBalance: NumericString, updateTime: z.number() }),
    ),
  }),
);

/**
 * The insurance-fund pools (`/fapi/v1/insuranceBalance`) whose symbol lists contain one of `pools`;
 * each pool holds several coins, all listed.
 */
export async function binancePoolAssets(
  http: VenueHttpClient,
  pools: readonly string[],
): Promise<PoolAsset[]> {
  const endpoint = '/fapi/v1/insuranceBalance';
  const { data, fetchedAt } = await http.getJson(endpoint, {}, InsurancePools);
  return data
    .filter((pool) => pools.some((p) => pool.symbols.includes(p)))
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
