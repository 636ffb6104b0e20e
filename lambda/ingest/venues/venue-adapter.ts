/**
 * What every venue adapter returns, already normalised (USD, decimals, oldest-first candles), with
 * the raw numbers kept as observations for the audit trail.
 */
import { z } from 'zod';
import type { Observation } from '../../run/observation.ts';
import { VenueResponseError } from '../http/errors.ts';
import { type DepthSummary, mergeDepth, type OrderBook, summariseDepth } from '../liquidity/depth.ts';
import type { MarginTable } from '../liquidity/tiers.ts';

/** A perpetual's current numbers. `openInterestUsd` is ONE side. */
export interface PerpQuote {
  readonly priceUsd: number;
  readonly openInterestUsd: number;
  readonly dailyVolumeUsd: number;
  /** Base coin of the contract (`BTC`), for pricing insurance-fund coins. */
  readonly baseCoin: string;
  readonly observations: readonly Observation[];
}

/** One daily close, keyed by the UTC day's start in epoch ms. */
export interface DailyClose {
  readonly dayMs: number;
  readonly close: number;
}

/** Daily closes, oldest first, and where they came from. */
export interface DailyCloses {
  readonly closes: readonly DailyClose[];
  readonly observations: readonly Observation[];
}

/** One option quote, normalised: IV as a decimal, expiry in epoch ms. */
export interface OptionQuote {
  readonly instrument: string;
  readonly expiryMs: number;
  readonly strike: number;
  readonly kind: 'C' | 'P';
  /** Mark implied vol, decimal (0.52 = 52%). */
  readonly markIv: number;
  /** Open interest in contracts; null when the venue's endpoint does not give it. */
  readonly openInterest: number | null;
  readonly hasBid: boolean;
  /** Forward / underlying price for this expiry, USD. */
  readonly forward: number;
}

/** An options chain and the observations of its fetch. */
export interface OptionChain {
  readonly quotes: readonly OptionQuote[];
  readonly observations: readonly Observation[];
}

/** A single IV reading (DVOL-like index), decimal. */
export interface VolReading {
  readonly vol: number;
  readonly observations: readonly Observation[];
}

/** A market's order book summarised as `depthUsd`, and the observation recording it. */
export interface DepthReading {
  readonly summary: DepthSummary;
  readonly observations: readonly Observation[];
}

/** A venue's market-data adapter. */
export interface VenueAdapter {
  readonly venue: string;
  /** Price, one-side OI and 24h volume of a perpetual, in USD. */
  perpQuote(symbol: string, marketId: string): Promise<PerpQuote>;
  /** The last `days` + 1 completed daily closes before `asOf`, oldest first. */
  dailyCloses(symbol: string, days: number, asOf: Date, marketId: string): Promise<DailyCloses>;
  /** The L2 book, sizes normalised to USD, summarised at 0.5–10% of mid. */
  orderBook(symbol: string, marketId: string): Promise<DepthReading>;
  /**
   * The market's margin tiers, for venues that publish them (registry `marginTiers: 'endpoint'` or
   * `'quote'`); venues without (Binance needs a signed request) take them from the fund config.
   */
  marginTiers?(symbol: string, marketId: string): Promise<MarginTable>;
}

/** A price level as a venue sends it: price and size, as strings or numbers. */
export type RawLevel = readonly [string | number, string | number, ...unknown[]];

/**
 * Levels in venue units → a book in USD. `unit` is what one unit of size is: `coin` (priced at the
 * level's price) or `USD` (inverse contracts); `contractSize` scales contracts first (OKX `ctVal`).
 */
export function bookFrom(
  bids: readonly RawLevel[],
  asks: readonly RawLevel[],
  unit: 'coin' | 'USD',
  contractSize = 1,
): OrderBook {
  const level = (l: RawLevel) => {
    const price = Number(l[0]);
    const size = Number(l[1]) * contractSize;
    return { price, sizeUsd: unit === 'USD' ? size : size * price };
  };
  return { bids: bids.map(level), asks: asks.map(level) };
}

/**
 * Summarises a market's book (several aggregations of it, finest first, when the venue caps the
 * levels per answer) into a {@link DepthReading} whose observation keeps the raw answer's shape:
 * level counts, best bid and ask, how far the book reaches, and the raw unit.
 * @throws VenueResponseError (`content`) for an empty or crossed book
 */
export function depthReading(
  books: readonly OrderBook[],
  context: {
    readonly marketId: string;
    readonly venue: string;
    readonly endpoint: string;
    readonly fetchedAt: string;
    readonly venueTimestamp?: number | string | null;
    /** What one unit of a level's size is on the wire, e.g. `BTC`, `USD contracts`, `contracts of 0.01 BTC`. */
    readonly rawUnit: string;
  },
): DepthReading {
  const summaries = books.map((b) => {
    const s = summariseDepth(b);
    if ('problem' in s) throw new VenueResponseError(context, 'content', s.problem);
    return s;
  });
  const summary = summaries.length === 1 ? (summaries[0] as DepthSummary) : mergeDepth(summaries);
  const at1 = summary.depthUsd.find((p) => p.distance === 0.01) ?? summary.depthUsd[0];
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const counts = books.map((b) => `${b.bids.length}/${b.asks.length}`).join(' + ');
  return {
    summary,
    observations: [
      observation({
        marketId: context.marketId,
        venue: context.venue,
        endpoint: context.endpoint,
        field: 'depthUsd',
        rawValue: `levels ${counts} (bids/asks); mid ${summary.mid}; reach ${pct(summary.reach.bid)} bid, ${pct(summary.reach.ask)} ask`,
        rawUnit: `${context.rawUnit} per level; normalised = bid USD within 1% of mid`,
        normalised: at1?.bidUsd ?? 0,
        fetchedAt: context.fetchedAt,
        venueTimestamp: context.venueTimestamp ?? null,
      }),
    ],
  };
}

