/**
 * The DeFi venues against the replay server: Hyperliquid (`POST /info`: metaAndAssetCtxs, l2Book,
 * candleSnapshot, clearinghouseState) and dYdX v4 (indexer perpetualMarkets, orderbooks, candles; a
 * node's bank balances) — each endpoint's recorded answer normalised with its unit traps, a malformed
 * answer, and a 429 whose Retry-After is honoured.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VenueResponseError } from '../../../lambda/ingest/http/errors.ts';
import { VenueHttpClient } from '../../../lambda/ingest/http/venue-http-client.ts';
import {
  DEFAULT_FIXTURES_DIR,
  type ReplayServer,
  startReplayServer,
} from '../../../lambda/ingest/replay/replay-server.ts';
import { dydxPoolAssets } from '../../../lambda/ingest/venues/dydx.ts';
import { hyperliquidPoolAssets } from '../../../lambda/ingest/venues/hyperliquid.ts';
import {
  createAdapters,
  VENUE_APIS,
  type VenueAdapters,
  type VenueApi,
} from '../../../lambda/ingest/venues/registry.ts';

const AS_OF = new Date('2026-11-22T00:00:00Z');
const DAY = 86_400_000;
const HLP = '0xdfc24b077bc1425ad1dea75bcb6f8158e10df303';
const DYDX_FUND = 'dydx1c7ptc87hkd54e3r7zjy92q29xkq7t79w64slrq';
let replay: ReplayServer;
let http: Record<VenueApi, VenueHttpClient>;
let sleeps: number[] = [];
const fixture = async (path: string) => JSON.parse(await readFile(join(DEFAULT_FIXTURES_DIR, path), 'utf8'));
/** Fresh adapters: Hyperliquid keeps one metaAndAssetCtxs answer per run (per adapter). */
const adapters = (): VenueAdapters => createAdapters(http);

