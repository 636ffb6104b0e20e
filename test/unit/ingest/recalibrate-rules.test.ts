import { describe, expect, it } from 'vitest';
import type { FundMarket } from '../../../lambda/config/fund-config.ts';
import { ivProblem, quoteProblems } from '../../../lambda/ingest/recalibrate/sanity.ts';
import { defaultSeed, fnv1a32 } from '../../../lambda/ingest/recalibrate/seed.ts';
import { staleFill } from '../../../lambda/ingest/recalibrate/stale-fill.ts';
import { resolveVol } from '../../../lambda/ingest/vol/vol-chain.ts';
import type { SnapshotMarket } from '../../../lambda/model/schemas.ts';

const PROFILE = [{ margin: 0.1, share: 1 }];
const FUND_MARKET: FundMarket = {
  id: 'BTC-PERP',
  venue: 'binance',
  symbol: 'BTCUSDT',
  volSource: [{ type: 'realized' }],
  maintenanceMargin: 0.004,
  historyDays: 90,
};
const LAST: SnapshotMarket = {
  id: 'BTC-PERP',
  priceUsd: 97_000,
  openInterestUsd: 8e9,
  dailyVolumeUsd: 1.5e10,
  impliedVol: 0.5,
  maintenanceMargin: 0.005,
  leverageProfile: PROFILE,
};

const fill = (last: SnapshotMarket, lastAsOf: string, asOf: string) =>
  staleFill({
    fundMarket: FUND_MARKET,
    leverageProfile: PROFILE,
    last,
    lastAsOf,
    asOf,
    maxStaleMinutes: 120,
    stalePenalty: 0.25,
    reason: 'binance /fapi/v1/premiumIndex: HTTP 503',
  });

describe('staleFill', () => {
  it('reuses the last observation with IV × (1 + penalty) and flags STALE_FILLED within the age limit', () => {
    const r = fill(LAST, '2026-11-22T00:00:00.000Z', '2026-11-22T00:30:00.000Z');
    expect(r.expired).toBe(false);
    expect(r.flag.code).toBe('STALE_FILLED');
    expect(r.market.impliedVol).toBeCloseTo(0.625, 14);
    expect(r.market.openInterestUsd).toBe(8e9);
    expect(r.market.maintenanceMargin).toBe(0.004);
    expect(r.market.provenance).toMatchObject({
      stale: true,
      staleSince: '2026-11-22T00:00:00.000Z',
      unpenalisedVol: 0.5,
    });
  });

  it('keeps a sane fresh quote when only the vol is missing, never valuing below fresh or last', () => {
    const args = {
      fundMarket: FUND_MARKET,
      leverageProfile: PROFILE,
      last: LAST,
      lastAsOf: '2026-11-22T00:00:00.000Z',
      asOf: '2026-11-22T00:30:00.000Z',
      maxStaleMinutes: 120,
      stalePenalty: 0.25,
      reason: 'no implied-vol source answered and no realized vol',
    };
    // OI grew and volume fell since the last run: both fresh values are the more conservative ones.
    const grown = staleFill({
      ...args,
      freshQuote: { priceUsd: 99_000, openInterestUsd: 9.5e9, dailyVolumeUsd: 1.2e10 },
    });
    expect(grown.market).toMatchObject({ priceUsd: 99_000, openInterestUsd: 9.5e9, dailyVolumeUsd: 1.2e10 });
    expect(grown.market.impliedVol).toBeCloseTo(0.625, 14);
    expect(grown.flag.detail).toContain('fresh quote kept');
    // OI fell and volume rose: the last values stand.
    const shrunk = staleFill({
      ...args,
      freshQuote: { priceUsd: 95_000, openInterestUsd: 6e9, dailyVolumeUsd: 2e10 },
    });
    expect(shrunk.market).toMatchObject({ priceUsd: 95_000, openInterestUsd: 8e9, dailyVolumeUsd: 1.5e10 });
  });

  it('marks data older than maxStaleMinutes STALE_EXPIRED (snapshot degraded)', () => {
    const r = fill(LAST, '2026-11-22T00:00:00.000Z', '2026-11-22T02:01:00.000Z');
    expect(r.expired).toBe(true);
    expect(r.flag.code).toBe('STALE_EXPIRED');
  });

  it('neither compounds the penalty nor resets the age when the last market was itself stale', () => {
    const first = fill(LAST, '2026-11-22T00:00:00.000Z', '2026-11-22T01:00:00.000Z');
    const second = fill(first.market, '2026-11-22T01:00:00.000Z', '2026-11-22T02:30:00.000Z');
    expect(second.market.impliedVol).toBeCloseTo(0.625, 14);
    expect(second.expired).toBe(true);
    expect(second.market.provenance?.staleSince).toBe('2026-11-22T00:00:00.000Z');
  });
});

