/**
 * Depth summarisation against a hand-computed book, tier parsing, and how a market's depth and tiers
 * fall back (last run, config, registry defaults) with a flag each time.
 */
import { describe, expect, it } from 'vitest';
import type { FundMarket } from '../../../lambda/config/fund-config.ts';
import { bookProblem, mergeDepth, summariseDepth } from '../../../lambda/ingest/liquidity/depth.ts';
import {
  chooseTier,
  type MarginTable,
  marginRates,
  tierProblem,
} from '../../../lambda/ingest/liquidity/tiers.ts';
import { liquidityFields } from '../../../lambda/ingest/recalibrate/liquidity-fields.ts';
import { bookFrom } from '../../../lambda/ingest/venues/venue-adapter.ts';
import type { SnapshotMarket } from '../../../lambda/model/schemas.ts';

describe('summariseDepth', () => {
  // Best bid 99.5, best ask 100.5: mid 100. Bands: 0.5% → [99.5, 100.5], 1% → [99, 101], 2% → [98, 102],
  // 5% → [95, 105], 10% → [90, 110].
  const book = {
    bids: [
      { price: 99.5, sizeUsd: 10 },
      { price: 99, sizeUsd: 20 },
      { price: 98, sizeUsd: 40 },
      { price: 95, sizeUsd: 80 },
      { price: 89, sizeUsd: 1000 },
    ],
    asks: [
      { price: 104, sizeUsd: 30 },
      { price: 100.5, sizeUsd: 5 },
      { price: 101.5, sizeUsd: 15 },
      { price: 109.9, sizeUsd: 60 },
    ],
  };

  it('sums the resting USD within each distance of mid, boundaries included, cumulatively', () => {
    const s = summariseDepth(book);
    if ('problem' in s) throw new Error(s.problem);
    expect(s.reach.bid).toBeCloseTo(0.11, 12);
    expect(s.reach.ask).toBeCloseTo(0.099, 12);
    expect({ ...s, reach: undefined }).toEqual({
      depthUsd: [
        { distance: 0.005, bidUsd: 10, askUsd: 5 },
        { distance: 0.01, bidUsd: 30, askUsd: 5 },
        { distance: 0.02, bidUsd: 70, askUsd: 20 },
        { distance: 0.05, bidUsd: 150, askUsd: 50 },
        { distance: 0.1, bidUsd: 150, askUsd: 110 },
      ],
      mid: 100,
      reach: undefined,
    });
  });

  it('normalises venue units before summing: coin × price, USD contracts as they are, contract size', () => {
    const coin = bookFrom([['99.5', '2']], [['100.5', '1']], 'coin');
    expect(coin).toEqual({ bids: [{ price: 99.5, sizeUsd: 199 }], asks: [{ price: 100.5, sizeUsd: 100.5 }] });
    const inverse = bookFrom([[99.5, 1000]], [[100.5, 500]], 'USD');
    expect(inverse.bids[0]?.sizeUsd).toBe(1000);
    const okx = bookFrom([['99.5', '300', '0', '4']], [['100.5', '100', '0', '1']], 'coin', 0.01);
    expect(okx.bids[0]?.sizeUsd).toBeCloseTo(300 * 0.01 * 99.5, 10);
  });

  it('refuses an empty, crossed or nonsensical book', () => {
    expect(summariseDepth({ bids: [], asks: [{ price: 1, sizeUsd: 1 }] })).toEqual({
      problem: 'empty book side (0 bids, 1 asks)',
    });
    expect(bookProblem({ bids: [{ price: 101, sizeUsd: 1 }], asks: [{ price: 100, sizeUsd: 1 }] })).toBe(
      'crossed book: best bid 101 >= best ask 100',
    );
    expect(bookProblem({ bids: [{ price: 99, sizeUsd: -5 }], asks: [{ price: 100, sizeUsd: 1 }] })).toBe(
      'bid level with price 99 and size -5 USD',
    );
  });

  it('merges a fine and a coarse aggregation: the fine one where it reaches, non-decreasing', () => {
    const fine = summariseDepth({
      bids: [
        { price: 99.9, sizeUsd: 10 },
        { price: 99.2, sizeUsd: 30 },
        { price: 98.5, sizeUsd: 1 },
      ],
      asks: [
        { price: 100.1, sizeUsd: 12 },
        { price: 101.5, sizeUsd: 20 },
      ],
    });
    const coarse = summariseDepth({
      bids: [
        { price: 99, sizeUsd: 35 },
        { price: 96, sizeUsd: 50 },
        { price: 91, sizeUsd: 100 },
      ],
      asks: [
        { price: 101, sizeUsd: 30 },
        { price: 104, sizeUsd: 60 },
        { price: 109, sizeUsd: 90 },
      ],
    });
    if ('problem' in fine || 'problem' in coarse) throw new Error('bad test book');
    // The fine book reaches 1.5% on each side: it answers 0.5% and 1%; 2% and beyond come from the
    // coarse one, whose 2% bid (35) is below the fine 1% (40) — the running maximum keeps 40.
    expect(mergeDepth([fine, coarse]).depthUsd).toEqual([
      { distance: 0.005, bidUsd: 10, askUsd: 12 },
      { distance: 0.01, bidUsd: 40, askUsd: 12 },
      { distance: 0.02, bidUsd: 40, askUsd: 30 },
      { distance: 0.05, bidUsd: 85, askUsd: 90 },
      { distance: 0.1, bidUsd: 185, askUsd: 180 },
    ]);
  });
});

