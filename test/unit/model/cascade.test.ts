import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  badDebt,
  buildLiquidationBook,
  cascadeMove,
  cascadeTable,
} from '../../../lambda/model/engines/gap/liquidation-book.ts';
import { scenarioLoss } from '../../../lambda/model/engines/gap/scenario-loss.ts';
import { computeReserve } from '../../../lambda/model/reserve.ts';
import type { SnapshotMarket } from '../../../lambda/model/schemas.ts';
import { market, snapshot } from './snapshot-builder.ts';

/**
 * The hand-computed book. σ = 0.5 and k = 0.5·√365 make k·σ/√365 = 0.25; daily volume 4e9 at
 * λ = 0.25 is 1e9 = OI, so the impact of liquidating a fraction q of OI is exactly 0.25·√q.
 * maintenanceMargin 0.01 puts the thresholds at 0.04, 0.09, 0.19, 0.49.
 */
const OI = 1e9;
const HAND: SnapshotMarket = market('HAND', {
  openInterestUsd: OI,
  dailyVolumeUsd: 4e9,
  impliedVol: 0.5,
  maintenanceMargin: 0.01,
  leverageProfile: [
    { margin: 0.2, share: 0.28 },
    { margin: 0.05, share: 0.16 },
    { margin: 0.5, share: 0.36 },
    { margin: 0.1, share: 0.2 },
  ],
});
const K = 0.5 * Math.sqrt(365);
const LAMBDA = 0.25;

function expectRelative(actual: number, expected: number, tolerance = 1e-9): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

/** The gap model's cascade (docs/MODEL.md §9) transcribed literally: iterate x = min(x0 + I(Q), cap) until the set is stable. */
function literalCascade(m: SnapshotMarket, k: number, lambda: number, x0: number, cap: number): number {
  const liquidatedAt = (x: number) => m.leverageProfile.map((b) => x >= b.margin - m.maintenanceMargin);
  let set = liquidatedAt(x0);
  let x = x0;
  for (let round = 0; round <= m.leverageProfile.length + 1; round++) {
    const q = m.openInterestUsd * m.leverageProfile.reduce((s, b, i) => s + (set[i] ? b.share : 0), 0);
    x = Math.min(x0 + k * (m.impliedVol / Math.sqrt(365)) * Math.sqrt(q / (m.dailyVolumeUsd * lambda)), cap);
    const next = liquidatedAt(x);
    if (next.every((v, i) => v === set[i])) break;
    set = next;
  }
  return x;
}

