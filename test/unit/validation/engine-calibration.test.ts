import { describe, expect, it } from 'vitest';
import { createPathEngine } from '../../../lambda/model/engines/path/path-engine.ts';
import type { MarketSnapshot, SnapshotMarket, StressScenario } from '../../../lambda/model/schemas.ts';
import { validateSnapshot } from '../../../lambda/model/validate-snapshot.ts';

function book(
  market: Partial<SnapshotMarket>,
  liquidation: MarketSnapshot['model']['liquidation'],
): MarketSnapshot {
  return validateSnapshot(
    {
      schemaVersion: 2,
      fundId: 'engine-test',
      asOf: '2026-11-22T00:00:00Z',
      fundBalanceUsd: null,
      markets: [
        {
          id: 'M',
          priceUsd: 100,
          openInterestUsd: 1e9,
          dailyVolumeUsd: 1e9,
          impliedVol: 0.6,
          maintenanceMargin: 0.005,
          leverageProfile: [{ margin: 0.1, share: 1 }],
          ...market,
        },
      ],
      correlation: [[1]],
      model: {
        horizonHours: 2,
        confidence: 0.99,
        tailDof: 3,
        seed: 1,
        impactCoefficient: 1,
        buffer: 0,
        stressScenarios: [],
        ...(liquidation === undefined ? {} : { liquidation }),
      },
    },
    'engine test',
  ).snapshot;
}

const fall = (recorded: boolean): StressScenario => ({
  name: 'fall',
  liquidityFactor: 1,
  recorded,
  path: [
    [0, { M: 0 }],
    [120, { M: -0.08 }],
  ],
});

describe('the calibrated liquidation engine', () => {
  it('fills a recorded path at its own prices: with ample throughput the fund keeps exactly mm of what it closes', () => {
    const snapshot = book({}, { throughputMultiple: 1e6, permanentImpactShare: 0.67 });
    const replay = createPathEngine(snapshot, Float64Array.of(1)).replay(fall(true));
    // Longs at distances [0.05, 0.15] triggered by the −8% path: (0.085 − 0.05)/0.1 of them, each
    // closed 0.5% above bankruptcy.
    const closed = (1e9 * (0.085 - 0.05)) / 0.1;
    expect(replay.outcome.liquidatedNotionalUsd).toBeCloseTo(closed, 0);
    expect(replay.outcome.badDebtUsd).toBe(0);
    expect(replay.outcome.liquidationIncomeUsd).toBeCloseTo(0.005 * closed, 0);
  });

  it('charges the same fills the square-root slippage when the path is not recorded', () => {
    const snapshot = book({}, { throughputMultiple: 1e6, permanentImpactShare: 0 });
    const recorded = createPathEngine(snapshot, Float64Array.of(1)).replay(fall(true)).netLossUsd;
    const exogenous = createPathEngine(snapshot, Float64Array.of(1)).replay(fall(false)).netLossUsd;
    expect(recorded).toBeCloseTo(-0.005 * 3.5e8, 0);
    // The same closes pay k·σ/√365·√(q/V) each: the fund now loses $759K instead of earning $1.75M.
    expect(exogenous).toBeCloseTo(758_962.48, 1);
  });

  it('scales throughput by λ^a: with a = 0 the queue at λ = 0.05 moves 20× faster and owes less', () => {
    const scenario = { ...fall(true), liquidityFactor: 0.05 };
    const coupled = createPathEngine(
      book({}, { throughputMultiple: 1, permanentImpactShare: 0 }),
      Float64Array.of(1),
    ).replay(scenario);
    const decoupled = createPathEngine(
      book({}, { throughputMultiple: 1, permanentImpactShare: 0, throughputLiquidityExponent: 0 }),
      Float64Array.of(1),
    ).replay(scenario);
    expect(coupled.outcome.badDebtUsd).toBeCloseTo(4_466_441.21, 1);
    expect(decoupled.outcome.badDebtUsd).toBeCloseTo(3_831_114.97, 1);
  });
});