describe('margin tiers', () => {
  const table: MarginTable = {
    endpoint: '/v5/market/risk-limit',
    fetchedAt: '2026-11-22T00:00:00.000Z',
    rateUnit: 'decimal rates',
    tiers: [
      { upTo: 500_000, upToUnit: 'USD', maintenanceMargin: 0.005, maxLeverage: 100 },
      { upTo: 1_000_000, upToUnit: 'USD', maintenanceMargin: 0.0075, maxLeverage: 75 },
      { upTo: 2_000_000, upToUnit: 'USD', maintenanceMargin: 0.01, maxLeverage: 50 },
    ],
  };

  it('takes the venue maximum leverage and the tier that holds the typical position', () => {
    expect(chooseTier(table, 100_000, 190)).toEqual({
      maxLeverage: 100,
      maintenanceMargin: 0.005,
      tier: 1,
      tierCount: 3,
    });
    expect(chooseTier(table, 500_000, 190)).toMatchObject({ tier: 1, maintenanceMargin: 0.005 });
    expect(chooseTier(table, 500_001, 190)).toMatchObject({ tier: 2, maintenanceMargin: 0.0075 });
    // Beyond the last bound: the last tier.
    expect(chooseTier(table, 9e9, 190)).toMatchObject({ tier: 3, maintenanceMargin: 0.01, maxLeverage: 100 });
  });

  it('converts coin bounds at the mark price', () => {
    const okx: MarginTable = {
      ...table,
      tiers: [
        { upTo: 200, upToUnit: 'coin', maintenanceMargin: 0.004, maxLeverage: 100 },
        { upTo: 400, upToUnit: 'coin', maintenanceMargin: 0.005, maxLeverage: 75 },
      ],
    };
    // 200 BTC at 97,000 = 19.4M USD: a 20M position is in tier 2.
    expect(chooseTier(okx, 20_000_000, 97_000)).toMatchObject({ tier: 2, maintenanceMargin: 0.005 });
    expect(chooseTier(okx, 19_000_000, 97_000)).toMatchObject({ tier: 1, maintenanceMargin: 0.004 });
  });

  it('refuses tables that make no sense', () => {
    expect(tierProblem({ ...table, tiers: [] })).toBe('no tiers');
    expect(
      chooseTier(
        { ...table, tiers: [{ upTo: 1e6, upToUnit: 'USD', maintenanceMargin: 0.02, maxLeverage: 100 }] },
        1e5,
        1,
      ),
    ).toEqual({ problem: 'tier 1: maintenance margin 0.02 above the initial margin 1/100' });
    expect(
      tierProblem({
        ...table,
        tiers: [{ upTo: 1e6, upToUnit: 'USD', maintenanceMargin: 0, maxLeverage: 10 }],
      }),
    ).toBe('tier 1: maintenance margin 0');
  });

  it('reads rates in decimal or in percent by the initial margin = 1/maxLeverage', () => {
    expect(marginRates(0.01, 0.005, 100)).toEqual({ initial: 0.01, maintenance: 0.005, unit: 'decimal' });
    expect(marginRates(1, 0.5, 100)).toEqual({ initial: 0.01, maintenance: 0.005, unit: 'percent' });
    expect(marginRates(1.5, 1, 66.67)).toEqual({ initial: 0.015, maintenance: 0.01, unit: 'percent' });
    expect(marginRates(0.05, 0.01, 100)).toBeUndefined();
  });
});

