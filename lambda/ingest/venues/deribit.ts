/**
 * Deribit (JSON-RPC over GET, `/api/v2`). Unit traps: `open_interest` is USD for inverse perpetuals
 * (`BTC-PERPETUAL`) but base coin for linear ones (`SOL_USDC-PERPETUAL`) and options; `mark_iv` and
 * DVOL are in percent; candles are oldest first with numeric ms timestamps.
 */
import { z } from 'zod';
import type { VenueHttpClient } from '../http/venue-http-client.ts';
import {
  bookFrom,
  type DailyCloses,
  type DepthReading,
  dailyClosesFrom,
  depthReading,
  type OptionChain,
  type OptionQuote,
  type OptionsVenue,
  observation,
  type PerpQuote,
  parseOptionName,
  single,
  type VenueAdapter,
  type VolReading,
} from './venue-adapter.ts';

const rpc = <T extends z.ZodType>(result: T) => z.looseObject({ jsonrpc: z.literal('2.0'), result });

const BookSummary = z.looseObject({
  instrument_name: z.string(),
  base_currency: z.string(),
  quote_currency: z.string(),
  mark_price: z.number(),
  open_interest: z.number(),
  volume_usd: z.number().nullable().optional(),
  creation_timestamp: z.number(),
  mark_iv: z.number().nullable().optional(),
  bid_price: z.number().nullable().optional(),
  underlying_price: z.number().nullable().optional(),
});
const BookSummaryResponse = rpc(z.array(BookSummary));
const ChartResponse = rpc(
  z.looseObject({ status: z.string(), ticks: z.array(z.number()), close: z.array(z.number()) }),
);
const VolIndexResponse = rpc(
  z.looseObject({
    data: z.array(z.tuple([z.number(), z.number(), z.number(), z.number(), z.number()])),
    continuation: z.number().nullable().optional(),
  }),
);

const OrderBookResponse = rpc(
  z.looseObject({
    instrument_name: z.string(),
    timestamp: z.number(),
    bids: z.array(z.tuple([z.number(), z.number()])),
    asks: z.array(z.tuple([z.number(), z.number()])),
  }),
);

const V = 'deribit';

/** Deribit adapter: perpetuals, options chains and the DVOL index. */
export class DeribitAdapter implements VenueAdapter, OptionsVenue {
  readonly venue = V;
  private readonly http: VenueHttpClient;

  constructor(http: VenueHttpClient) {
    this.http = http;
  }

  /** Linear contracts carry the settlement coin after an underscore: `SOL_USDC-PERPETUAL`. */
  private static isLinear(instrument: string): boolean {
    return instrument.includes('_');
  }

  async perpQuote(symbol: string, marketId: string): Promise<PerpQuote> {
    const endpoint = '/public/get_book_summary_by_instrument';
    const { data, fetchedAt } = await this.http.getJson(
      endpoint,
      { instrument_name: symbol },
      BookSummaryResponse,
      marketId,
    );
    const s = single(data.result, `summary for ${symbol}`, { venue: V, endpoint, marketId });
    const linear = DeribitAdapter.isLinear(symbol);
    const oiUsd = linear ? s.open_interest * s.mark_price : s.open_interest;
    const volumeUsd = s.volume_usd ?? 0;
    const common = { marketId, venue: V, endpoint, fetchedAt, venueTimestamp: s.creation_timestamp };
    return {
      priceUsd: s.mark_price,
      openInterestUsd: oiUsd,
      dailyVolumeUsd: volumeUsd,
      baseCoin: s.base_currency,
      observations: [
        observation({
          ...common,
          field: 'markPrice',
          rawValue: s.mark_price,
          rawUnit: 'USD',
          normalised: s.mark_price,
        }),
        observation({
          ...common,
          field: 'openInterest',
          rawValue: s.open_interest,
          rawUnit: linear ? s.base_currency : 'USD',
          normalised: oiUsd,
        }),
        observation({
          ...common,
          field: 'dailyVolume',
          rawValue: volumeUsd,
          rawUnit: 'USD',
          normalised: volumeUsd,
        }),
      ],
    };
  }

