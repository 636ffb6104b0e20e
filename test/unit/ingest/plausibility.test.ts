import { describe, expect, it } from 'vitest';
import {
  checkOpenInterest,
  DEFAULT_PLAUSIBILITY,
  type OiReading,
} from '../../../lambda/ingest/recalibrate/plausibility.ts';

const T1 = '2026-11-22T00:15:00.000Z';

/** The demo fund's BTC markets as the replay server answers them (OI and 24h volume, USD). */
const binance: OiReading = {
  marketId: 'BTC-PERP-BINANCE',
  venue: 'binance',
  underlying: 'BTC',
  freshOiUsd: 8.285e9,
  dailyVolumeUsd: 15.214e9,
};
const okx: OiReading = {
  marketId: 'BTC-PERP-OKX',
  venue: 'okx',
  underlying: 'BTC',
  freshOiUsd: 2.914e9,
  dailyVolumeUsd: 5.939e9,
};
const deribit: OiReading = {
  marketId: 'BTC-PERP-DERIBIT',
  venue: 'deribit',
  underlying: 'BTC',
  freshOiUsd: 1.118e9,
  dailyVolumeUsd: 0.612e9,
};

function decide(readings: OiReading[], id: string) {
  const decision = checkOpenInterest(readings, DEFAULT_PLAUSIBILITY, T1).get(id);
  if (decision === undefined) throw new Error(`no decision for ${id}`);
  return decision;
}

describe('open-interest plausibility', () => {
  it('accepts the recorded demo readings as they are', () => {
    for (const r of [binance, okx, deribit]) {
      expect(decide([binance, okx, deribit], r.marketId)).toEqual({
        oiUsd: r.freshOiUsd,
        flags: [],
        degraded: false,
      });
    }
  });

  it('raises a first-run OI at 12% of the truth to 0.1 x its volume, flagged and DEGRADED', () => {
    const low = { ...binance, freshOiUsd: 0.12 * 8.285e9 };

    const d = decide([low, okx, deribit], binance.marketId);

    expect(d.oiUsd).toBeCloseTo(1.5214e9, 0);
    expect(d.degraded).toBe(true);
    expect(d.flags).toEqual([
      {
        marketId: 'BTC-PERP-BINANCE',
        code: 'OI_IMPLAUSIBLE',
        detail: 'OI 994200000 USD below 0.1 x the 24h volume 15214000000 USD; raised to 1521400000 USD',
      },
    ]);
  });

  it('raises a first-run OI of 0 to its bound', () => {
    const d = decide([{ ...binance, freshOiUsd: 0 }, okx, deribit], binance.marketId);
    expect(d.oiUsd).toBeCloseTo(1.5214e9, 0);
    expect(d.flags.map((f) => f.code)).toEqual(['OI_IMPLAUSIBLE']);
  });

  it('bounds OI by the other venues of the same underlying when the volume is off too', () => {
    const broken = { ...binance, freshOiUsd: 1e6, dailyVolumeUsd: 2e6 };

    const d = decide([broken, okx, deribit], binance.marketId);

    // 0.02 x the median of OKX (2.914e9) and Deribit (1.118e9) = 0.02 x 2.016e9.
    expect(d.oiUsd).toBeCloseTo(4.032e7, 0);
    expect(d.flags[0]?.detail).toBe(
      'OI 1000000 USD below 0.02 x the median 2016000000 USD of BTC on other venues; raised to 40320000 USD',
    );
  });

  it('holds a drop of more than 50% since the last run at the last value until a second run confirms it', () => {
    const last = { oiUsd: 8.285e9 };
    const first = decide([{ ...binance, freshOiUsd: 3e9, last }, okx, deribit], binance.marketId);

    expect(first).toMatchObject({ oiUsd: 8.285e9, degraded: true, held: { freshOiUsd: 3e9, since: T1 } });
    expect(first.flags[0]).toMatchObject({
      code: 'OI_DROP_HELD',
      detail:
        'OI fell 63.8% since the last run (8285000000 USD -> 3000000000 USD) over the 50% limit, unconfirmed; last value held',
    });

    const held = first.held;
    if (held === undefined) throw new Error('not held');
    const second = decide(
      [{ ...binance, freshOiUsd: 3.2e9, last: { oiUsd: 8.285e9, held } }, okx, deribit],
      binance.marketId,
    );

    expect(second).toEqual({
      oiUsd: 3.2e9,
      degraded: false,
      flags: [
        {
          marketId: 'BTC-PERP-BINANCE',
          code: 'OI_DROP_CONFIRMED',
          detail: `OI fell 61.4% since the last run (8285000000 USD -> 3200000000 USD); confirmed by a second run (first read 3000000000 USD at ${T1}); used`,
        },
      ],
    });
  });

  it('keeps holding when the second reading disagrees with the first by more than 25%', () => {
    const held = { freshOiUsd: 3e9, since: '2026-11-22T00:00:00.000Z' };
    const d = decide(
      [{ ...binance, freshOiUsd: 2e9, last: { oiUsd: 8.285e9, held } }, okx, deribit],
      binance.marketId,
    );
    expect(d).toMatchObject({ oiUsd: 8.285e9, degraded: true, held: { freshOiUsd: 2e9, since: T1 } });
  });

  it('accepts a drop that another venue of the same underlying confirms this run', () => {
    const d = decide(
      [
        { ...binance, freshOiUsd: 3e9, last: { oiUsd: 8.285e9 } },
        { ...okx, freshOiUsd: 1.9e9, last: { oiUsd: 2.914e9 } },
        deribit,
      ],
      binance.marketId,
    );
    expect(d.oiUsd).toBe(3e9);
    expect(d.degraded).toBe(false);
    expect(d.flags[0]?.detail).toBe(
      'OI fell 63.8% since the last run (8285000000 USD -> 3000000000 USD); confirmed by BTC-PERP-OKX on okx falling 34.8%; used',
    );
  });

  it('holds a drop to 12% of the last run even where the bound would let most of it through', () => {
    const d = decide(
      [{ ...binance, freshOiUsd: 0.12 * 8.285e9, last: { oiUsd: 8.285e9 } }, okx, deribit],
      binance.marketId,
    );
    expect(d.oiUsd).toBe(8.285e9);
    expect(d.flags.map((f) => f.code)).toEqual(['OI_IMPLAUSIBLE', 'OI_DROP_HELD']);
  });

  it('keeps a rise of more than 10x (it only raises the reserve) and flags it', () => {
    const d = decide([{ ...binance, last: { oiUsd: 5e8 } }], binance.marketId);
    expect(d.oiUsd).toBe(8.285e9);
    expect(d.degraded).toBe(false);
    expect(d.flags[0]?.code).toBe('SANITY_OI_JUMP');
  });
});
