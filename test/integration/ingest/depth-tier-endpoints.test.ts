/**
 * The order-book and margin-tier endpoints of each venue against the replay server: the recorded
 * answer normalised (units: coin × price, USD contracts, OKX contracts × ctVal, Bybit percent
 * rates), a malformed answer, and a 429 with Retry-After that is honoured before the retry succeeds.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VenueResponseError } from '../../../lambda/ingest/http/errors.ts';
import { VenueHttpClient } from '../../../lambda/ingest/http/venue-http-client.ts';
import { DEPTH_DISTANCES } from '../../../lambda/ingest/liquidity/depth.ts';
import {
  DEFAULT_FIXTURES_DIR,
  type ReplayServer,
  startReplayServer,
} from '../../../lambda/ingest/replay/replay-server.ts';
import {
  createAdapters,
  VENUE_APIS,
  type VenueAdapters,
  type VenueApi,
} from '../../../lambda/ingest/venues/registry.ts';
import type { VenueAdapter } from '../../../lambda/ingest/venues/venue-adapter.ts';

let replay: ReplayServer;
let adapters: VenueAdapters;
let sleeps: number[] = [];
const fixture = async (path: string) => JSON.parse(await readFile(join(DEFAULT_FIXTURES_DIR, path), 'utf8'));

beforeAll(async () => {
  replay = await startReplayServer();
  const http = Object.fromEntries(
    VENUE_APIS.map((api) => [
      api,
      new VenueHttpClient({
        venue: api,
        baseUrl: replay.baseUrls[api],
        maxRetries: 2,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
        random: () => 0.5,
      }),
    ]),
  ) as Record<VenueApi, VenueHttpClient>;
  adapters = createAdapters(http);
});
afterEach(() => {
  replay.clearFaults();
  sleeps = [];
});
afterAll(async () => {
  await replay.close();
});

type Level = [number, number];
/** Independent of the adapter: the USD within `d` of the book's mid, from raw levels in USD. */
function expectedDepth(bids: Level[], asks: Level[]) {
  const mid = (Math.max(...bids.map((l) => l[0])) + Math.min(...asks.map((l) => l[0]))) / 2;
  return DEPTH_DISTANCES.map((d) => ({
    distance: d,
    bidUsd: bids.filter(([p]) => p >= mid * (1 - d) - 1e-9).reduce((a, [, usd]) => a + usd, 0),
    askUsd: asks.filter(([p]) => p <= mid * (1 + d) + 1e-9).reduce((a, [, usd]) => a + usd, 0),
  }));
}
const closeTo = (
  actual: { bidUsd: number; askUsd: number }[],
  expected: { bidUsd: number; askUsd: number }[],
) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((p, i) => {
    expect(p.bidUsd).toBeCloseTo(expected[i]?.bidUsd as number, 2);
    expect(p.askUsd).toBeCloseTo(expected[i]?.askUsd as number, 2);
  });
};

interface BookCase {
  readonly venue: keyof VenueAdapters;
  readonly symbol: string;
  readonly path: string;
  readonly file: string;
  /** Raw levels of the fixture → [price, USD]. */
  readonly toUsd: (raw: unknown) => { bids: Level[]; asks: Level[] };
  readonly rawUnit: string;
}

const coinLevels = (levels: [string, string][]) =>
  levels.map(([p, q]) => [Number(p), Number(p) * Number(q)] as Level);