beforeAll(async () => {
  replay = await startReplayServer();
  http = Object.fromEntries(
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
});
afterEach(() => {
  replay.clearFaults();
  sleeps = [];
});
afterAll(async () => {
  await replay.close();
});

const INFO = '/hyperliquid/info';

describe('Hyperliquid metaAndAssetCtxs', () => {
  it('matches the asset by its position in the universe; OI in coin × mark, volume already USD', async () => {
    const q = await adapters().hyperliquid.perpQuote('SOL', 'SOL-HL');
    expect(q).toMatchObject({ priceUsd: 190, dailyVolumeUsd: 851_224_703.9, baseCoin: 'SOL' });
    expect(q.openInterestUsd).toBeCloseTo(6_204_118.4 * 190, 4);
    expect(q.observations.find((o) => o.field === 'openInterest')).toMatchObject({
      endpoint: '/info metaAndAssetCtxs',
      rawValue: '6204118.4',
      rawUnit: 'SOL (one side)',
    });
    expect(replay.requests().at(-1)).toMatchObject({
      method: 'POST',
      path: INFO,
      body: { type: 'metaAndAssetCtxs' },
    });
  });

  it('asks once per run for all markets, and gives the tiers from the same answer', async () => {
    const hl = adapters().hyperliquid;
    const before = replay.requests().length;
    const [btc, eth, tiers] = await Promise.all([
      hl.perpQuote('BTC', 'B'),
      hl.perpQuote('ETH', 'E'),
      hl.marginTiers('BTC', 'B'),
    ]);
    expect([btc.priceUsd, eth.priceUsd]).toEqual([97_000, 3_400]);
    expect(replay.requests().length - before).toBe(1);
    // "tiered 40x": 40x from 0, 20x from 150M USD; maintenance = half the initial margin.
    expect(tiers.tiers).toEqual([
      { upTo: 150_000_000, upToUnit: 'USD', maintenanceMargin: 0.0125, maxLeverage: 40 },
      { upTo: Number.POSITIVE_INFINITY, upToUnit: 'USD', maintenanceMargin: 0.025, maxLeverage: 20 },
    ]);
  });

  it('names an asset missing from the universe', async () => {
    const error = await adapters()
      .hyperliquid.perpQuote('NOPE', 'X')
      .catch((e) => e);
    expect(error).toBeInstanceOf(VenueResponseError);
    expect(error.message).toBe(
      'hyperliquid /info metaAndAssetCtxs (market X): bad content: no asset NOPE in the universe',
    );
  });

  it('reports a malformed answer, and asks again in the same run afterwards', async () => {
    replay.setFault({ path: INFO, body: { type: 'metaAndAssetCtxs' } }, { body: 'malformed', times: 1 });
    const hl = adapters().hyperliquid;
    const error = await hl.perpQuote('BTC', 'B').catch((e) => e);
    expect(error).toMatchObject({
      name: 'VenueResponseError',
      kind: 'malformed',
      endpoint: '/info metaAndAssetCtxs',
    });
    expect((await hl.perpQuote('BTC', 'B')).priceUsd).toBe(97_000);
  });

  it('waits out a 429’s Retry-After', async () => {
    replay.setFault(
      { path: INFO, body: { type: 'metaAndAssetCtxs' } },
      { status: 429, retryAfterSeconds: 2, times: 1 },
    );
    expect((await adapters().hyperliquid.perpQuote('ETH', 'E')).priceUsd).toBe(3_400);
    expect(sleeps).toEqual([2000]);
  });
});

describe('Hyperliquid l2Book', () => {
  it('reads three aggregations and takes each distance from the finest that reaches it', async () => {
    const before = replay.requests().length;
    const reading = await adapters().hyperliquid.orderBook('BTC', 'B');
    const asked = replay
      .requests()
      .slice(before)
      .map((r) => r.body);
    expect(asked).toEqual([
      { type: 'l2Book', coin: 'BTC', nSigFigs: '4' },
      { type: 'l2Book', coin: 'BTC', nSigFigs: '3' },
      { type: 'l2Book', coin: 'BTC', nSigFigs: '2' },
    ]);
    // The 3-figure book ($100 buckets) reaches ~2%: its bids within 1% of its own mid, in coin × price.
    const b3 = (await fixture('hyperliquid/info/coin=BTC&nSigFigs=3&type=l2Book.json')).levels;
    const mid3 = (Number(b3[0][0].px) + Number(b3[1][0].px)) / 2;
    const within = b3[0]
      .filter((l: { px: string }) => Number(l.px) >= mid3 * 0.99 - 1e-9)
      .reduce((a: number, l: { px: string; sz: string }) => a + Number(l.px) * Number(l.sz), 0);
    expect(reading.summary.depthUsd[1]?.bidUsd).toBeCloseTo(within, 2);
    // Beyond the 3-figure reach, the 2-figure book ($1,000 buckets) answers 10%.
    const b2 = (await fixture('hyperliquid/info/coin=BTC&nSigFigs=2&type=l2Book.json')).levels;
    const mid2 = (Number(b2[0][0].px) + Number(b2[1][0].px)) / 2;
    const far = b2[0]
      .filter((l: { px: string }) => Number(l.px) >= mid2 * 0.9 - 1e-9)
      .reduce((a: number, l: { px: string; sz: string }) => a + Number(l.px) * Number(l.sz), 0);
    expect(reading.summary.depthUsd[4]?.bidUsd).toBeCloseTo(far, 2);
    expect(reading.observations[0]).toMatchObject({
      endpoint: '/info l2Book',
      rawUnit:
        'BTC (aggregated to 4/3/2 significant figures) per level; normalised = bid USD within 1% of mid',
    });
    expect(String(reading.observations[0]?.rawValue)).toMatch(
      /^levels 20\/20 \+ 20\/20 \+ 20\/20 \(bids\/asks\)/,
    );
  });

  it('reports a malformed answer and waits out a 429’s Retry-After', async () => {
    replay.setFault(
      { path: INFO, body: { type: 'l2Book', nSigFigs: '3' } },
      { body: 'schema-violation', times: 1 },
    );
    const error = await adapters()
      .hyperliquid.orderBook('ETH', 'E')
      .catch((e) => e);
    expect(error).toMatchObject({ name: 'VenueResponseError', kind: 'schema', endpoint: '/info l2Book' });
    replay.setFault(
      { path: INFO, body: { type: 'l2Book' } },
      { status: 429, retryAfterSeconds: 1, times: 1 },
    );
    expect((await adapters().hyperliquid.orderBook('ETH', 'E')).summary.depthUsd).toHaveLength(5);
    expect(sleeps).toEqual([1000]);
  });
});

describe('Hyperliquid candleSnapshot', () => {
  it('reads oldest-first daily candles with numeric ms times, completed days only', async () => {
    const { closes } = await adapters().hyperliquid.dailyCloses('HYPE', 60, AS_OF, 'H');
    const raw = await fixture('hyperliquid/info/req.coin=HYPE&req.interval=1d&type=candleSnapshot.json');
    expect(raw.at(-1).t).toBe(AS_OF.getTime());
    expect(closes).toHaveLength(61);
    expect(closes.at(-1)).toEqual({ dayMs: AS_OF.getTime() - DAY, close: Number(raw.at(-2).c) });
    const body = replay.requests().at(-1)?.body;
    expect(body).toMatchObject({ type: 'candleSnapshot', 'req.coin': 'HYPE', 'req.interval': '1d' });
    expect(Number(body?.['req.endTime'])).toBe(AS_OF.getTime());
  });

  it('reports a truncated answer and waits out a 429’s Retry-After', async () => {
    replay.setFault({ path: INFO, body: { type: 'candleSnapshot' } }, { body: 'truncated', times: 1 });
    const error = await adapters()
      .hyperliquid.dailyCloses('BTC', 30, AS_OF, 'B')
      .catch((e) => e);
    expect(error).toMatchObject({ name: 'VenueResponseError', kind: 'malformed' });
    replay.setFault(
      { path: INFO, body: { type: 'candleSnapshot' } },
      { status: 429, retryAfterSeconds: 4, times: 1 },
    );
    expect((await adapters().hyperliquid.dailyCloses('BTC', 30, AS_OF, 'B')).closes).toHaveLength(31);
    expect(sleeps).toEqual([4000]);
  });
});

describe('Hyperliquid clearinghouseState (the HLP vault as a pool)', () => {
  it('takes the account value in USDC, with the answer’s time', async () => {
    expect(await hyperliquidPoolAssets(http.hyperliquid, [HLP])).toEqual([
      {
        pool: HLP,
        coin: 'USDC',
        amount: 215_430_118.44,
        valueUsd: 215_430_118.44,
        updatedMs: AS_OF.getTime() - 3_600_000,
        endpoint: '/info clearinghouseState',
        raw: '215430118.44',
        fetchedAt: expect.any(String),
      },
    ]);
  });

  it('reports a malformed answer and waits out a 429’s Retry-After', async () => {
    replay.setFault({ path: INFO, body: { type: 'clearinghouseState' } }, { body: 'malformed', times: 1 });
    const error = await hyperliquidPoolAssets(http.hyperliquid, [HLP]).catch((e) => e);
    expect(error).toMatchObject({ name: 'VenueResponseError', kind: 'malformed' });
    replay.setFault({ path: INFO, body: { user: HLP } }, { status: 429, retryAfterSeconds: 1, times: 1 });
    expect((await hyperliquidPoolAssets(http.hyperliquid, [HLP]))[0]?.amount).toBe(215_430_118.44);
    expect(sleeps).toEqual([1000]);
  });
});

describe('dYdX v4 indexer', () => {
  it('perpetualMarkets: oracle price, OI in coin × price, USD volume; the margin fractions from the same answer', async () => {
    const dydx = adapters().dydx;
    const before = replay.requests().length;
    const [q, tiers] = await Promise.all([dydx.perpQuote('SOL-USD', 'S'), dydx.marginTiers('SOL-USD', 'S')]);
    expect(q).toMatchObject({ priceUsd: 190.0095, dailyVolumeUsd: 41_205_118.7, baseCoin: 'SOL' });
    expect(q.openInterestUsd).toBeCloseTo(182_004.5 * 190.0095, 4);
    expect(q.observations.find((o) => o.field === 'openInterest')?.rawUnit).toBe('SOL (one side)');
    expect(tiers.tiers).toEqual([
      { upTo: Number.POSITIVE_INFINITY, upToUnit: 'USD', maintenanceMargin: 0.03, maxLeverage: 20 },
    ]);
    expect(replay.requests().length - before).toBe(1);
    expect(replay.requests().at(-1)).toMatchObject({
      path: '/dydx/v4/perpetualMarkets',
      query: { ticker: 'SOL-USD' },
    });
  });

  it('orderbooks: price/size objects in coin, summarised in USD', async () => {
    const reading = await adapters().dydx.orderBook('ETH-USD', 'E');
    const raw = await fixture('dydx/v4/orderbooks/perpetualMarket/ETH-USD/_.json');
    const mid = (Number(raw.bids[0].price) + Number(raw.asks[0].price)) / 2;
    const within = raw.asks
      .filter((l: { price: string }) => Number(l.price) <= mid * 1.005 + 1e-9)
      .reduce((a: number, l: { price: string; size: string }) => a + Number(l.price) * Number(l.size), 0);
    expect(reading.summary.depthUsd[0]?.askUsd).toBeCloseTo(within, 2);
    expect(reading.observations[0]?.rawUnit).toBe('ETH per level; normalised = bid USD within 1% of mid');
  });

  it('candles: newest first with ISO start times, reordered, completed days only', async () => {
    const { closes } = await adapters().dydx.dailyCloses('BTC-USD', 60, AS_OF, 'B');
    const raw = (await fixture('dydx/v4/candles/perpetualMarkets/BTC-USD/resolution=1DAY.json')).candles;
    expect(raw[0].startedAt).toBe(AS_OF.toISOString());
    expect(closes).toHaveLength(61);
    expect(closes.at(-1)).toEqual({ dayMs: AS_OF.getTime() - DAY, close: Number(raw[1].close) });
    expect(replay.requests().at(-1)?.query).toMatchObject({ resolution: '1DAY', limit: '62' });
  });

  it.each([
    ['/dydx/v4/perpetualMarkets', (a: VenueAdapters) => a.dydx.perpQuote('BTC-USD', 'B')],
    ['/dydx/v4/orderbooks/perpetualMarket/BTC-USD', (a: VenueAdapters) => a.dydx.orderBook('BTC-USD', 'B')],
    [
      '/dydx/v4/candles/perpetualMarkets/BTC-USD',
      (a: VenueAdapters) => a.dydx.dailyCloses('BTC-USD', 30, AS_OF, 'B'),
    ],
  ])('%s: reports a malformed answer and waits out a 429’s Retry-After', async (path, call) => {
    replay.setFault({ path }, { body: 'malformed', times: 1 });
    expect(await call(adapters()).catch((e) => e)).toMatchObject({
      name: 'VenueResponseError',
      kind: 'malformed',
    });
    replay.setFault({ path }, { status: 429, retryAfterSeconds: 3, times: 1 });
    await call(adapters());
    expect(sleeps).toEqual([3000]);
  });
});

describe('dYdX insurance fund (a node’s bank balances)', () => {
  it('reads USDC from its IBC denom in micro-units and lists other denoms under their coin', async () => {
    const assets = await dydxPoolAssets(http.dydxNode, [DYDX_FUND]);
    expect(assets.map((a) => [a.coin, a.amount, a.raw])).toEqual([
      ['DYDX', 1.25, '1250000000000000000'],
      ['USDC', 8_412_551.220815, '8412551220815'],
    ]);
    expect(replay.requests().at(-1)?.path).toBe(`/dydx-node/cosmos/bank/v1beta1/balances/${DYDX_FUND}`);
  });

  it('reports a malformed answer and waits out a 429’s Retry-After', async () => {
    const path = `/dydx-node/cosmos/bank/v1beta1/balances/${DYDX_FUND}`;
    replay.setFault({ path }, { body: 'schema-violation', times: 1 });
    expect(await dydxPoolAssets(http.dydxNode, [DYDX_FUND]).catch((e) => e)).toMatchObject({
      kind: 'schema',
    });
    replay.setFault({ path }, { status: 429, retryAfterSeconds: 2, times: 1 });
    expect(await dydxPoolAssets(http.dydxNode, [DYDX_FUND])).toHaveLength(2);
    expect(sleeps).toEqual([2000]);
  });
});