describe('liquidation cascade (hand-computed)', () => {
  const book = buildLiquidationBook(HAND, K);
  const table = cascadeTable(book, LAMBDA);

  it('runs three rounds of impact from a 5% drop', () => {
    // x0 = 0.05 ≥ 0.04: bucket 0.05 goes (q = 0.16), I = 0.25·0.4 = 0.10, x = 0.15
    // 0.15 ≥ 0.09: bucket 0.10 goes (q = 0.36), I = 0.25·0.6 = 0.15, x = 0.20
    // 0.20 ≥ 0.19: bucket 0.20 goes (q = 0.64), I = 0.25·0.8 = 0.20, x = 0.25 < 0.49: stop.
    const x = cascadeMove(book, table, 0.05, 1);
    expectRelative(x, 0.25);
    // Bad debt: 0.16·(0.25−0.05) + 0.20·(0.25−0.10) + 0.28·(0.25−0.20) = 0.032 + 0.03 + 0.014 = 0.076.
    expectRelative(badDebt(book, x), 0.076 * OI);
    expectRelative(
      scenarioLoss(snapshot([HAND], { impactCoefficient: K }), { HAND: -0.05 }, LAMBDA).totalUsd,
      7.6e7,
    );
  });

  it('runs the same three rounds for shorts on a 4.5% rise', () => {
    // 0.045 → 0.145 → 0.195 → 0.245; debt 0.16·0.195 + 0.20·0.145 + 0.28·0.045 = 0.0728.
    const loss = scenarioLoss(snapshot([HAND], { impactCoefficient: K }), { HAND: 0.045 }, LAMBDA);
    expectRelative(loss.totalUsd, 0.0728 * OI);
    expect(loss.byMarket).toEqual({ HAND: loss.totalUsd });
  });

  it('caps the long side at a 100% move and leaves shorts uncapped', () => {
    // x0 = 0.8 liquidates everything (q = 1), I = 0.25: longs min(1.05, 1) = 1, shorts 1.05.
    const s = snapshot([HAND], { impactCoefficient: K });
    // Longs: 0.16·0.95 + 0.20·0.90 + 0.28·0.80 + 0.36·0.50 = 0.736.
    expectRelative(scenarioLoss(s, { HAND: -0.8 }, LAMBDA).totalUsd, 0.736 * OI);
    // Shorts: 0.16·1.00 + 0.20·0.95 + 0.28·0.85 + 0.36·0.55 = 0.786.
    expectRelative(scenarioLoss(s, { HAND: 0.8 }, LAMBDA).totalUsd, 0.786 * OI);
    // A −100% return is a move of exactly 1 even before impact.
    expectRelative(scenarioLoss(s, { HAND: -1 }, LAMBDA).totalUsd, 0.736 * OI);
  });

  it('liquidates nothing below the first threshold and loses nothing at r = 0', () => {
    const s = snapshot([HAND], { impactCoefficient: K });
    expect(scenarioLoss(s, { HAND: -0.039 }, LAMBDA).totalUsd).toBe(0);
    expect(scenarioLoss(s, { HAND: 0 }, LAMBDA).totalUsd).toBe(0);
    expect(scenarioLoss(s, {}, LAMBDA).totalUsd).toBe(0);
  });

  it('liquidates without bad debt when impact stays within margin', () => {
    // Without impact (k = 0) a 4.5% drop liquidates the 0.05 bucket (threshold 0.04) but 0.045 < 0.05.
    const s = snapshot([HAND], { impactCoefficient: 0 });
    expect(scenarioLoss(s, { HAND: -0.045 }, LAMBDA).totalUsd).toBe(0);
    // 6% drop, no impact: 0.16·0.01 = 0.0016.
    expectRelative(scenarioLoss(s, { HAND: -0.06 }, LAMBDA).totalUsd, 0.0016 * OI);
  });

  it('applies each stress scenario with its liquidity factor and the "*" default', () => {
    const other = market('OTHER', { ...HAND, id: 'OTHER' });
    const s = snapshot([HAND, other], {
      impactCoefficient: K,
      stressScenarios: [
        { name: 'drop', shocks: { HAND: -0.05, '*': 0.045 }, liquidityFactor: LAMBDA },
        // λ = 1 halves the impact (0.125·√q): 0.05 → 0.10 → 0.125 → stop (0.125 < 0.19):
        // debt 0.16·0.075 + 0.20·0.025 = 0.017.
        { name: 'deep book', shocks: { '*': -0.05 }, liquidityFactor: 1 },
      ],
    });
    const result = computeReserve({ ...s, model: { ...s.model, paths: 100 } });
    expectRelative(result.stress[0]!.lossUsd, 0.076 * OI + 0.0728 * OI);
    expectRelative(result.stress[0]!.byMarket.HAND!, 0.076 * OI);
    expectRelative(result.stress[0]!.byMarket.OTHER!, 0.0728 * OI);
    expectRelative(result.stress[1]!.lossUsd, 2 * 0.017 * OI);
    expect(result.stress.map((r) => r.liquidityFactor)).toEqual([LAMBDA, 1]);
    expect(result.byMarket.map((m) => m.worstStressLossUsd)).toEqual([
      result.stress[0]!.byMarket.HAND,
      result.stress[0]!.byMarket.OTHER,
    ]);
  });

  it('reaches the same fixed point as the literal iteration of the gap model (docs/MODEL.md §9)', () => {
    const bucket = fc.record({
      margin: fc.double({ min: 0.005, max: 1, noNaN: true }),
      weight: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.array(bucket, { minLength: 1, maxLength: 7 }),
        fc.double({ min: 0, max: 0.005, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.double({ min: -1, max: 1.5, noNaN: true }),
        (buckets, mm, k, lambda, r) => {
          const total = buckets.reduce((s, b) => s + b.weight, 0) || 1;
          const m = market('P', {
            maintenanceMargin: mm,
            leverageProfile: buckets.map((b) => ({ margin: b.margin, share: b.weight / total })),
          });
          const b = buildLiquidationBook(m, k);
          const x0 = Math.abs(r);
          const cap = r < 0 ? 1 : Number.POSITIVE_INFINITY;
          const expected =
            x0 < Math.min(...m.leverageProfile.map((x) => x.margin - mm))
              ? x0
              : literalCascade(m, k, lambda, x0, cap);
          expect(cascadeMove(b, cascadeTable(b, lambda), x0, cap)).toBeCloseTo(expected, 12);
        },
      ),
      { numRuns: 500 },
    );
  });
});
