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
import type { MarginTable } from '../liquidity/tiers.ts';
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

const Level = z.tuple([NumericString, NumericString], z.string());
const Books = envelope(z.looseObject({ bids: z.array(Level), asks: z.array(Level), ts: MsString }));
const Instruments = envelope(
  z.looseObject({
    instId: z.string(),
    ctVal: NumericString,
    ctValCcy: z.string(),
    ctType: z.string().optional(),
  }),
);
const PositionTiers = envelope(
  z.looseObject({
    instFamily: z.string(),
    tier: z.string(),
    maxSz: NumericString,
    mmr: NumericString,
    imr: NumericString,
    maxLever: NumericString,
  }),
);

/** A swap's contract: `ctVal` units of `ctValCcy` (coin for linear swaps, USD for inverse). */
interface Contract {
  readonly ctVal: number;
  readonly ctValCcy: string;
}

const V = 'okx';

/** OKX adapter. */
export class OkxAdapter implements VenueAdapter, OptionsVenue {
  readonly venue = V;
  /** Contract specs fetched once per run (the book and the tiers both need them). */
  private readonly contracts = new Map<string, Promise<Contract>>();
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

  /** `public/instruments`: the contract size of a swap, once per run. */
  private contract(instId: string, marketId: string): Promise<Contract> {
    let c = this.contracts.get(instId);
    if (c === undefined) {
      const endpoint = '/api/v5/public/instruments';
      c = this.http
        .getJson(endpoint, { instType: 'SWAP', instId }, Instruments, marketId)
        .then(({ data }) => {
          const row = single(data.data, `instrument ${instId}`, { venue: V, endpoint, marketId });
          return {
            ctVal: toNumber(row.ctVal, 'ctVal', { venue: V, endpoint, marketId }),
            ctValCcy: row.ctValCcy,
          };
        });
      this.contracts.set(instId, c);
    }
    return c;
  }

  /**
   * `market/books` with 400 levels a side (the most it sends): sizes are contracts of `ctVal`
   * `ctValCcy` — coin for linear swaps, USD for inverse ones.
   */
  async orderBook(symbol: string, marketId: string): Promise<DepthReading> {
    const endpoint = '/api/v5/market/books';
    const [books, contract] = await Promise.all([
      this.http.getJson(endpoint, { instId: symbol, sz: 400 }, Books, marketId),
      this.contract(symbol, marketId),
    ]);
    const b = single(books.data.data, `book of ${symbol}`, { venue: V, endpoint, marketId });
    const unit = contract.ctValCcy === 'USD' ? 'USD' : 'coin';
    return depthReading([bookFrom(b.bids, b.asks, unit, contract.ctVal)], {
      marketId,
      venue: V,
      endpoint,
      fetchedAt: books.fetchedAt,
      venueTimestamp: b.ts,
      rawUnit: `contracts of ${contract.ctVal} ${contract.ctValCcy}`,
    });
  }

  /**
   * `public/position-tiers` (cross margin) of the swap's family: tiers up to `maxSz` contracts,
   * converted with the contract size to coin (linear) or USD (inverse).
   */
  async marginTiers(symbol: string, marketId: string): Promise<MarginTable> {
    const endpoint = '/api/v5/public/position-tiers';
    const family = symbol.replace(/-SWAP$/, '');
    const [tiers, contract] = await Promise.all([
      this.http.getJson(
        endpoint,
        { instType: 'SWAP', tdMode: 'cross', instFamily: family },
        PositionTiers,
        marketId,
      ),
      this.contract(symbol, marketId),
    ]);
    const ctx = { venue: V, endpoint, marketId };
    return {
      endpoint,
      fetchedAt: tiers.fetchedAt,
      rateUnit: 'decimal rates',
      tiers: tiers.data.data
        .filter((t) => t.instFamily === family)
        .sort((a, b) => Number(a.tier) - Number(b.tier))
        .map((t) => ({
          upTo: toNumber(t.maxSz, 'maxSz', ctx) * contract.ctVal,
          upToUnit: contract.ctValCcy === 'USD' ? 'USD' : 'coin',
          maintenanceMargin: toNumber(t.mmr, 'mmr', ctx),
          maxLeverage: toNumber(t.maxLever, 'maxLever', ctx),
        })),
    };
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
