/**
 * OKX v5. Unit traps: open interest comes as contracts (`oi`), coin (`oiCcy`) and USD (`oiUsd`) —
 * the USD figure is used, contracts kept in the record; a swap's `volCcy24h` is in base coin, so it is
 * priced at the mark; candles are newest first with string ms timestamps and a `confirm` flag ("0" =
 * the still-open candle); option `markVol` is a decimal and the chain has no OI, which comes from
 * `public/open-interest?instType=OPTION`.
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

const envelope = <T extends z.ZodType>(item: T) =>
  z.looseObject({ code: z.literal('0'), msg: z.string(), data: z.array(item) });

const MarkPrice = envelope(z.looseObject({ instId: z.string(), markPx: NumericString, ts: MsString }));
const OpenInterest = envelope(
  z.looseObject({
    instId: z.string(),
    oi: NumericString,
    oiCcy: NumericString,
    oiUsd: NumericString,
    ts: MsString,
  }),
);
const Ticker = envelope(z.looseObject({ instId: z.string(), volCcy24h: NumericString, ts: MsString }));
const Candles = envelope(
  z.tuple([MsString, NumericString, NumericString, NumericString, NumericString], z.string()),
);
const OptSummary = envelope(
  z.looseObject({
    instId: z.string(),
    markVol: NumericString,
    bidVol: NumericString,
    fwdPx: NumericString,
    ts: MsString,
  }),
);

const V = 'okx';

/** OKX adapter. */
export class OkxAdapter implements VenueAdapter, OptionsVenue {
  readonly venue = V;
  private readonly http: VenueHttpClient;

  constructor(http: VenueHttpClient) {
    this.http = http;
  }

  async perpQuote(symbol: string, marketId: string): Promise<PerpQuote> {
    const [mark, oi, ticker] = await Promise.all([
      this.http.getJson(
        '/api/v5/public/mark-price',
        { instType: 'SWAP', instId: symbol },
        MarkPrice,
        marketId,
      ),
      this.http.getJson(
        '/api/v5/public/open-interest',
        { instType: 'SWAP', instId: symbol },
        OpenInterest,
        marketId,
      ),
      this.http.getJson('/api/v5/market/ticker', { instId: symbol }, Ticker, marketId),
    ]);
    const m = single(mark.data.data, `mark price of ${symbol}`, {
      venue: V,
      endpoint: '/api/v5/public/mark-price',
      marketId,
    });
    const o = single(oi.data.data, `open interest of ${symbol}`, {
      venue: V,
      endpoint: '/api/v5/public/open-interest',
      marketId,
    });
    const t = single(ticker.data.data, `ticker of ${symbol}`, {
      venue: V,
      endpoint: '/api/v5/market/ticker',
      marketId,
    });
    const price = toNumber(m.markPx, 'markPx', { venue: V, endpoint: '/api/v5/public/mark-price', marketId });
    const oiUsd = toNumber(o.oiUsd, 'oiUsd', {
      venue: V,
      endpoint: '/api/v5/public/open-interest',
      marketId,
    });
    const volCoin = toNumber(t.volCcy24h, 'volCcy24h', {
      venue: V,
      endpoint: '/api/v5/market/ticker',
      marketId,
    });
    const base = symbol.split('-')[0] ?? symbol;
    return {
      priceUsd: price,
      openInterestUsd: oiUsd,
      dailyVolumeUsd: volCoin * price,
      baseCoin: base,
      observations: [
        observation({
          marketId,
          venue: V,
          endpoint: '/api/v5/public/mark-price',
          field: 'markPrice',
          rawValue: m.markPx,
          rawUnit: 'USD',
          normalised: price,
          fetchedAt: mark.fetchedAt,
          venueTimestamp: m.ts,
        }),
        observation({
          marketId,
          venue: V,
          endpoint: '/api/v5/public/open-interest',
          field: 'openInterest',
          rawValue: o.oiUsd,
          rawUnit: `USD (oi ${o.oi} contracts, oiCcy ${o.oiCcy} ${base})`,
          normalised: oiUsd,
          fetchedAt: oi.fetchedAt,
          venueTimestamp: o.ts,
        }),
        observation({
          marketId,
          venue: V,
          endpoint: '/api/v5/market/ticker',
          field: 'dailyVolume',
          rawValue: t.volCcy24h,
          rawUnit: base,
          normalised: volCoin * price,
          fetchedAt: ticker.fetchedAt,
          venueTimestamp: t.ts,
        }),
      ],
    };
  }

  async dailyCloses(symbol: string, days: number, asOf: Date, marketId: string): Promise<DailyCloses> {
    const endpoint = '/api/v5/market/candles';
    // OKX serves at most 300 candles per call; longer histories are cut to 300 (documented).
    const query = { instId: symbol, bar: '1Dutc', limit: Math.min(300, days + 2), after: asOf.getTime() };
    const { data, fetchedAt } = await this.http.getJson(endpoint, query, Candles, marketId);
    const rows = data.data
      .filter((row) => row[8] !== '0')
      .map((row) => ({ dayMs: Number(row[0]), close: Number(row[4]) }));
    return dailyClosesFrom(rows, {
      days,
      asOf,
      marketId,
      venue: V,
      endpoint,
      rawUnit: 'candles (newest first)',
      fetchedAt,
    });
  }

  /** `underlying` is the option family, e.g. `BTC-USD`. */
  async optionChain(underlying: string, marketId: string): Promise<OptionChain> {
    const [summary, oi] = await Promise.all([
      this.http.getJson('/api/v5/public/opt-summary', { instFamily: underlying }, OptSummary, marketId),
      this.http.getJson(
        '/api/v5/public/open-interest',
        { instType: 'OPTION', instFamily: underlying },
        OpenInterest,
        marketId,
      ),
    ]);
    const oiById = new Map(oi.data.data.map((o) => [o.instId, Number(o.oi)]));
    const quotes: OptionQuote[] = [];
    for (const s of summary.data.data) {
      const parsed = parseOptionName(s.instId);
      if (parsed === undefined) continue;
      quotes.push({
        instrument: s.instId,
        ...parsed,
        markIv: Number(s.markVol),
        openInterest: oiById.get(s.instId) ?? 0,
        hasBid: Number(s.bidVol) > 0,
        forward: Number(s.fwdPx),
      });
    }
    return {
      quotes,
      observations: [
        observation({
          marketId,
          venue: V,
          endpoint: '/api/v5/public/opt-summary',
          field: 'optionChain',
          rawValue: quotes.length,
          rawUnit: 'quotes (markVol decimal)',
          normalised: quotes.length,
          fetchedAt: summary.fetchedAt,
        }),
      ],
    };
  }
}

const InsuranceFund = envelope(
  z.looseObject({
    instFamily: z.string().optional(),
    details: z.array(z.looseObject({ balance: NumericString, ccy: z.string(), ts: MsString })),
  }),
);

/**
 * The insurance fund of each instrument family in `pools` (`/api/v5/public/insurance-fund`). Its
 * details are a history of entries: the newest per currency is the current balance.
 */
export async function okxPoolAssets(http: VenueHttpClient, pools: readonly string[]): Promise<PoolAsset[]> {
  const endpoint = '/api/v5/public/insurance-fund';
  const out: PoolAsset[] = [];
  for (const family of pools) {
    const { data, fetchedAt } = await http.getJson(
      endpoint,
      { instType: 'SWAP', instFamily: family },
      InsuranceFund,
    );
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