describe('liquidityFields', () => {
  const T = '2026-11-22T00:00:00.000Z';
  const lastAsOf = '2026-11-21T23:30:00.000Z';
  const bybit: FundMarket = {
    id: 'SOL-PERP-BYBIT',
    venue: 'bybit',
    symbol: 'SOLUSDT',
    volSource: [{ type: 'realized' }],
    maintenanceMargin: 0.0055,
    historyDays: 90,
  };
  const profile = [
    { margin: 0.02, share: 0.5 },
    { margin: 0.1, share: 0.5 },
  ];
  const depth = [{ distance: 0.01, bidUsd: 10, askUsd: 11 }];
  const last: SnapshotMarket = {
    id: 'SOL-PERP-BYBIT',
    priceUsd: 190,
    openInterestUsd: 1e9,
    dailyVolumeUsd: 1e9,
    impliedVol: 0.8,
    maintenanceMargin: 0.006,
    maxLeverage: 90,
    depthUsd: [{ distance: 0.01, bidUsd: 7, askUsd: 8 }],
    leverageProfile: profile,
    provenance: {},
  };
  const base = {
    fundMarket: bybit,
    tierSource: 'endpoint' as const,
    leverageProfile: profile,
    last,
    lastAsOf,
    asOf: T,
    maxStaleMinutes: 120,
  };
  const choice = {
    choice: { maxLeverage: 100, maintenanceMargin: 0.005, tier: 1, tierCount: 6 },
    endpoint: '/x',
  };

  it('takes this run’s depth and tiers when both answered', () => {
    const r = liquidityFields({ ...base, depth: { depthUsd: depth }, tiers: choice });
    expect(r).toEqual({
      maintenanceMargin: 0.005,
      maxLeverage: 100,
      depthUsd: depth,
      provenance: { maintenanceMarginSource: '/x tier 1/6' },
      flags: [],
      expired: false,
    });
  });

  it('stale-fills a missing book from the last run, then degrades once the depth is too old', () => {
    const r = liquidityFields({
      ...base,
      depth: { error: 'bybit /v5/market/orderbook: HTTP 503' },
      tiers: choice,
    });
    expect(r.depthUsd).toEqual(last.depthUsd);
    expect(r.provenance.depthSince).toBe(lastAsOf);
    expect(r.flags).toEqual([
      {
        marketId: 'SOL-PERP-BYBIT',
        code: 'DEPTH_STALE_FILLED',
        detail: `bybit /v5/market/orderbook: HTTP 503; using the depth observed at ${lastAsOf} (30 min old)`,
      },
    ]);
    expect(r.expired).toBe(false);
    const older = liquidityFields({
      ...base,
      last: { ...last, provenance: { depthSince: '2026-11-21T20:00:00.000Z' } },
      depth: { error: 'down' },
      tiers: choice,
    });
    expect(older.flags[0]?.code).toBe('DEPTH_STALE_EXPIRED');
    expect(older.provenance.depthSince).toBe('2026-11-21T20:00:00.000Z');
    expect(older.expired).toBe(true);
    const none = liquidityFields({ ...base, last: undefined, depth: { error: 'down' }, tiers: choice });
    expect(none.depthUsd).toBeUndefined();
    expect(none.flags[0]).toEqual({
      marketId: 'SOL-PERP-BYBIT',
      code: 'DEPTH_MISSING',
      detail: 'down; no depth (square-root impact)',
    });
  });

  it('falls back for tiers to the last run, then to the config', () => {
    const stale = liquidityFields({
      ...base,
      depth: { depthUsd: depth },
      tiers: { error: 'risk-limit down' },
    });
    expect(stale).toMatchObject({ maintenanceMargin: 0.006, maxLeverage: 90 });
    expect(stale.flags.map((f) => f.code)).toEqual(['TIERS_STALE_FILLED']);
    const first = liquidityFields({
      ...base,
      last: undefined,
      depth: { depthUsd: depth },
      tiers: { error: 'risk-limit down' },
    });
    expect(first.maintenanceMargin).toBe(0.0055);
    expect(first.maxLeverage).toBeUndefined();
    expect(first.flags[0]).toEqual({
      marketId: 'SOL-PERP-BYBIT',
      code: 'TIERS_MISSING',
      detail: 'risk-limit down; maintenance margin 0.0055 from the fund config',
    });
  });

  it('takes a config venue’s margin from the config and its leverage from the registry defaults', () => {
    const binance: FundMarket = {
      ...bybit,
      id: 'BTC-B',
      venue: 'binance',
      symbol: 'BTCUSDT',
      maintenanceMargin: 0.004,
    };
    const r = liquidityFields({
      ...base,
      fundMarket: binance,
      tierSource: 'config',
      depth: { depthUsd: depth },
      tiers: undefined,
    });
    expect(r).toMatchObject({
      maintenanceMargin: 0.004,
      maxLeverage: 125,
      provenance: { maintenanceMarginSource: 'config' },
    });
    const other = liquidityFields({
      ...base,
      fundMarket: { ...binance, symbol: 'LINKUSDT' },
      tierSource: 'config',
      depth: { depthUsd: depth },
      tiers: undefined,
    });
    expect(other.maxLeverage).toBe(75);
    const configured = liquidityFields({
      ...base,
      fundMarket: { ...binance, maxLeverage: 20 },
      tierSource: 'config',
      depth: { depthUsd: depth },
      tiers: undefined,
    });
    expect(configured.maxLeverage).toBe(20);
  });

  it('lifts a bucket at or below a risen maintenance margin just above it, flagged (schemaVersion 2 refuses it)', () => {
    const high = {
      choice: { maxLeverage: 50, maintenanceMargin: 0.02, tier: 3, tierCount: 6 },
      endpoint: '/x',
    };
    const r = liquidityFields({ ...base, depth: { depthUsd: depth }, tiers: high });
    expect(r.leverageProfile).toEqual([
      { margin: 0.021, share: 0.5 },
      { margin: 0.1, share: 0.5 },
    ]);
    expect(r.leverageProfileShort).toBeUndefined();
    expect(r.flags).toEqual([
      {
        marketId: 'SOL-PERP-BYBIT',
        code: 'TIERS_ABOVE_PROFILE',
        detail: 'maintenance margin 0.02 at or above leverage profile buckets (0.02); lifted to 0.021',
      },
    ]);
    const fine = liquidityFields({ ...base, depth: { depthUsd: depth }, tiers: choice });
    expect(fine.leverageProfile).toBeUndefined();
  });
});
