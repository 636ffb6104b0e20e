/**
 * The policy layer after the engine: required = max(model requirement + non-market add-ons, floor),
 * floor = max(share × open interest, minimum); the floor is the binding term when it is the larger.
 * Exact numbers on a hand-written engine result, then through computeReserve on the hand book.
 */
import { describe, expect, it } from 'vitest';
import { applyPolicy } from '../../../lambda/model/policy.ts';
import type { PolicyParams } from '../../../lambda/model/policy-schema.ts';
import { computeReserve } from '../../../lambda/model/reserve.ts';
import {
  MarketSnapshotSchema,
  type ReserveResult,
  ReserveResultSchema,
} from '../../../lambda/model/schemas.ts';
import { validateSnapshot } from '../../../lambda/model/validate-snapshot.ts';
import { InvalidInputError } from '../../../lambda/model/validation.ts';
import { market, snapshot } from './snapshot-builder.ts';

/** Two markets of 1e9 open interest and 4e9 daily volume each; balance 1e8; buffer 0.25. */
function policySnapshot(policy?: PolicyParams, balance: number | null = 1e8) {
  return snapshot([market('BTC-PERP'), market('ETH-PERP')], policy === undefined ? {} : { policy }, {
    fundBalanceUsd: balance,
  });
}

/** An engine result: required 9.5e7 = 1.25 × the worst stress loss 7.6e7; coverage 1e8 / 9.5e7. */
function engineResult(overrides: Partial<ReserveResult> = {}): ReserveResult {
  return ReserveResultSchema.parse({
    fundId: 'test-fund',
    asOf: '2026-11-22T00:00:00Z',
    modelVersion: '1.0.0',
    fundBalanceUsd: 1e8,
    requiredReserveUsd: 9.5e7,
    coverageRatio: 1e8 / 9.5e7,
    coverageStatus: 'OK',
    status: 'OK',
    monteCarlo: {
      paths: 2000,
      seed: 42,
      confidence: 0.999,
      tailDof: 3,
      varUsd: 1e7,
      esUsd: 2e7,
      esStdErrorUsd: 1e6,
      tailCount: 2,
      seconds: 0,
    },
    stress: [{ name: 'drop', lossUsd: 7.6e7, liquidityFactor: 0.25, byMarket: { 'BTC-PERP': 7.6e7 } }],
    cover2Usd: null,
    byMarket: [
      { id: 'BTC-PERP', esContributionUsd: 2e7, worstStressLossUsd: 7.6e7 },
      { id: 'ETH-PERP', esContributionUsd: 0, worstStressLossUsd: 0 },
    ],
    binding: 'stress',
    recommendation: { shortfallUsd: 0, feeBpsToCloseIn30Days: null, releasableUsd: 0 },
    warnings: [],
    ...overrides,
  });
}

