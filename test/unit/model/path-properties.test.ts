import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { preparePathBook } from '../../../lambda/model/engines/path/path-book.ts';
import { createWorkspace, runScenario } from '../../../lambda/model/engines/path/path-kernel.ts';
import { scenarioPath } from '../../../lambda/model/engines/path/scenario-path.ts';
import { computeReserve } from '../../../lambda/model/reserve.ts';
import type { LeverageBucket, MarketSnapshot, StressScenario } from '../../../lambda/model/schemas.ts';
import { market, snapshot } from './snapshot-builder.ts';

const RUNS = 40;

/** A leverage profile whose every margin clears a maintenance margin of 0.5%. */
const profileArb = fc
  .array(
    fc.record({
      margin: fc.double({ min: 0.006, max: 0.6, noNaN: true }),
      weight: fc.double({ min: 0.01, max: 1, noNaN: true }),
    }),
    { minLength: 1, maxLength: 5 },
  )
  .map((buckets): LeverageBucket[] => {
    const total = buckets.reduce((s, b) => s + b.weight, 0);
    const shares = buckets.map((b) => b.weight / total);
    shares[shares.length - 1]! += 1 - shares.reduce((s, x) => s + x, 0);
    return buckets.map((b, i) => ({ margin: b.margin, share: shares[i]! }));
  });

/** A monotone adverse path for longs: cumulative falls at each of `points` 10-minute marks. */
const fallArb = fc
  .array(fc.double({ min: 0, max: 0.08, noNaN: true }), { minLength: 1, maxLength: 12 })
  .map((drops): StressScenario => {
    let level = 0;
    const path: [number, Record<string, number>][] = [[0, { '*': 0 }]];
    drops.forEach((d, k) => {
      level = Math.max(-0.95, level - d);
      path.push([(k + 1) * 10, { '*': level }]);
    });
    return { name: 'fall', liquidityFactor: 1, path };
  });

function book(
  profile: LeverageBucket[],
  liquidation: Partial<NonNullable<MarketSnapshot['model']['liquidation']>>,
  patch = {},
  impactCoefficient = 1,
) {
  const s = snapshot([market('X', { leverageProfile: profile, maintenanceMargin: 0.005, ...patch })], {
    impactCoefficient,
    liquidation: {
      throughputMultiple: 1,
      permanentImpactShare: 0,
      adl: { inventoryCapMultiple: null },
      ...liquidation,
    },
    stepMinutes: 10,
  });
  s.schemaVersion = 2;
  return s;
}

function replay(s: MarketSnapshot, scenario: StressScenario) {
  const b = preparePathBook(s);
  const ws = createWorkspace(b);
  runScenario(
    b,
    { ...scenarioPath(s, scenario, { stepMinutes: 10, windowMinutes: 60 }), limited: false },
    ws,
  );
  return { ...ws.outcome };
}

describe('path engine properties', () => {
  it('never raises bad debt with more throughput when there is no impact, on a steady fall', () => {
    fc.assert(
      fc.property(
        profileArb,
        fallArb,
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.double({ min: 1, max: 20, noNaN: true }),
        (profile, fall, theta, more) => {
          const slow = replay(book(profile, { throughputMultiple: theta }, { dailyVolumeUsd: 1e9 }, 0), fall);
          const fast = replay(
            book(profile, { throughputMultiple: theta * more }, { dailyVolumeUsd: 1e9 }, 0),
            fall,
          );
          return fast.badDebtUsd <= slow.badDebtUsd * (1 + 1e-9) + 1e-6;
        },
      ),
      { numRuns: RUNS, seed: 7 },
    );
  });

  it('never raises bad debt when a margin is raised', () => {
    fc.assert(
      fc.property(
        profileArb,
        fallArb,
        fc.nat({ max: 4 }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        (profile, fall, which, bump, theta) => {
          const k = which % profile.length;
          const raised = profile.map((b, i) =>
            i === k ? { ...b, margin: Math.min(1, b.margin + bump) } : b,
          );
          const before = replay(book(profile, { throughputMultiple: theta }), fall);
          const after = replay(book(raised, { throughputMultiple: theta }), fall);
          return after.badDebtUsd <= before.badDebtUsd * (1 + 1e-9) + 1e-6;
        },
      ),
      { numRuns: RUNS, seed: 8 },
    );
  });

  it('loses nothing, in the Monte Carlo and every stress, with no open interest', () => {
    const s = snapshot([market('X', { openInterestUsd: 0 })], {
      paths: 2000,
      stressScenarios: [{ name: 'crash', liquidityFactor: 0.1, shocks: { '*': -0.4 } }],
    });
    s.schemaVersion = 2;
    const r = computeReserve(s);
    expect([r.monteCarlo.esUsd, r.monteCarlo.varUsd, r.stress[0]!.lossUsd, r.requiredReserveUsd]).toEqual([
      0, 0, 0, 0,
    ]);
  });

  it('sums its Euler contributions to ES on random books', () => {
    fc.assert(
      fc.property(profileArb, profileArb, fc.integer({ min: 0, max: 1e6 }), (a, b, seed) => {
        const s = snapshot(
          [market('A', { leverageProfile: a }), market('B', { leverageProfile: b, impliedVol: 1.1 })],
          { paths: 1000, seed, confidence: 0.99, windowHours: 1, stepMinutes: 15 },
        );
        s.schemaVersion = 2;
        const r = computeReserve(s);
        const sum = r.byMarket.reduce((acc, m) => acc + m.esContributionUsd, 0);
        return Math.abs(sum - r.monteCarlo.esUsd) <= 1e-9 * Math.max(1, Math.abs(r.monteCarlo.esUsd));
      }),
      { numRuns: 10, seed: 9 },
    );
  });
});