const BOOKS: BookCase[] = [
  {
    venue: 'binance',
    symbol: 'BTCUSDT',
    path: '/binance/fapi/v1/depth',
    file: 'binance/fapi/v1/depth/symbol=BTCUSDT.json',
    toUsd: (raw) => {
      const r = raw as { bids: [string, string][]; asks: [string, string][] };
      return { bids: coinLevels(r.bids), asks: coinLevels(r.asks) };
    },
    rawUnit: 'BTC per level; normalised = bid USD within 1% of mid',
  },
  {
    venue: 'bybit',
    symbol: 'SOLUSDT',
    path: '/bybit/v5/market/orderbook',
    file: 'bybit/v5/market/orderbook/category=linear&symbol=SOLUSDT.json',
    toUsd: (raw) => {
      const r = (raw as { result: { b: [string, string][]; a: [string, string][] } }).result;
      return { bids: coinLevels(r.b), asks: coinLevels(r.a) };
    },
    rawUnit: 'SOL per level; normalised = bid USD within 1% of mid',
  },
  {
    venue: 'bybit',
    symbol: 'BTCUSD',
    path: '/bybit/v5/market/orderbook',
    file: 'bybit/v5/market/orderbook/category=inverse&symbol=BTCUSD.json',
    // Inverse: sizes are USD contracts, taken as they are.
    toUsd: (raw) => {
      const r = (raw as { result: { b: [string, string][]; a: [string, string][] } }).result;
      const usd = (l: [string, string][]) => l.map(([p, q]) => [Number(p), Number(q)] as Level);
      return { bids: usd(r.b), asks: usd(r.a) };
    },
    rawUnit: 'USD contracts per level; normalised = bid USD within 1% of mid',
  },
  {
    venue: 'okx',
    symbol: 'ETH-USDT-SWAP',
    path: '/okx/api/v5/market/books',
    file: 'okx/api/v5/market/books/instId=ETH-USDT-SWAP&sz=400.json',
    // Contracts of ctVal 0.1 ETH (from public/instruments).
    toUsd: (raw) => {
      const r = (raw as { data: { bids: string[][]; asks: string[][] }[] }).data[0] as {
        bids: string[][];
        asks: string[][];
      };
      const usd = (l: string[][]) => l.map(([p, sz]) => [Number(p), Number(sz) * 0.1 * Number(p)] as Level);
      return { bids: usd(r.bids), asks: usd(r.asks) };
    },
    rawUnit: 'contracts of 0.1 ETH per level; normalised = bid USD within 1% of mid',
  },
  {
    venue: 'deribit',
    symbol: 'BTC-PERPETUAL',
    path: '/deribit/api/v2/public/get_order_book',
    file: 'deribit/api/v2/public/get_order_book/depth=1000&instrument_name=BTC-PERPETUAL.json',
    // Inverse perpetual: amounts are USD.
    toUsd: (raw) => (raw as { result: { bids: Level[]; asks: Level[] } }).result,
    rawUnit: 'USD per level; normalised = bid USD within 1% of mid',
  },
  {
    venue: 'deribit',
    symbol: 'SOL_USDC-PERPETUAL',
    path: '/deribit/api/v2/public/get_order_book',
    file: 'deribit/api/v2/public/get_order_book/depth=1000&instrument_name=SOL_USDC-PERPETUAL.json',
    // Linear: amounts are SOL.
    toUsd: (raw) => {
      const r = (raw as { result: { bids: Level[]; asks: Level[] } }).result;
      const usd = (l: Level[]) => l.map(([p, a]) => [p, p * a] as Level);
      return { bids: usd(r.bids), asks: usd(r.asks) };
    },
    rawUnit: 'SOL per level; normalised = bid USD within 1% of mid',
  },
];

describe.each(BOOKS)('$venue $symbol order book', (c) => {
  const book = () => (adapters[c.venue] as VenueAdapter).orderBook(c.symbol, 'M');

  it('summarises the recorded book in USD and records where it came from', async () => {
    const raw = c.toUsd(await fixture(c.file));
    const reading = await book();
    closeTo(reading.summary.depthUsd, expectedDepth(raw.bids, raw.asks));
    expect(reading.summary.depthUsd.map((p) => p.distance)).toEqual([0.005, 0.01, 0.02, 0.05, 0.1]);
    expect(reading.observations[0]).toMatchObject({
      marketId: 'M',
      venue: c.venue,
      field: 'depthUsd',
      rawUnit: c.rawUnit,
      normalised: reading.summary.depthUsd[1]?.bidUsd,
    });
    expect(String(reading.observations[0]?.rawValue)).toMatch(
      new RegExp(`^levels ${raw.bids.length}/${raw.asks.length} \\(bids/asks\\); mid `),
    );
  });

  it('reports a malformed answer as such', async () => {
    replay.setFault({ path: c.path }, { body: 'malformed', times: 1 });
    const error = await book().catch((e) => e);
    expect(error).toBeInstanceOf(VenueResponseError);
    expect(error.kind).toBe('malformed');
  });

  it('waits out a 429’s Retry-After, then reads the book', async () => {
    replay.setFault({ path: c.path }, { status: 429, retryAfterSeconds: 2, times: 1 });
    const reading = await book();
    expect(sleeps).toEqual([2000]);
    expect(reading.summary.depthUsd).toHaveLength(5);
  });
});