describe('sanity bounds', () => {
  it('names every nonsense field of a quote', () => {
    expect(quoteProblems({ priceUsd: 0, openInterestUsd: -1, dailyVolumeUsd: 0 })).toEqual([
      'price 0 <= 0',
      'open interest -1 < 0',
      '24h volume 0 <= 0',
    ]);
    expect(quoteProblems({ priceUsd: 1, openInterestUsd: 0, dailyVolumeUsd: 1 })).toEqual([]);
  });

  it('rejects IV ≤ 0 and > 10', () => {
    expect(ivProblem(0)).toBe('IV 0 <= 0');
    expect(ivProblem(10.5)).toBe('IV 10.5 > 10');
    expect(ivProblem(10)).toBeUndefined();
  });

  it('rejects OI and volume above 10 trillion USD and prices above a billion, which the table could not store', () => {
    expect(quoteProblems({ priceUsd: 2e9, openInterestUsd: 1e300, dailyVolumeUsd: 1e14 })).toEqual([
      'price 2000000000 > 1000000000',
      'open interest 1e+300 USD > 10000000000000',
      '24h volume 100000000000000 USD > 10000000000000',
    ]);
  });
});

describe('default seed', () => {
  it('is FNV-1a 32-bit (reference vectors)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('derives from fundId and asOf', () => {
    expect(defaultSeed('demo-perps', '2026-11-22T00:00:00.000Z')).toBe(
      fnv1a32('demo-perps|2026-11-22T00:00:00.000Z'),
    );
    expect(defaultSeed('demo-perps', '2026-11-22T00:15:00.000Z')).not.toBe(
      defaultSeed('demo-perps', '2026-11-22T00:00:00.000Z'),
    );
  });
});

describe('resolveVol', () => {
  it('takes the first sane source and flags the ones that failed', async () => {
    const r = await resolveVol(
      [
        { type: 'dvol', currency: 'BTC' },
        { type: 'atm-options', venue: 'okx', underlying: 'BTC-USD' },
        { type: 'realized' },
      ],
      {
        dvol: async () => {
          throw new Error('deribit down');
        },
        atmOptions: async () => 12,
        realized: 0.41,
      },
      'BTC-PERP',
    );
    expect(r.choice).toEqual({ vol: 0.41, source: 'realized' });
    expect(r.flags.map((f) => [f.code, f.detail])).toEqual([
      ['VOL_SOURCE_FAILED', 'dvol:BTC: deribit down'],
      ['SANITY_IV', 'atm-options:okx:BTC-USD: IV 12 > 10'],
    ]);
  });

  it('returns no choice when every source is empty', async () => {
    const r = await resolveVol(
      [{ type: 'realized' }],
      { dvol: async () => 0.5, atmOptions: async () => undefined, realized: undefined },
      'X',
    );
    expect(r.choice).toBeUndefined();
    expect(r.flags[0]?.code).toBe('VOL_SOURCE_EMPTY');
  });
});
