/**
 * Bybit v5. Unit traps: linear `openInterest` is base coin, ONE side (`openInterestValue` = the same
 * in USD); inverse (`BTCUSD`) `openInterest` is USD contracts and `turnover24h` is in coin; klines
 * come newest first with string ms timestamps; option `markIv` is a decimal.
 */
import { z } from 'zod';
import type { PoolAsset } from '../balance/balance-reading.ts';
import { VenueResponseError } from '../http/errors.ts';
import type { VenueHttpClient } from '../http/venue-http-client.ts';
import type { MarginTable } from '../liquidity/tiers.ts';
import { marginRates } from '../liquidity/tiers.ts';
import {
  bookFrom,
  type DailyCloses,
  type DepthReading,
  dailyClosesFrom,
  depthReading,
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
const Level = z.tuple([NumericString, NumericString]);
const OrderbookResponse = envelope(
  z.looseObject({ s: z.string(), b: z.array(Level), a: z.array(Level), ts: z.number() }),
);
/** Documented as numbers, sent as strings: accept both. */
const Rate = z.union([NumericString, z.number()]);
const RiskLimitResponse = envelope(
  z.looseObject({
    list: z.array(
      z.looseObject({
        id: z.number(),
        symbol: z.string(),
        riskLimitValue: NumericString,
        maintenanceMargin: Rate,
        initialMargin: Rate,
        maxLeverage: NumericString,
      }),
    ),
  }),
);

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

  /**
   * `/v5/market/orderbook`, 500 levels a side (the most a contract sends). Linear sizes are base
   * coin; inverse sizes are USD contracts.
   */
  async orderBook(symbol: string, marketId: string): Promise<DepthReading> {
    const endpoint = '/v5/market/orderbook';
    const category = categoryOf(symbol);
    const { data, fetchedAt } = await this.http.getJson(
      endpoint,
      { category, symbol, limit: 500 },
      OrderbookResponse,
      marketId,
    );
    const base = symbol.replace(/(USDT|USDC|PERP|USD)$/, '');
    return depthReading([bookFrom(data.result.b, data.result.a, category === 'linear' ? 'coin' : 'USD')], {
      marketId,
      venue: V,
      endpoint,
      fetchedAt,
      venueTimestamp: data.result.ts,
      rawUnit: category === 'linear' ? base : 'USD contracts',
    });
  }

  /**
   * `/v5/market/risk-limit`: tiers up to `riskLimitValue` (USD for linear, coin for inverse). The
   * margin rates come as decimals on the live linear answers but in percent in the documented
   * (inverse) example; {@link marginRates} tells them apart by the initial margin = 1/maxLeverage.
   */
  async marginTiers(symbol: string, marketId: string): Promise<MarginTable> {
    const endpoint = '/v5/market/risk-limit';
    const category = categoryOf(symbol);
    const { data, fetchedAt } = await this.http.getJson(
      endpoint,
      { category, symbol },
      RiskLimitResponse,
      marketId,
    );
    const ctx = { venue: V, endpoint, marketId };
    const units = new Set<string>();
    const tiers = data.result.list
      .filter((r) => r.symbol === symbol)
      .sort((a, b) => a.id - b.id)
      .map((r) => {
        const maxLeverage = toNumber(r.maxLeverage, 'maxLeverage', ctx);
        const rates = marginRates(
          toNumber(r.initialMargin, 'initialMargin', ctx),
          toNumber(r.maintenanceMargin, 'maintenanceMargin', ctx),
          maxLeverage,
        );
        if (rates === undefined) {
          throw new VenueResponseError(
            ctx,
            'content',
            `risk id ${r.id}: initialMargin ${r.initialMargin} is neither 1/${r.maxLeverage} nor that in percent`,
          );
        }
        units.add(rates.unit);
        return {
          upTo: toNumber(r.riskLimitValue, 'riskLimitValue', ctx),
          upToUnit: category === 'linear' ? ('USD' as const) : ('coin' as const),
          maintenanceMargin: rates.maintenance,
          maxLeverage,
        };
      });
    return { endpoint, fetchedAt, rateUnit: `${[...units].join('/')} rates`, tiers };
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