describe('applyPolicy', () => {
  it('returns the engine result itself without a policy', () => {
    const result = engineResult();
    expect(applyPolicy(policySnapshot(), result)).toBe(result);
  });

  it('a floor of 6% of open interest binds: 1.2e8 over the model 9.5e7, coverage 83.3% (WARN)', () => {
    const result = applyPolicy(policySnapshot({ floors: { openInterestShare: 0.06 } }), engineResult());
    expect(ReserveResultSchema.parse(result)).toEqual(result);
    expect(result.requiredReserveUsd).toBe(1.2e8);
    expect(result.binding).toBe('floor');
    expect(result.coverageRatio).toBe(1e8 / 1.2e8);
    expect(result.coverageStatus).toBe('WARN');
    expect(result.status).toBe('WARN');
    // Shortfall 2e7 over 30 days of 8e9 daily volume: 2e7 / 2.4e11 = 0.8333 bps.
    expect(result.recommendation).toEqual({
      shortfallUsd: 2e7,
      feeBpsToCloseIn30Days: (2e7 / 2.4e11) * 1e4,
      releasableUsd: 0,
    });
    expect(result.policy).toEqual({
      modelRequirementUsd: 9.5e7,
      modelBinding: 'stress',
      addOns: [],
      addOnsUsd: 0,
      floor: { usd: 1.2e8, openInterestUsd: 2e9, openInterestShare: 0.06, minimumUsd: null },
    });
  });

  it('a fixed minimum of 5e7 does not bind: the model term stays binding, the numbers unchanged', () => {
    const engine = engineResult();
    const result = applyPolicy(policySnapshot({ floors: { minimumUsd: 5e7 } }), engine);
    expect(result).toEqual({
      ...engine,
      policy: {
        modelRequirementUsd: 9.5e7,
        modelBinding: 'stress',
        addOns: [],
        addOnsUsd: 0,
        floor: { usd: 5e7, openInterestUsd: 2e9, openInterestShare: null, minimumUsd: 5e7 },
      },
    });
  });

  it('with both, the floor is the larger of the share (4e7) and the minimum (1.5e8)', () => {
    const result = applyPolicy(
      policySnapshot({ floors: { openInterestShare: 0.02, minimumUsd: 1.5e8 } }),
      engineResult(),
    );
    expect(result.requiredReserveUsd).toBe(1.5e8);
    expect(result.binding).toBe('floor');
    expect(result.policy?.floor).toEqual({
      usd: 1.5e8,
      openInterestUsd: 2e9,
      openInterestShare: 0.02,
      minimumUsd: 1.5e8,
    });
    // Coverage 1e8 / 1.5e8 = 66.7% is below breach at 1 / 1.25 = 80%.
    expect(result.coverageStatus).toBe('BREACH');
  });

  it('adds the non-market add-ons to the model requirement: 9.5e7 + 5% of 2e8 + 5e6 = 1.1e8', () => {
    const result = applyPolicy(
      policySnapshot({
        addOns: [
          { kind: 'share-of-value', name: 'smart-contract failure', share: 0.05, valueUsd: 2e8 },
          { kind: 'fixed', name: 'oracle failure', amountUsd: 5e6 },
        ],
      }),
      engineResult(),
    );
    expect(ReserveResultSchema.parse(result)).toEqual(result);
    expect(result.requiredReserveUsd).toBe(1.1e8);
    expect(result.binding).toBe('stress');
    expect(result.coverageRatio).toBe(1e8 / 1.1e8);
    expect(result.coverageStatus).toBe('WARN');
    expect(result.recommendation.shortfallUsd).toBe(1e7);
    expect(result.policy).toEqual({
      modelRequirementUsd: 9.5e7,
      modelBinding: 'stress',
      addOns: [
        { kind: 'share-of-value', name: 'smart-contract failure', share: 0.05, valueUsd: 2e8, usd: 1e7 },
        { kind: 'fixed', name: 'oracle failure', usd: 5e6 },
      ],
      addOnsUsd: 1.5e7,
      floor: null,
    });
  });

  it('puts the floor under model + add-ons, not under the model alone', () => {
    const addOns = [{ kind: 'fixed' as const, name: 'oracle failure', amountUsd: 1.5e7 }];
    // 9.5e7 + 1.5e7 = 1.1e8 is above a 1e8 floor: the model term binds at 1.1e8.
    const above = applyPolicy(policySnapshot({ addOns, floors: { minimumUsd: 1e8 } }), engineResult());
    expect([above.requiredReserveUsd, above.binding]).toEqual([1.1e8, 'stress']);
    // A 1.2e8 floor is above 1.1e8: it binds, and the add-ons are inside it, not on top.
    const below = applyPolicy(policySnapshot({ addOns, floors: { minimumUsd: 1.2e8 } }), engineResult());
    expect([below.requiredReserveUsd, below.binding, below.policy?.addOnsUsd]).toEqual([
      1.2e8,
      'floor',
      1.5e7,
    ]);
  });

  it('a floor equal to the model requirement does not bind (the model term names it)', () => {
    const result = applyPolicy(policySnapshot({ floors: { minimumUsd: 9.5e7 } }), engineResult());
    expect([result.requiredReserveUsd, result.binding]).toEqual([9.5e7, 'stress']);
  });

  it('releases only above the multiple of the floored requirement', () => {
    // Balance 4e8 against a floor of 1.2e8: 4e8 − 1.5 × 1.2e8 = 2.2e8 releasable (not 4e8 − 1.5 × 9.5e7).
    const result = applyPolicy(
      policySnapshot({ floors: { openInterestShare: 0.06 } }, 4e8),
      engineResult({ fundBalanceUsd: 4e8, coverageRatio: 4e8 / 9.5e7 }),
    );
    expect(result.recommendation).toEqual({
      shortfallUsd: 0,
      feeBpsToCloseIn30Days: null,
      releasableUsd: 2.2e8,
    });
    expect(result.coverageRatio).toBe(4e8 / 1.2e8);
  });

  it('measures coverage on the effective balance of a path-engine result', () => {
    const result = applyPolicy(
      policySnapshot({ floors: { minimumUsd: 2e8 } }),
      engineResult({ engine: 'path', effectiveBalanceUsd: 9e7 }),
    );
    expect(result.coverageRatio).toBe(9e7 / 2e8);
    expect(result.recommendation.shortfallUsd).toBe(1.1e8);
  });

  it('keeps UNKNOWN without a balance and DEGRADED with degraded data', () => {
    const unknown = applyPolicy(
      policySnapshot({ floors: { minimumUsd: 2e8 } }, null),
      engineResult({
        fundBalanceUsd: null,
        coverageRatio: null,
        coverageStatus: 'UNKNOWN',
        status: 'UNKNOWN',
      }),
    );
    expect([unknown.coverageStatus, unknown.status, unknown.coverageRatio]).toEqual([
      'UNKNOWN',
      'UNKNOWN',
      null,
    ]);
    expect(unknown.recommendation.shortfallUsd).toBe(2e8);
    const degraded = snapshot([market('BTC-PERP'), market('ETH-PERP')], {
      policy: { floors: { minimumUsd: 2e8 } },
    });
    degraded.dataQuality = { degraded: true, flags: [] };
    const result = applyPolicy(degraded, engineResult({ status: 'DEGRADED' }));
    expect([result.coverageStatus, result.status]).toEqual(['BREACH', 'DEGRADED']);
  });
});