  async dailyCloses(symbol: string, days: number, asOf: Date, marketId: string): Promise<DailyCloses> {
    const endpoint = '/public/get_tradingview_chart_data';
    const end = asOf.getTime();
    const query = {
      instrument_name: symbol,
      start_timestamp: end - (days + 2) * 86_400_000,
      end_timestamp: end,
      resolution: '1D',
    };
    const { data, fetchedAt } = await this.http.getJson(endpoint, query, ChartResponse, marketId);
    const rows = data.result.ticks.map((t, i) => ({ dayMs: t, close: data.result.close[i] ?? Number.NaN }));
    return dailyClosesFrom(rows, {
      days,
      asOf,
      marketId,
      venue: V,
      endpoint,
      rawUnit: 'candles (oldest first)',
      fetchedAt,
    });
  }

  /**
   * `public/get_order_book` with 1000 levels a side: amounts are USD for inverse perpetuals, base
   * coin for linear (`SOL_USDC-PERPETUAL`).
   */
  async orderBook(symbol: string, marketId: string): Promise<DepthReading> {
    const endpoint = '/public/get_order_book';
    const { data, fetchedAt } = await this.http.getJson(
      endpoint,
      { instrument_name: symbol, depth: 1000 },
      OrderBookResponse,
      marketId,
    );
    const linear = DeribitAdapter.isLinear(symbol);
    return depthReading([bookFrom(data.result.bids, data.result.asks, linear ? 'coin' : 'USD')], {
      marketId,
      venue: V,
      endpoint,
      fetchedAt,
      venueTimestamp: data.result.timestamp,
      rawUnit: linear ? (symbol.split('_')[0] ?? 'coin') : 'USD',
    });
  }

  /** The latest DVOL close for `currency` (percent on the wire), as a decimal. */
  async dvol(currency: string, asOf: Date, marketId: string): Promise<VolReading> {
    const endpoint = '/public/get_volatility_index_data';
    const end = asOf.getTime();
    const query = { currency, start_timestamp: end - 3 * 3_600_000, end_timestamp: end, resolution: 3600 };
    const { data, fetchedAt } = await this.http.getJson(endpoint, query, VolIndexResponse, marketId);
    const latest = data.result.data.reduce<(typeof data.result.data)[number] | undefined>(
      (best, row) => (best === undefined || row[0] > best[0] ? row : best),
      undefined,
    );
    const row = single(latest === undefined ? [] : [latest], `DVOL for ${currency}`, {
      venue: V,
      endpoint,
      marketId,
    });
    const close = row[4];
    return {
      vol: close / 100,
      observations: [
        observation({
          marketId,
          venue: V,
          endpoint,
          field: 'impliedVol',
          rawValue: close,
          rawUnit: 'percent (DVOL)',
          normalised: close / 100,
          fetchedAt,
          venueTimestamp: row[0],
        }),
      ],
    };
  }

  async optionChain(underlying: string, marketId: string): Promise<OptionChain> {
    const endpoint = '/public/get_book_summary_by_currency';
    const { data, fetchedAt } = await this.http.getJson(
      endpoint,
      { currency: underlying, kind: 'option' },
      BookSummaryResponse,
      marketId,
    );
    const quotes: OptionQuote[] = [];
    for (const s of data.result) {
      const parsed = parseOptionName(s.instrument_name);
      if (parsed === undefined || s.mark_iv == null || s.underlying_price == null) continue;
      quotes.push({
        instrument: s.instrument_name,
        ...parsed,
        markIv: s.mark_iv / 100,
        openInterest: s.open_interest,
        hasBid: s.bid_price != null && s.bid_price > 0,
        forward: s.underlying_price,
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
          rawUnit: 'quotes (mark_iv percent)',
          normalised: quotes.length,
          fetchedAt,
        }),
      ],
    };
  }
}