describe('Bybit risk limits', () => {
  it('reads linear tiers with decimal rates, bounds in USD', async () => {
    const table = await adapters.bybit.marginTiers('XRPUSDT', 'X');
    expect(table.rateUnit).toBe('decimal rates');
    expect(table.tiers.slice(0, 2)).toEqual([
      { upTo: 300_000, upToUnit: 'USD', maintenanceMargin: 0.0066, maxLeverage: 75 },
      { upTo: 1_000_000, upToUnit: 'USD', maintenanceMargin: 0.01, maxLeverage: 50 },
    ]);
    expect(table.tiers).toHaveLength(5);
  });

  it('reads the inverse table’s percent rates (the documented example’s unit), bounds in coin', async () => {
    const raw = await fixture('bybit/v5/market/risk-limit/category=inverse&symbol=BTCUSD.json');
    expect(raw.result.list[0]).toMatchObject({
      maintenanceMargin: '0.5',
      initialMargin: '1',
      maxLeverage: '100.00',
    });
    const table = await adapters.bybit.marginTiers('BTCUSD', 'X');
    expect(table.rateUnit).toBe('percent rates');
    expect(table.tiers[0]).toEqual({
      upTo: 150,
      upToUnit: 'coin',
      maintenanceMargin: 0.005,
      maxLeverage: 100,
    });
    expect(table.tiers[1]?.maintenanceMargin).toBeCloseTo(0.01, 12);
  });

  it('refuses a rate that is neither 1/maxLeverage nor that in percent', async () => {
    const raw = await fixture('bybit/v5/market/risk-limit/category=linear&symbol=SOLUSDT.json');
    raw.result.list[0].initialMargin = '0.05';
    replay.setFault({ path: '/bybit/v5/market/risk-limit' }, { text: JSON.stringify(raw), times: 1 });
    const error = await adapters.bybit.marginTiers('SOLUSDT', 'S').catch((e) => e);
    expect(error).toBeInstanceOf(VenueResponseError);
    expect(error.message).toBe(
      'bybit /v5/market/risk-limit (market S): bad content: risk id 1: initialMargin 0.05 is neither 1/100.00 nor that in percent',
    );
  });

  it('reports a malformed answer and honours a 429’s Retry-After', async () => {
    replay.setFault({ path: '/bybit/v5/market/risk-limit' }, { body: 'schema-violation', times: 1 });
    const error = await adapters.bybit.marginTiers('SOLUSDT', 'S').catch((e) => e);
    expect(error).toMatchObject({ name: 'VenueResponseError', kind: 'schema' });
    replay.setFault({ path: '/bybit/v5/market/risk-limit' }, { status: 429, retryAfterSeconds: 1, times: 1 });
    expect((await adapters.bybit.marginTiers('SOLUSDT', 'S')).tiers[0]?.maxLeverage).toBe(100);
    expect(sleeps).toEqual([1000]);
  });
});

describe('OKX position tiers', () => {
  it('converts maxSz contracts to coin with the instrument’s ctVal', async () => {
    const table = await adapters.okx.marginTiers('BTC-USDT-SWAP', 'B');
    // 20,000 contracts × 0.01 BTC = 200 BTC.
    expect(table.tiers[0]).toEqual({
      upTo: 200,
      upToUnit: 'coin',
      maintenanceMargin: 0.004,
      maxLeverage: 100,
    });
    expect(table.tiers.map((t) => t.maxLeverage)).toEqual([100, 75, 50, 20, 10]);
    const sol = await adapters.okx.marginTiers('SOL-USDT-SWAP', 'S');
    expect(sol.tiers[0]).toEqual({
      upTo: 30_000,
      upToUnit: 'coin',
      maintenanceMargin: 0.0075,
      maxLeverage: 50,
    });
  });

  it('asks for the contract size once per run, for the book and the tiers together', async () => {
    const before = replay.requests().length;
    const fresh = createAdapters(
      Object.fromEntries(
        VENUE_APIS.map((api) => [api, new VenueHttpClient({ venue: api, baseUrl: replay.baseUrls[api] })]),
      ) as Record<VenueApi, VenueHttpClient>,
    );
    await Promise.all([
      fresh.okx.orderBook('ETH-USDT-SWAP', 'E'),
      fresh.okx.marginTiers('ETH-USDT-SWAP', 'E'),
    ]);
    const paths = replay
      .requests()
      .slice(before)
      .map((r) => r.path);
    expect(paths.filter((p) => p === '/okx/api/v5/public/instruments')).toHaveLength(1);
  });

  it('reports a malformed answer and honours a 429’s Retry-After', async () => {
    replay.setFault({ path: '/okx/api/v5/public/position-tiers' }, { body: 'truncated', times: 1 });
    const error = await adapters.okx.marginTiers('ETH-USDT-SWAP', 'E').catch((e) => e);
    expect(error).toMatchObject({ name: 'VenueResponseError', kind: 'malformed' });
    replay.setFault(
      { path: '/okx/api/v5/public/position-tiers' },
      { status: 429, retryAfterSeconds: 3, times: 1 },
    );
    expect((await adapters.okx.marginTiers('ETH-USDT-SWAP', 'E')).tiers).toHaveLength(5);
    expect(sleeps).toEqual([3000]);
  });
});