/** A venue that lists options (for 30-day ATM IV). */
export interface OptionsVenue {
  optionChain(underlying: string, marketId: string): Promise<OptionChain>;
}

/** A decimal number sent as a string (Bybit, OKX, Binance). Kept as a string for the raw record. */
export const NumericString = z.string().regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/, 'expected a numeric string');

/** Epoch-ms timestamp sent as a string (Bybit, OKX). */
export const MsString = z.string().regex(/^\d{10,14}$/, 'expected epoch milliseconds as a string');

/** Builds an observation record. */
export function observation(
  fields: Omit<Observation, 'venueTimestamp'> & { venueTimestamp?: number | string | null },
): Observation {
  const ts = fields.venueTimestamp;
  const venueTimestamp =
    ts === undefined || ts === null || ts === '' ? null : new Date(Number(ts)).toISOString();
  return { ...fields, venueTimestamp };
}

/** Start of the UTC day containing `ms`. */
export function utcDay(ms: number): number {
  return Math.floor(ms / 86_400_000) * 86_400_000;
}

/**
 * Keeps completed days strictly before `asOf`'s day, one close per day (last wins), oldest first,
 * at most `days + 1` of them — so `days` log returns.
 */
export function completedCloses(rows: readonly DailyClose[], days: number, asOf: Date): DailyClose[] {
  const today = utcDay(asOf.getTime());
  const byDay = new Map<number, number>();
  for (const row of rows) {
    const day = utcDay(row.dayMs);
    if (day < today && Number.isFinite(row.close) && row.close > 0) byDay.set(day, row.close);
  }
  return [...byDay.entries()]
    .sort((a, b) => a[0] - b[0])
    .slice(-(days + 1))
    .map(([dayMs, close]) => ({ dayMs, close }));
}

/**
 * The {@link DailyCloses} answer of an adapter: the completed closes of `rows` (any order) and one
 * observation recording how many there were, the venue's row order and the last close.
 */
export function dailyClosesFrom(
  rows: readonly DailyClose[],
  request: {
    readonly days: number;
    readonly asOf: Date;
    readonly marketId: string;
    readonly venue: string;
    readonly endpoint: string;
    /** What the venue sent, e.g. `klines (newest first)`. */
    readonly rawUnit: string;
    readonly fetchedAt: string;
  },
): DailyCloses {
  const closes = completedCloses(rows, request.days, request.asOf);
  const last = closes.at(-1);
  return {
    closes,
    observations: [
      observation({
        marketId: request.marketId,
        venue: request.venue,
        endpoint: request.endpoint,
        field: 'dailyCloses',
        rawValue: closes.length,
        rawUnit: request.rawUnit,
        normalised: last?.close ?? 0,
        fetchedAt: request.fetchedAt,
        venueTimestamp: last?.dayMs ?? null,
      }),
    ],
  };
}

const MONTHS: Record<string, number> = {
  JAN: 0,
  FEB: 1,
  MAR: 2,
  APR: 3,
  MAY: 4,
  JUN: 5,
  JUL: 6,
  AUG: 7,
  SEP: 8,
  OCT: 9,
  NOV: 10,
  DEC: 11,
};

/** Options expire at 08:00 UTC on every venue here. */
const EXPIRY_HOUR_UTC = 8;

/** Parses `27NOV26` (Deribit, Bybit) or `261127` (OKX, Binance) into the 08:00 UTC expiry, ms. */
export function parseExpiry(code: string): number | undefined {
  let m = /^(\d{1,2})([A-Z]{3})(\d{2})$/.exec(code);
  if (m !== null) {
    const month = MONTHS[m[2] ?? ''];
    if (month === undefined) return undefined;
    return Date.UTC(2000 + Number(m[3]), month, Number(m[1]), EXPIRY_HOUR_UTC);
  }
  m = /^(\d{2})(\d{2})(\d{2})$/.exec(code);
  if (m !== null) return Date.UTC(2000 + Number(m[1]), Number(m[2]) - 1, Number(m[3]), EXPIRY_HOUR_UTC);
  return undefined;
}

/**
 * Splits an option name into expiry, strike and kind. The expiry code is the part right after the
 * underlying prefix: `BTC-27NOV26-95000-C`, `BTC-USD-261127-95000-C`, `BTC-261127-95000-C`,
 * `BTC-27NOV26-95000-C-USDT`.
 */
export function parseOptionName(
  name: string,
): { expiryMs: number; strike: number; kind: 'C' | 'P' } | undefined {
  const parts = name.split('-');
  const kindIndex = parts.findIndex((p, i) => i >= 2 && (p === 'C' || p === 'P'));
  if (kindIndex < 2) return undefined;
  const strike = Number(parts[kindIndex - 1]);
  const expiryMs = parseExpiry(parts[kindIndex - 2] ?? '');
  if (expiryMs === undefined || !Number.isFinite(strike) || strike <= 0) return undefined;
  return { expiryMs, strike, kind: parts[kindIndex] as 'C' | 'P' };
}

/** Converts a venue string to a number, or throws a content error naming the field. */
export function toNumber(
  raw: string | number,
  field: string,
  context: { venue: string; endpoint: string; marketId?: string },
): number {
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isFinite(n))
    throw new VenueResponseError(context, 'content', `${field} is not a number: ${JSON.stringify(raw)}`);
  return n;
}

/** The first element of a list, or a content error when the venue returned none. */
export function single<T>(
  list: readonly T[],
  what: string,
  context: { venue: string; endpoint: string; marketId?: string },
): T {
  const first = list[0];
  if (first === undefined) throw new VenueResponseError(context, 'content', `no ${what} in the answer`);
  return first;
}
