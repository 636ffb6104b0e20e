/**
 * The whole MarketSource against the replay server on the demo fund: a clean run, the env overrides,
 * and partial failure — one venue down is stale-filled (or DEGRADED when too old) and never lowers the
 * reserve; no data at all fails the run instead of dropping a market.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FundConfig } from '../../../lambda/config/fund-config.ts';
import { loadFundConfig } from '../../../lambda/config/load-fund-config.ts';
import type { IngestDeadline } from '../../../lambda/ingest/http/ingest-deadline.ts';
import { MarketDataUnavailableError } from '../../../lambda/ingest/ingest-errors.ts';
import { defaultSeed } from '../../../lambda/ingest/recalibrate/seed.ts';
import { type ReplayServer, startReplayServer } from '../../../lambda/ingest/replay/replay-server.ts';
import { createVenueMarketSource } from '../../../lambda/ingest/venue-market-source.ts';
import {
  defaultFactorCount,
  factorCorrelation,
  fitFactorModel,
} from '../../../lambda/model/linalg/factor-model.ts';
import { symmetricEigen } from '../../../lambda/model/linalg/jacobi-eigen.ts';
import { computeReserve, MODEL_VERSION } from '../../../lambda/model/reserve.ts';
import { type MarketSnapshot, MarketSnapshotSchema } from '../../../lambda/model/schemas.ts';
import type { StoredRun } from '../../../lambda/run/stored-run.ts';

const T = '2026-11-22T00:00:00.000Z';
const minutesBefore = (n: number) => new Date(Date.parse(T) - n * 60_000).toISOString();
const DEAD = 'http://127.0.0.1:9';
const BYBIT_IDS = ['SOL-PERP-BYBIT', 'XRP-PERP-BYBIT', 'DOGE-PERP-BYBIT'];
let replay: ReplayServer;
let config: FundConfig;

const source = () =>
  createVenueMarketSource({
    baseUrls: replay.baseUrls,
    maxRetries: 1,
    timeoutMs: 5_000,
    sleep: async () => {},
  });

function stored(snapshot: MarketSnapshot): StoredRun {
  return {
    fundId: snapshot.fundId,
    asOf: snapshot.asOf,
    runId: `run-${snapshot.asOf}`,
    modelVersion: MODEL_VERSION,
    snapshot,
    result: computeReserve(snapshot),
    observations: [],
    flags: [],
    steps: [],
  };
}

beforeAll(async () => {
  replay = await startReplayServer();
  const demo = await loadFundConfig(resolve(import.meta.dirname, '../../../config/funds/demo.json'));
  config = { ...demo, model: { ...demo.model, paths: 4_000 } };
});
afterEach(() => replay.clearFaults());
afterAll(async () => {
  await replay.close();
});

describe('createVenueMarketSource on the demo fund', () => {
  it('builds a clean snapshot that records where every number came from', async () => {
    const { snapshot, flags, observations } = await source().collect(config, T, null);
    expect(flags).toEqual([]);
    expect(snapshot.dataQuality).toEqual({ degraded: false, flags: [] });
    expect(snapshot.fundBalanceUsd).toBeCloseTo(1_359_038_905.173078, 4);
    expect(snapshot.model.seed).toBe(defaultSeed('demo-perps', T));
    expect(snapshot.model.thresholds).toEqual({ warnBelow: 1, breachBelow: 0.8 });
    expect(snapshot.markets.map((m) => [m.id, m.provenance?.volSource])).toEqual([
      ['BTC-PERP-BINANCE', 'atm-options:binance:BTC'],
      ['ETH-PERP-BINANCE', 'atm-options:binance:ETH'],
      ['BTC-PERP-DERIBIT', 'dvol:BTC'],
      ['ETH-PERP-DERIBIT', 'dvol:ETH'],
      ['SOL-PERP-BYBIT', 'atm-options:bybit:SOL'],
      ['XRP-PERP-BYBIT', 'realized'],
      ['DOGE-PERP-BYBIT', 'realized'],
      ['BTC-PERP-OKX', 'atm-options:okx:BTC-USD'],
      ['ETH-PERP-OKX', 'dvol:ETH'],
      ['SOL-PERP-OKX', 'atm-options:bybit:SOL'],
    ]);
    const btc = snapshot.markets[2];
    expect(btc).toMatchObject({
      priceUsd: 97_000,
      openInterestUsd: 1_118_420_370,
      dailyVolumeUsd: 612_004_880,
    });
    expect(btc?.impliedVol).toBeCloseTo(0.5184, 12);
    expect(btc?.leverageProfile).toEqual(config.model.defaultLeverageProfile);
    // Realized vol is the EWMA of the same candles for the same coin on every venue (to the basis noise).
    expect(snapshot.markets[0]?.provenance?.realizedVol).toBeCloseTo(
      btc?.provenance?.realizedVol as number,
      1,
    );
    // Every market has its price, OI and volume in the audit trail; the balance has its pool coins.
    for (const m of snapshot.markets) {
      const fields = observations.filter((o) => o.marketId === m.id).map((o) => o.field);
      expect(fields).toEqual(
        expect.arrayContaining(['markPrice', 'openInterest', 'dailyVolume', 'dailyCloses']),
      );
    }
    expect(observations.filter((o) => o.field === 'fundBalance')).toHaveLength(4);
    expect(Math.min(...symmetricEigen(snapshot.correlation).values)).toBeGreaterThan(0);
  });

  it('fetches each shared options chain once per run', async () => {
    const before = replay.requests().length;
    await source().collect(config, T, null);
    const chainCalls = replay
      .requests()
      .slice(before)
      .filter((r) => r.path === '/bybit/v5/market/tickers' && r.query.category === 'option');
    expect(chainCalls).toHaveLength(1);
  });

  it('lets BACKSTOP_*_URL override the options and the config', async () => {
    const withDeadConfig: FundConfig = {
      ...config,
      data: {
        ...config.data,
        baseUrls: { deribit: DEAD, binance: DEAD, binanceOptions: DEAD, bybit: DEAD, okx: DEAD },
      },
    };
    const viaEnv = createVenueMarketSource({
      env: replay.env(),
      baseUrls: { deribit: DEAD, bybit: DEAD },
      maxRetries: 0,
    });
    const { snapshot, flags } = await viaEnv.collect(withDeadConfig, T, null);
    expect(flags).toEqual([]);
    expect(snapshot.markets).toHaveLength(10);
    expect(replay.env()).toEqual({
      BACKSTOP_DERIBIT_URL: `${replay.url}/deribit/api/v2`,
      BACKSTOP_BINANCE_URL: `${replay.url}/binance`,
      BACKSTOP_BINANCE_OPTIONS_URL: `${replay.url}/binance-options`,
      BACKSTOP_BYBIT_URL: `${replay.url}/bybit`,
      BACKSTOP_OKX_URL: `${replay.url}/okx`,
      BACKSTOP_HYPERLIQUID_URL: `${replay.url}/hyperliquid`,
      BACKSTOP_DYDX_URL: `${replay.url}/dydx/v4`,
      BACKSTOP_DYDX_NODE_URL: `${replay.url}/dydx-node`,
    });
  });
});

describe('one venue down while the others answer', () => {
  it('stale-fills its markets from the last run, flags them, and does not lower the reserve', async () => {
    const last = await source().collect(config, minutesBefore(30), null);
    const fresh = await source().collect(config, T, stored(last.snapshot));
    replay.setFault({ path: '/bybit/v5/market/tickers' }, { status: 503 });
    replay.setFault({ path: '/bybit/v5/market/kline' }, { status: 503 });
    const { snapshot, flags } = await source().collect(config, T, stored(last.snapshot));

    expect(snapshot.markets.map((m) => m.id)).toEqual(config.markets.map((m) => m.id));
    expect(snapshot.dataQuality?.degraded).toBe(false);
    for (const id of BYBIT_IDS) {
      const before = last.snapshot.markets.find((m) => m.id === id);
      const now = snapshot.markets.find((m) => m.id === id);
      expect(now?.impliedVol).toBeCloseTo((before?.impliedVol as number) * 1.25, 12);
      expect(now?.openInterestUsd).toBe(before?.openInterestUsd);
      expect(now?.provenance).toMatchObject({
        stale: true,
        staleSince: minutesBefore(30),
        volSource: 'stale',
      });
      expect(flags).toContainEqual(expect.objectContaining({ marketId: id, code: 'STALE_FILLED' }));
    }
    // SOL on OKX takes its vol from Bybit's SOL options: the fallback (realized) is held at the last vol.
    const solOkx = snapshot.markets.find((m) => m.id === 'SOL-PERP-OKX');
    expect(solOkx?.provenance?.volSource).toBe('realized');
    expect(solOkx?.impliedVol).toBe(last.snapshot.markets.find((m) => m.id === 'SOL-PERP-OKX')?.impliedVol);
    expect(flags).toContainEqual(
      expect.objectContaining({ marketId: 'SOL-PERP-OKX', code: 'VOL_FALLBACK_FLOORED' }),
    );
    // The correlations of the stale markets are the last run's.
    expect(snapshot.correlation[4]?.[5]).toBeCloseTo(last.snapshot.correlation[4]?.[5] as number, 12);

    const withStale = computeReserve(snapshot);
    const withFresh = computeReserve(fresh.snapshot);
    expect(withStale.monteCarlo.seed).toBe(withFresh.monteCarlo.seed);
    expect(withStale.requiredReserveUsd).toBeGreaterThanOrEqual(withFresh.requiredReserveUsd);
    expect(withStale.monteCarlo.esUsd).toBeGreaterThanOrEqual(withFresh.monteCarlo.esUsd);
    for (const id of BYBIT_IDS) {
      const s = withStale.byMarket.find((m) => m.id === id);
      const f = withFresh.byMarket.find((m) => m.id === id);
      expect(s?.worstStressLossUsd).toBeGreaterThanOrEqual(f?.worstStressLossUsd as number);
    }
  });

  it('stale-fills a venue that hangs past the ingest deadline instead of waiting on it', async () => {
    const last = await source().collect(config, minutesBefore(30), null);
    // Bybit answers after 10 minutes, beyond the per-request timeout (a minute) and its retry. The
    // deadline is the test's own: it passes once every Bybit ticker request is in flight, so what is
    // checked is the order of events, not how fast this machine happens to be.
    replay.setFault({ path: '/bybit/v5/market/tickers' }, { delayMs: 600_000 });
    const expire = new AbortController();
    const deadline: IngestDeadline = {
      remainingMs: () => (expire.signal.aborted ? 0 : Number.POSITIVE_INFINITY),
      signal: expire.signal,
    };
    const hurried = createVenueMarketSource({
      baseUrls: replay.baseUrls,
      maxRetries: 1,
      timeoutMs: 60_000,
      startDeadline: () => deadline,
      sleep: async () => {},
    });
    const linearTickers = () =>
      replay.requests().filter((r) => r.path === '/bybit/v5/market/tickers' && r.query.category === 'linear')
        .length;
    const before = linearTickers();
    let settled = false;
    const collecting = hurried.collect(config, T, stored(last.snapshot)).finally(() => {
      settled = true;
    });
    while (linearTickers() - before < BYBIT_IDS.length) {
      await new Promise((r) => setTimeout(r, 10));
    }
    // Every ticker request hangs: without the deadline the run would wait for them.
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false);
    expire.abort();
    const { snapshot, flags } = await collecting;

    expect(snapshot.markets.map((m) => m.id)).toEqual(config.markets.map((m) => m.id));
    for (const id of BYBIT_IDS) {
      expect(flags).toContainEqual(
        expect.objectContaining({
          marketId: id,
          code: 'QUOTE_FAILED',
          detail: `bybit /v5/market/tickers (market ${id}): no answer before the run's ingest deadline`,
        }),
      );
      expect(flags).toContainEqual(expect.objectContaining({ marketId: id, code: 'STALE_FILLED' }));
    }
    // One attempt per Bybit ticker request: no retry is started once the deadline has passed.
    expect(linearTickers() - before).toBe(BYBIT_IDS.length);
  });

  it('marks the snapshot DEGRADED when the last good data is older than maxStaleMinutes, keeping every market', async () => {
    const last = await source().collect(config, minutesBefore(180), null);
    replay.setFault({ path: '/bybit/v5/market/tickers', query: { category: 'linear' } }, { status: 500 });
    const { snapshot, flags } = await source().collect(config, T, stored(last.snapshot));
    expect(snapshot.markets).toHaveLength(10);
    expect(snapshot.dataQuality?.degraded).toBe(true);
    expect(flags.filter((f) => f.code === 'STALE_EXPIRED').map((f) => f.marketId)).toEqual(BYBIT_IDS);
    expect(computeReserve(snapshot).status).toBe('DEGRADED');
  });

  it('fails the run, naming the market, when there is no earlier observation', async () => {
    replay.setFault({ path: '/okx/api/v5/public/mark-price' }, { body: 'malformed' });
    const error = await source()
      .collect(config, T, null)
      .catch((e) => e);
    expect(error).toBeInstanceOf(MarketDataUnavailableError);
    expect(error.marketId).toBe('BTC-PERP-OKX');
    expect(error.message).toContain('okx /api/v5/public/mark-price (market BTC-PERP-OKX): malformed body');
  });

  it('walks the vol chain past a schema-violating DVOL answer', async () => {
    replay.setFault(
      { path: '/deribit/api/v2/public/get_volatility_index_data', query: { currency: 'BTC' } },
      { body: 'schema-violation' },
    );
    const { snapshot, flags } = await source().collect(config, T, null);
    expect(snapshot.markets.find((m) => m.id === 'BTC-PERP-DERIBIT')?.provenance?.volSource).toBe(
      'atm-options:deribit:BTC',
    );
    expect(flags).toContainEqual(
      expect.objectContaining({ marketId: 'BTC-PERP-DERIBIT', code: 'VOL_SOURCE_FAILED' }),
    );
  });

  it('holds the vol at the last good value when the candles behind the realized floor are missing', async () => {
    const last = await source().collect(config, minutesBefore(15), null);
    const earlier = structuredClone(last.snapshot);
    (earlier.markets[0] as { impliedVol: number }).impliedVol = 0.7;
    replay.setFault({ path: '/binance/fapi/v1/klines', query: { symbol: 'BTCUSDT' } }, { status: 503 });
    const { snapshot, flags } = await source().collect(config, T, stored(earlier));
    const btc = snapshot.markets[0];
    expect(btc?.impliedVol).toBe(0.7);
    expect(btc?.provenance).toMatchObject({
      volSource: 'atm-options:binance:BTC',
      fallbackFloorVol: 0.7,
      fallbackFloorSince: minutesBefore(15),
    });
    expect(flags.map((f) => f.code)).toEqual([
      'CANDLES_MISSING',
      'VOL_FALLBACK_FLOORED',
      'CORRELATION_FILLED',
    ]);
    // Its correlations are the last run's.
    expect(snapshot.correlation[0]?.[7]).toBeCloseTo(earlier.correlation[0]?.[7] as number, 12);
  });

  it('treats an empty candle answer like missing candles: flagged, vol held at the last good value', async () => {
    const last = await source().collect(config, minutesBefore(15), null);
    const earlier = structuredClone(last.snapshot);
    (earlier.markets[0] as { impliedVol: number }).impliedVol = 0.7;
    const noKlines: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input).includes('/fapi/v1/klines?symbol=BTCUSDT')) return response;
      return new Response('[]', { status: 200 });
    };
    const empty = createVenueMarketSource({
      baseUrls: replay.baseUrls,
      sleep: async () => {},
      fetch: noKlines,
    });
    const { snapshot, flags } = await empty.collect(config, T, stored(earlier));
    expect(snapshot.markets[0]?.impliedVol).toBe(0.7);
    expect(flags.slice(0, 2)).toEqual([
      {
        marketId: 'BTC-PERP-BINANCE',
        code: 'CANDLES_MISSING',
        detail: 'binance /fapi/v1/klines: 0 completed daily closes, too few for a realized vol',
      },
      expect.objectContaining({ marketId: 'BTC-PERP-BINANCE', code: 'VOL_FALLBACK_FLOORED' }),
    ]);
  });

  it('keeps the last OI when it falls by more than half without confirmation, and goes DEGRADED', async () => {
    const last = await source().collect(config, minutesBefore(15), null);
    const inflated = structuredClone(last.snapshot);
    const btc = inflated.markets[0] as { openInterestUsd: number };
    btc.openInterestUsd *= 20;
    const { snapshot, flags } = await source().collect(config, T, stored(inflated));
    expect(snapshot.markets[0]?.openInterestUsd).toBe(btc.openInterestUsd);
    expect(snapshot.dataQuality?.degraded).toBe(true);
    expect(flags).toContainEqual(
      expect.objectContaining({ marketId: 'BTC-PERP-BINANCE', code: 'OI_DROP_HELD' }),
    );
  });

  it('values the fund with sane prices only: a zero mark price does not zero the pool’s BTC', async () => {
    const last = await source().collect(config, minutesBefore(15), null);
    const zeroBtcMark: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input).includes('/fapi/v1/premiumIndex?symbol=BTCUSDT')) return response;
      const body = { ...(await response.json()), markPrice: '0' };
      return new Response(JSON.stringify(body), { status: 200 });
    };
    const withZero = createVenueMarketSource({
      baseUrls: replay.baseUrls,
      maxRetries: 1,
      sleep: async () => {},
      fetch: zeroBtcMark,
    });
    const { snapshot, flags } = await withZero.collect(config, T, stored(last.snapshot));
    expect(flags).toContainEqual(
      expect.objectContaining({ marketId: 'BTC-PERP-BINANCE', code: 'SANITY_QUOTE', detail: 'price 0 <= 0' }),
    );
    // The pool's 61.73 BTC are priced from Deribit's BTC mark (97,000), as in a clean run.
    expect(snapshot.fundBalanceUsd).toBeCloseTo(last.snapshot.fundBalanceUsd as number, 4);
    expect(snapshot.fundBalanceUsd).toBeCloseTo(1_359_038_905.173078, 4);
  });

  it('flags a realized vol above 10 from a bad candle instead of failing the run', async () => {
    // One BTCUSDT close of 0.001 USD ten days back: two daily log returns of ±18, an EWMA vol of ~60.
    const badCandle: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input).includes('/fapi/v1/klines?symbol=BTCUSDT')) return response;
      const rows = (await response.json()) as unknown[][];
      (rows.at(-10) as unknown[])[4] = '0.001';
      return new Response(JSON.stringify(rows), { status: 200 });
    };
    const withBadCandle = createVenueMarketSource({
      baseUrls: replay.baseUrls,
      maxRetries: 1,
      sleep: async () => {},
      fetch: badCandle,
    });
    const { snapshot, flags } = await withBadCandle.collect(config, T, null);
    const btc = snapshot.markets[0];
    expect(flags).toContainEqual(
      expect.objectContaining({
        marketId: 'BTC-PERP-BINANCE',
        code: 'SANITY_IV',
        detail: expect.stringMatching(/^realized EWMA vol: IV \d+(\.\d+)? > 10$/),
      }),
    );
    expect(btc?.provenance?.realizedVol).toBeUndefined();
    expect(btc?.impliedVol).toBe(btc?.provenance?.sourceVol);
    // Its correlations are not computed from the bad returns: without a last run they are filled with 1.
    const filled = flags.find((f) => f.code === 'CORRELATION_FILLED');
    expect(filled?.detail).toMatch(/^9 pair\(s\) without enough common days: /);
    expect(filled?.detail).toContain('BTC-PERP-BINANCE/ETH-PERP-BINANCE=1 (no history)');
  });

  it('reports an unavailable balance as null with BALANCE_UNAVAILABLE (status UNKNOWN), never zero', async () => {
    replay.setFault({ path: '/binance/fapi/v1/insuranceBalance' }, { status: 502 });
    const { snapshot, flags } = await source().collect(config, T, null);
    expect(snapshot.fundBalanceUsd).toBeNull();
    expect(flags).toEqual([expect.objectContaining({ code: 'BALANCE_UNAVAILABLE' })]);
    expect(computeReserve(snapshot).coverageStatus).toBe('UNKNOWN');
  });
});

describe('order-book depth and margin tiers', () => {
  it('fills depthUsd at 0.5–10% and maxLeverage for every demo market, margins from the venues’ tiers', async () => {
    const { snapshot, observations } = await source().collect(config, T, null);
    expect(
      snapshot.markets.map((m) => [
        m.id,
        m.maxLeverage,
        m.maintenanceMargin,
        Math.round(m.depthUsd?.[1]?.bidUsd ?? 0),
        Math.round(m.depthUsd?.[1]?.askUsd ?? 0),
      ]),
    ).toEqual([
      ['BTC-PERP-BINANCE', 125, 0.004, 159_674_210, 156_969_961],
      ['ETH-PERP-BINANCE', 100, 0.005, 108_397_382, 109_991_601],
      ['BTC-PERP-DERIBIT', 50, 0.004, 37_549_530, 37_474_590],
      ['ETH-PERP-DERIBIT', 50, 0.005, 16_044_293, 16_070_637],
      ['SOL-PERP-BYBIT', 100, 0.005, 27_894_245, 27_577_597],
      ['XRP-PERP-BYBIT', 75, 0.0066, 15_773_569, 16_168_184],
      ['DOGE-PERP-BYBIT', 75, 0.006, 11_888_350, 11_918_047],
      ['BTC-PERP-OKX', 100, 0.004, 85_371_427, 83_071_616],
      ['ETH-PERP-OKX', 100, 0.004, 54_855_481, 54_247_920],
      ['SOL-PERP-OKX', 50, 0.0075, 16_780_351, 16_793_402],
    ]);
    for (const m of snapshot.markets) {
      expect(m.depthUsd?.map((p) => p.distance)).toEqual([0.005, 0.01, 0.02, 0.05, 0.1]);
      expect(observations.filter((o) => o.marketId === m.id).map((o) => o.field)).toContain('depthUsd');
    }
    expect(snapshot.markets[4]?.provenance?.maintenanceMarginSource).toBe('/v5/market/risk-limit tier 1/6');
    expect(snapshot.markets[0]?.provenance?.maintenanceMarginSource).toBe('config');
    expect(
      observations.find((o) => o.marketId === 'BTC-PERP-OKX' && o.field === 'maintenanceMargin'),
    ).toMatchObject({
      endpoint: '/api/v5/public/position-tiers',
      rawValue: 0.004,
      rawUnit: 'decimal rates, tier 1 of 5 (holds a 100000 USD position)',
    });
    // The demo stays valid when the writers move to schemaVersion 2 (no bucket at or below its margin).
    expect(MarketSnapshotSchema.safeParse({ ...snapshot, schemaVersion: 2 }).success).toBe(true);
  });

  it('stale-fills the depth of a book that does not answer, and the tiers of a risk limit that does not', async () => {
    const last = await source().collect(config, minutesBefore(30), null);
    replay.setFault({ path: '/bybit/v5/market/orderbook' }, { status: 503 });
    replay.setFault({ path: '/okx/api/v5/public/position-tiers' }, { body: 'malformed' });
    const { snapshot, flags } = await source().collect(config, T, stored(last.snapshot));
    expect(snapshot.dataQuality?.degraded).toBe(false);
    for (const id of BYBIT_IDS) {
      const m = snapshot.markets.find((x) => x.id === id);
      expect(m?.depthUsd).toEqual(last.snapshot.markets.find((x) => x.id === id)?.depthUsd);
      expect(m?.provenance?.depthSince).toBe(minutesBefore(30));
      expect(flags).toContainEqual(expect.objectContaining({ marketId: id, code: 'DEPTH_STALE_FILLED' }));
    }
    const okxSol = snapshot.markets.find((m) => m.id === 'SOL-PERP-OKX');
    expect(okxSol).toMatchObject({ maintenanceMargin: 0.0075, maxLeverage: 50 });
    expect(okxSol?.provenance?.maintenanceMarginSource).toBe(`last run (${minutesBefore(30)})`);
    expect(flags.filter((f) => f.code === 'TIERS_STALE_FILLED').map((f) => f.marketId)).toEqual([
      'BTC-PERP-OKX',
      'ETH-PERP-OKX',
      'SOL-PERP-OKX',
    ]);
  });

  it('degrades once the last depth is older than maxStaleMinutes; a first run without a book goes without depth', async () => {
    const last = await source().collect(config, minutesBefore(180), null);
    replay.setFault({ path: '/binance/fapi/v1/depth', query: { symbol: 'BTCUSDT' } }, { status: 500 });
    const old = await source().collect(config, T, stored(last.snapshot));
    expect(old.snapshot.dataQuality?.degraded).toBe(true);
    expect(old.flags).toContainEqual(
      expect.objectContaining({ marketId: 'BTC-PERP-BINANCE', code: 'DEPTH_STALE_EXPIRED' }),
    );
    expect(old.snapshot.markets[0]?.depthUsd).toEqual(last.snapshot.markets[0]?.depthUsd);

    const first = await source().collect(config, T, null);
    expect(first.snapshot.markets[0]?.depthUsd).toBeUndefined();
    expect(first.flags).toContainEqual(
      expect.objectContaining({ marketId: 'BTC-PERP-BINANCE', code: 'DEPTH_MISSING' }),
    );
    expect(first.snapshot.dataQuality?.degraded).toBe(false);
  });
});

describe('the correlation model of the demo fund', () => {
  it('is dense by default and recorded as the factor model above factorModelAboveMarkets', async () => {
    const dense = await source().collect(config, T, null);
    expect(dense.snapshot.model.correlationModel).toBeUndefined();
    const large = { ...config, model: { ...config.model, factorModelAboveMarkets: 9, factors: 2 } };
    const factor = await source().collect(large, T, null);
    expect(factor.snapshot.model.correlationModel).toBe('factor');
    expect(factor.snapshot.model.factors).toBe(2);
    const forced = {
      ...config,
      model: { ...config.model, correlationModel: 'dense' as const, factorModelAboveMarkets: 1 },
    };
    expect((await source().collect(forced, T, null)).snapshot.model.correlationModel).toBeUndefined();
  });

  it('misses the dense ES by less than 2% with 3 factors (common random numbers), worst stress unchanged', async () => {
    const { snapshot } = await source().collect(config, T, null);
    const model = fitFactorModel(snapshot.correlation, defaultFactorCount(snapshot.markets.length));
    const run = (correlation: number[][]) =>
      computeReserve({ ...snapshot, correlation, model: { ...snapshot.model, paths: 8192, seed: 5 } });
    const dense = run(snapshot.correlation);
    const factor = run(factorCorrelation(model));
    expect(Math.abs(factor.monteCarlo.esUsd / dense.monteCarlo.esUsd - 1)).toBeLessThan(0.02);
    expect(factor.stress.map((x) => x.lossUsd)).toEqual(dense.stress.map((x) => x.lossUsd));
  });
});

describe('a venue margin above the leverage profile', () => {
  it('lifts the profile’s buckets just above it instead of failing the schemaVersion 2 snapshot', async () => {
    const raw = JSON.parse(
      await readFile(
        resolve(
          import.meta.dirname,
          '../../../fixtures/venues/bybit/v5/market/risk-limit/category=linear&symbol=SOLUSDT.json',
        ),
        'utf8',
      ),
    );
    Object.assign(raw.result.list[0], {
      maintenanceMargin: '0.012',
      initialMargin: '0.0125',
      maxLeverage: '80.00',
    });
    replay.setFault(
      { path: '/bybit/v5/market/risk-limit', query: { symbol: 'SOLUSDT' } },
      { text: JSON.stringify(raw) },
    );
    const { snapshot, flags } = await source().collect(config, T, null);
    const sol = snapshot.markets.find((m) => m.id === 'SOL-PERP-BYBIT');
    expect(sol).toMatchObject({ maintenanceMargin: 0.012, maxLeverage: 80 });
    expect(sol?.leverageProfile.map((b) => b.margin)).toEqual([0.013, 0.02, 0.04, 0.1, 0.2, 0.5, 1]);
    expect(flags).toContainEqual({
      marketId: 'SOL-PERP-BYBIT',
      code: 'TIERS_ABOVE_PROFILE',
      detail: 'maintenance margin 0.012 at or above leverage profile buckets (0.01); lifted to 0.013',
    });
    expect(snapshot.schemaVersion).toBe(2);
  });
});
