import { describe, expect, it } from 'vitest';
import type { OptionQuote } from '../../../lambda/ingest/venues/venue-adapter.ts';
import { atmIv30d, atmIvOfExpiry } from '../../../lambda/ingest/vol/atm-iv.ts';

const DAY = 86_400_000;
const AS_OF = Date.parse('2026-11-22T00:00:00Z');

function q(
  days: number,
  strike: number,
  kind: 'C' | 'P',
  markIv: number,
  forward: number,
  extra: Partial<OptionQuote> = {},
): OptionQuote {
  return {
    instrument: `X-${days}-${strike}-${kind}`,
    expiryMs: AS_OF + days * DAY,
    strike,
    kind,
    markIv,
    openInterest: 10,
    hasBid: true,
    forward,
    ...extra,
  };
}

/**
 * Hand-worked chain:
 * - 5-day expiry (IV 0.90): too close, ignored.
 * - 20-day expiry, forward 100: K=95 call/put 0.52/0.54 → 0.53; K=105 0.48/0.50 → 0.49; the K=100 quotes
 *   are zero-OI (IV 3.0) and no-bid (IV 2.0) and must be ignored ⇒ ATM at 100 = 0.53 + (0.49−0.53)·5/10 = 0.51.
 * - 40-day expiry, forward 101: K=100 0.56/0.58 → 0.57; K=105 0.54/0.54 → 0.54 ⇒ 0.57 − 0.03·1/5 = 0.564.
 * - 60-day expiry: beyond the bracketing pair, unused.
 * Total variance at 30 days: w = (0.51²·20 + 0.564²·40)/2 /365, σ = √(w·365/30) = 0.546593084…
 */
const CHAIN: OptionQuote[] = [
  q(5, 100, 'C', 0.9, 100),
  q(5, 100, 'P', 0.9, 100),
  q(20, 95, 'C', 0.52, 100),
  q(20, 95, 'P', 0.54, 100),
  q(20, 100, 'C', 3.0, 100, { openInterest: 0 }),
  q(20, 100, 'P', 2.0, 100, { hasBid: false }),
  q(20, 105, 'C', 0.48, 100),
  q(20, 105, 'P', 0.5, 100),
  q(40, 100, 'C', 0.56, 101),
  q(40, 100, 'P', 0.58, 101),
  q(40, 105, 'C', 0.54, 101),
  q(40, 105, 'P', 0.54, 101),
  q(60, 100, 'C', 0.7, 102),
  q(60, 100, 'P', 0.7, 102),
];

describe('atmIv30d', () => {
  it('interpolates the hand-worked chain in total variance to 30 days', () => {
    const r = atmIv30d(CHAIN, AS_OF);
    expect(r?.iv).toBeCloseTo(0.5465930844787555, 12);
    expect(r?.expiries.map((e) => Math.round((e.expiryMs - AS_OF) / DAY))).toEqual([20, 40]);
    expect(r?.expiries[0]?.atmIv).toBeCloseTo(0.51, 12);
    expect(r?.expiries[1]?.atmIv).toBeCloseTo(0.564, 12);
  });

  it('uses flat vol when the nearest eligible expiry is already beyond 30 days', () => {
    const r = atmIv30d(
      CHAIN.filter((x) => x.expiryMs - AS_OF >= 40 * DAY),
      AS_OF,
    );
    expect(r?.iv).toBeCloseTo(0.564, 12);
  });

  it('extrapolates flat in vol when both expiries are under 30 days', () => {
    const r = atmIv30d([q(10, 100, 'C', 0.4, 100), q(20, 100, 'C', 0.6, 100)], AS_OF);
    expect(r?.iv).toBeCloseTo(0.6, 12);
  });

  it('uses the expiries closest to 30 days when all are shorter, not the nearest ones', () => {
    const r = atmIv30d(
      [
        q(8, 100, 'C', 0.9, 100),
        q(15, 100, 'C', 0.7, 100),
        q(22, 100, 'C', 0.5, 100),
        q(29, 100, 'C', 0.45, 100),
      ],
      AS_OF,
    );
    expect(r?.expiries.map((e) => Math.round((e.expiryMs - AS_OF) / DAY))).toEqual([22, 29]);
    expect(r?.iv).toBeCloseTo(0.45, 12);
  });

  it('returns undefined when every quote is unusable or too close', () => {
    expect(
      atmIv30d([q(5, 100, 'C', 0.5, 100), q(20, 100, 'C', 0.5, 100, { openInterest: 0 })], AS_OF),
    ).toBeUndefined();
  });

  it('keeps quotes with unknown OI (Binance) when they have a bid', () => {
    expect(atmIv30d([q(30, 100, 'C', 0.45, 100, { openInterest: null })], AS_OF)?.iv).toBeCloseTo(0.45, 12);
  });
});

describe('atmIvOfExpiry', () => {
  it('takes the nearest strike when the forward is outside the strikes', () => {
    expect(atmIvOfExpiry([q(30, 90, 'C', 0.6, 120), q(30, 100, 'C', 0.5, 120)], 120)).toBe(0.5);
    expect(atmIvOfExpiry([q(30, 90, 'C', 0.6, 80), q(30, 100, 'C', 0.5, 80)], 80)).toBe(0.6);
  });
});
