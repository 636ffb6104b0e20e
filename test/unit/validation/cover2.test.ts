import { describe, expect, it } from 'vitest';
import { createPathEngine } from '../../../lambda/model/engines/path/path-engine.ts';
import { computeReserve } from '../../../lambda/model/reserve.ts';
import type { LargeAccount, MarketSnapshot, StressScenario } from '../../../lambda/model/schemas.ts';
import { validateSnapshot } from '../../../lambda/model/validate-snapshot.ts';

/** A thin market (YFI-like): $67M OI, $5M daily volume, a −43% recorded path over five hours. */
const crash: StressScenario = {
  name: 'thin crash',
  liquidityFactor: 1,
  recorded: true,
  path: [
    [0, { THIN: 0 }],
    [60, { THIN: -0.3 }],
    [180, { THIN: -0.36 }],
    [300, { THIN: -0.43 }],
  ],
};
const whale: LargeAccount = { id: 'whale', marketId: 'THIN', side: 'long', notionalUsd: 5e7, margin: 0.2 };
const minnow: LargeAccount = { id: 'minnow', marketId: 'THIN', side: 'long', notionalUsd: 1e6, margin: 0.2 };
const small: LargeAccount = { id: 'small', marketId: 'THIN', side: 'short', notionalUsd: 2e6, margin: 0.1 };

function thin(volumeUsd: number, accounts: LargeAccount[]): MarketSnapshot {
  return validateSnapshot(
    {
      schemaVersion: 2,
      fundId: 'cover2-test',
      asOf: '2026-11-22T00:00:00Z',
      fundBalanceUsd: 2.25e7,
      markets: [
        {
          id: 'THIN',
          priceUsd: 14_500,
          openInterestUsd: 6.7e7,
          dailyVolumeUsd: volumeUsd,
          impliedVol: 1.5,
          maintenanceMargin: 0.05,
          maxLeverage: 10,
          leverageProfile: [
            { margin: 0.2, share: 0.5 },
            { margin: 0.5, share: 0.5 },
          ],
        },
      ],
      correlation: [[1]],
      model: {
        horizonHours: 2,
        confidence: 0.99,
        tailDof: 3,
        paths: 2000,
        seed: 7,
        impactCoefficient: 1,
        buffer: 0,
        stressScenarios: [crash],
        largestAccounts: accounts,
        liquidation: { throughputMultiple: 20, permanentImpactShare: 0.67 },
      },
    },
    'cover-2 test',
  ).snapshot;
}

const identity = Float64Array.of(1);

function accountsLoss(snapshot: MarketSnapshot, accounts: LargeAccount[]): number {
  const carved = createPathEngine(snapshot, identity, { accounts, mode: 'carve' }).replay(crash);
  const removed = createPathEngine(snapshot, identity, { accounts, mode: 'remove' }).replay(crash);
  return carved.netLossUsd - removed.netLossUsd;
}

describe('path-aware cover-2', () => {
  it('is the loss the two largest accounts add when liquidated through the same engine', () => {
    const snapshot = thin(5e6, [whale, minnow, small]);
    const result = computeReserve(snapshot);
    // On their own: the whale $11.2M, the minnow $230K, the short nothing (a crash is its gain);
    // cover-2 is the whale and the minnow together, queued behind each other in the same engine.
    expect(accountsLoss(snapshot, [whale])).toBeCloseTo(11_233_708.2, 0);
    expect(accountsLoss(snapshot, [minnow])).toBeCloseTo(230_000, 0);
    expect(accountsLoss(snapshot, [small])).toBe(0);
    expect(result.cover2Usd).toBeCloseTo(accountsLoss(snapshot, [whale, minnow]), 2);
    expect(result.cover2Usd).toBeCloseTo(11_412_011.1, 0);
  });

  it('earns the whale’s remaining margin on a deep market: 100× the volume closes it in time', () => {
    // 5% maintenance margin of $50M kept as liquidation income instead of an $11.2M loss.
    expect(accountsLoss(thin(5e8, [whale]), [whale])).toBeCloseTo(-2_500_000, 0);
    expect(computeReserve(thin(5e8, [whale])).cover2Usd).toBe(0);
  });

  it('carves an account into its side without changing the side’s OI, and removes it from that side only', () => {
    const snapshot = thin(5e6, [whale]);
    const carved = createPathEngine(snapshot, identity, { accounts: [whale], mode: 'carve' }).book
      .markets[0]!;
    const removed = createPathEngine(snapshot, identity, { accounts: [whale], mode: 'remove' }).book
      .markets[0]!;
    expect([carved.longOpenInterestUsd, carved.shortOpenInterestUsd]).toEqual([6.7e7, 6.7e7]);
    expect([removed.longOpenInterestUsd, removed.shortOpenInterestUsd]).toEqual([1.7e7, 6.7e7]);
    // 50/67 of the longs sit in the whale's narrow band around 0.2 (±5%): G(0.21) − G(0.19).
    const { edges, cdf } = carved.long;
    const at = (d: number) => {
      let j = 0;
      while (j < edges.length - 2 && d >= edges[j + 1]!) j++;
      return cdf[j]! + carved.long.density[j]! * (d - edges[j]!);
    };
    expect(at(0.21) - at(0.19)).toBeCloseTo(5e7 / 6.7e7 + ((1.7e7 / 6.7e7) * 0.5 * 0.02) / 0.2, 9);
  });
});