describe('computeReserve with a policy', () => {
  /** The hand book of reserve.test.ts: ES 0, the 5% drop costs 7.6e7, required 1.25 × 7.6e7. */
  const hand = (policy?: PolicyParams) =>
    snapshot(
      [
        market('HAND', {
          impliedVol: 0.5,
          maintenanceMargin: 0.01,
          leverageProfile: [
            { margin: 0.05, share: 0.16 },
            { margin: 0.1, share: 0.2 },
            { margin: 0.2, share: 0.28 },
            { margin: 0.5, share: 0.36 },
          ],
        }),
      ],
      {
        tailDof: null,
        paths: 1000,
        impactCoefficient: 0.5 * Math.sqrt(365),
        stressScenarios: [{ name: 'drop', shocks: { HAND: -0.05 }, liquidityFactor: 0.25 }],
        ...(policy === undefined ? {} : { policy }),
      },
    );

  it('applies the floor after the engine, and the snapshot carries it for a replay', () => {
    const plain = computeReserve(hand());
    const floored = computeReserve(hand({ floors: { openInterestShare: 0.1 } }));
    expect(plain.binding).toBe('stress');
    expect(floored.requiredReserveUsd).toBe(1e8);
    expect(floored.binding).toBe('floor');
    expect(floored.policy?.modelRequirementUsd).toBe(plain.requiredReserveUsd);
    expect(floored.stress).toEqual(plain.stress);
    expect(MarketSnapshotSchema.parse(hand({ floors: { openInterestShare: 0.1 } })).model.policy).toEqual({
      floors: { openInterestShare: 0.1 },
    });
  });

  it('refuses bad policy values naming the field', () => {
    const refused = (policy: unknown): string => {
      try {
        validateSnapshot(hand(policy as PolicyParams), 'snapshot');
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidInputError);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refused({ floors: { openInterestShare: 1.5 } })).toBe(
      'snapshot: model.policy.floors.openInterestShare: Too big: expected number to be <=1, got 1.5',
    );
    expect(refused({ floors: {} })).toBe(
      'snapshot: model.policy.floors: give openInterestShare, minimumUsd or both, got {}',
    );
    expect(refused({ addOns: [{ kind: 'fixed', name: 'oracle', amountUsd: -1 }] })).toBe(
      'snapshot: model.policy.addOns[0].amountUsd: Too small: expected number to be >=0, got -1',
    );
  });
});
