import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scenarioLoss } from '../../../lambda/model/engines/gap/scenario-loss.ts';
import { computeReserve } from '../../../lambda/model/reserve.ts';
import type { MarketSnapshot, SnapshotMarket } from '../../../lambda/model/schemas.ts';
import { market, snapshot } from './snapshot-builder.ts';

/** Few paths keep each property fast; a fixed seed per case makes every comparison exact. */
const PATHS = 1500;
const RUNS = 25;

const profileArb = fc
  .array(
    fc.record({
      margin: fc.double({ min: 0.006, max: 1, noNaN: true }),
      weight: fc.double({ min: 0.01, max: 1, noNaN: true }),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((buckets) => {
    const total = buckets.reduce((s, b) => s + b.weight, 0);
    const shares = buckets.map((b) => b.weight / total);
    // Put the rounding remainder on the last share so the sum is 1 within the schema's 1e-9.
    shares[shares.length - 1]! += 1 - shares.reduce((s, x) => s + x, 0);
    return buckets.map((b, i) => ({ margin: b.margin, share: shares[i]! }));
  });

const marketArb = (id: string) =>
  fc
    .record({
      openInterestUsd: fc.double({ min: 1e6, max: 1e10, noNaN: true }),
      dailyVolumeUsd: fc.double({ min: 1e7, max: 5e10, noNaN: true }),
      impliedVol: fc.double({ min: 0.3, max: 3, noNaN: true }),
      maintenanceMargin: fc.double({ min: 0, max: 0.005, noNaN: true }),
      leverageProfile: profileArb,
    })
    .map((p): SnapshotMarket => market(id, p));

const snapshotArb = fc
  .record({
    a: marketArb('A'),
    b: marketArb('B'),
    rho: fc.double({ min: -0.5, max: 0.95, noNaN: true }),
    tailDof: fc.oneof(fc.constant(null), fc.double({ min: 2.5, max: 10, noNaN: true })),
    seed: fc.nat(1_000_000),
    impactCoefficient: fc.double({ min: 0, max: 3, noNaN: true }),
    shock: fc.double({ min: -0.5, max: 0.5, noNaN: true }),
  })
  .map(({ a, b, rho, tailDof, seed, impactCoefficient, shock }) => {
    const s = snapshot([a, b], {
      tailDof,
      seed,
      paths: PATHS,
      confidence: 0.99,
      impactCoefficient,
      stressScenarios: [{ name: 'shock', shocks: { '*': shock }, liquidityFactor: 0.2 }],
    });
    s.correlation = [
      [1, rho],
      [rho, 1],
    ];
    return s;
  });

function withMarket(s: MarketSnapshot, index: number, patch: Partial<SnapshotMarket>): MarketSnapshot {
  return { ...s, markets: s.markets.map((m, i) => (i === index ? { ...m, ...patch } : m)) };
}

describe('reserve model properties', () => {
  it('gives an identical result for the same snapshot and seed', () => {
    fc.assert(
      fc.property(snapshotArb, (s) => {
        expect(computeReserve(s)).toEqual(computeReserve(structuredClone(s)));
      }),
      { numRuns: 10 },
    );
  });

  it('has ES ≥ VaR ≥ 0 and Euler contributions summing to ES', () => {
    fc.assert(
      fc.property(snapshotArb, (s) => {
        const { monteCarlo, byMarket } = computeReserve(s);
        expect(monteCarlo.varUsd).toBeGreaterThanOrEqual(0);
        expect(monteCarlo.esUsd).toBeGreaterThanOrEqual(monteCarlo.varUsd);
        const sum = byMarket.reduce((acc, m) => acc + m.esContributionUsd, 0);
        expect(Math.abs(sum - monteCarlo.esUsd)).toBeLessThanOrEqual(1e-9 * monteCarlo.esUsd);
      }),
      { numRuns: RUNS },
    );
  });

  it('loses nothing when open interest is zero', () => {
    fc.assert(
      fc.property(snapshotArb, (s) => {
        const empty = withMarket(withMarket(s, 0, { openInterestUsd: 0 }), 1, { openInterestUsd: 0 });
        const result = computeReserve(empty);
        expect(result.monteCarlo.esUsd).toBe(0);
        expect(result.monteCarlo.varUsd).toBe(0);
        expect(result.stress[0]!.lossUsd).toBe(0);
        expect(result.requiredReserveUsd).toBe(0);
      }),
      { numRuns: 10 },
    );
  });

  it('never lowers the reserve when open interest grows', () => {
    fc.assert(
      fc.property(snapshotArb, fc.double({ min: 1, max: 5, noNaN: true }), fc.nat(1), (s, factor, i) => {
        const bigger = withMarket(s, i, { openInterestUsd: s.markets[i]!.openInterestUsd * factor });
        const before = computeReserve(s);
        const after = computeReserve(bigger);
        expect(after.monteCarlo.esUsd).toBeGreaterThanOrEqual(before.monteCarlo.esUsd * (1 - 1e-12));
        expect(after.requiredReserveUsd).toBeGreaterThanOrEqual(before.requiredReserveUsd * (1 - 1e-12));
      }),
      { numRuns: RUNS },
    );
  });

  it('never lowers the reserve when implied volatility rises', () => {
    fc.assert(
      fc.property(snapshotArb, fc.double({ min: 1, max: 3, noNaN: true }), fc.nat(1), (s, factor, i) => {
        const wilder = withMarket(s, i, { impliedVol: Math.min(10, s.markets[i]!.impliedVol * factor) });
        const before = computeReserve(s);
        const after = computeReserve(wilder);
        expect(after.monteCarlo.varUsd).toBeGreaterThanOrEqual(before.monteCarlo.varUsd * (1 - 1e-12));
        expect(after.monteCarlo.esUsd).toBeGreaterThanOrEqual(before.monteCarlo.esUsd * (1 - 1e-12));
        expect(after.requiredReserveUsd).toBeGreaterThanOrEqual(before.requiredReserveUsd * (1 - 1e-12));
      }),
      { numRuns: RUNS },
    );
  });

  it('never raises the loss when a bucket’s margin is raised', () => {
    fc.assert(
      fc.property(
        snapshotArb,
        fc.nat(5),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        (s, bucketPick, raise, r) => {
          const profile = s.markets[0]!.leverageProfile;
          const b = bucketPick % profile.length;
          const safer = withMarket(s, 0, {
            leverageProfile: profile.map((x, i) =>
              i === b ? { ...x, margin: Math.min(1, x.margin + raise) } : x,
            ),
          });
          const lossBefore = scenarioLoss(s, { A: r, B: r }, 0.3).totalUsd;
          const lossAfter = scenarioLoss(safer, { A: r, B: r }, 0.3).totalUsd;
          expect(lossAfter).toBeLessThanOrEqual(lossBefore * (1 + 1e-12));
          expect(computeReserve(safer).monteCarlo.esUsd).toBeLessThanOrEqual(
            computeReserve(s).monteCarlo.esUsd * (1 + 1e-12),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('treats two perfectly correlated identical markets as one with twice the OI when impact is off', () => {
    fc.assert(
      fc.property(snapshotArb, (s) => {
        const one = s.markets[0]!;
        const model = { ...s.model, impactCoefficient: 0 };
        const twin: MarketSnapshot = {
          ...s,
          model,
          markets: [one, { ...one, id: 'A2' }],
          correlation: [
            [1, 1],
            [1, 1],
          ],
        };
        const single: MarketSnapshot = {
          ...s,
          model,
          markets: [{ ...one, openInterestUsd: 2 * one.openInterestUsd }],
          correlation: [[1]],
        };
        const a = computeReserve(twin);
        const b = computeReserve(single);
        expect(a.monteCarlo.varUsd).toBe(b.monteCarlo.varUsd);
        expect(a.monteCarlo.esUsd).toBe(b.monteCarlo.esUsd);
        expect(a.stress[0]!.lossUsd).toBe(b.stress[0]!.lossUsd);
        expect(a.byMarket[0]!.esContributionUsd).toBe(a.byMarket[1]!.esContributionUsd);
      }),
      { numRuns: RUNS },
    );
  });
});
