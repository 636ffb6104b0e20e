/**
 * The exact merge of path partials: any split of a run's paths into batches, merged in any order
 * and grouping, gives the single-stream result bit for bit — the estimate's standard error included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  batchSimulator,
  type PathBatchRunner,
  runPathMonteCarlo,
} from '../../../lambda/model/engines/path/path-monte-carlo.ts';
import {
  decodePartial,
  encodePartial,
  mergePartials,
  type PathRange,
} from '../../../lambda/model/engines/path/path-partial.ts';
import { simulationOfSnapshot } from '../../../lambda/model/engines/path/path-simulation.ts';
import { computeReserve } from '../../../lambda/model/reserve.ts';
import type { MarketSnapshot } from '../../../lambda/model/schemas.ts';
import { market, snapshot } from './snapshot-builder.ts';

const PROFILE = [
  { margin: 0.02, share: 0.1 },
  { margin: 0.05, share: 0.3 },
  { margin: 0.1, share: 0.3 },
  { margin: 0.25, share: 0.3 },
];

/** Three correlated markets over a 2-hour window in 20-minute steps, balance low enough for ADL. */
function book(model: Partial<MarketSnapshot['model']> = {}): MarketSnapshot {
  const s = snapshot(
    [
      market('A', { leverageProfile: PROFILE, impliedVol: 0.8 }),
      market('B', { leverageProfile: PROFILE, impliedVol: 1.2, openInterestUsd: 4e8 }),
      market('C', { leverageProfile: PROFILE, impliedVol: 1.0, openInterestUsd: 2e8 }),
    ],
    {
      windowHours: 2,
      stepMinutes: 20,
      confidence: 0.99,
      paths: 3000,
      liquidation: { throughputMultiple: 0.05, permanentImpactShare: 0.5 },
      pathDynamics: { jumpRatePerDay: 0.5, jumpMeanSize: 0.04, jumpDownShare: 0.6 },
      ...model,
    },
    { fundBalanceUsd: 2e7 },
  );
  s.schemaVersion = 2;
  s.correlation = [
    [1, 0.6, 0.4],
    [0.6, 1, 0.5],
    [0.4, 0.5, 1],
  ];
  return s;
}

/** Cuts [from, to) at the given fractions (sorted, deduplicated). */
function cut(range: PathRange, fractions: readonly number[]): PathRange[] {
  const points = [
    ...new Set([
      range.from,
      ...fractions.map((f) => range.from + Math.floor(f * (range.to - range.from))),
      range.to,
    ]),
  ].sort((a, b) => a - b);
  return points.slice(1).map((to, i) => ({ from: points[i]!, to }));
}

/** A runner that cuts every round at `fractions` and returns the batches in a shuffled order. */
function splittingRunner(
  s: MarketSnapshot,
  fractions: readonly number[],
  order: readonly number[],
): PathBatchRunner {
  const simulate = batchSimulator(simulationOfSnapshot(s));
  return (round) => {
    const batches = cut(round, fractions).map(simulate);
    return order.length === 0
      ? batches
      : [...batches].sort((a, b) => order[a.from % order.length]! - order[b.from % order.length]!);
  };
}

const fractionsArb = fc.uniqueArray(fc.double({ min: 0.01, max: 0.99, noNaN: true }), { maxLength: 6 });
const orderArb = fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 8 });

describe('path partials', () => {
  const s = book();
  const simulate = batchSimulator(simulationOfSnapshot(s));
  const whole = simulate({ from: 0, to: 1200 });

  it('merge exactly, in any order and grouping, to the partial of the whole range', () => {
    fc.assert(
      fc.property(fractionsArb, fc.array(fc.nat(), { minLength: 8, maxLength: 8 }), (fractions, keys) => {
        const pieces = cut({ from: 0, to: 1200 }, fractions).map(simulate);
        const shuffled = pieces
          .map((p, i) => ({ p, k: keys[i % keys.length]! }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.p);
        // ((a ∪ b) ∪ c) …, written either way round, against a ∪ (b ∪ (c …)) and all at once.
        const left = pieces.reduce((acc, p, i) =>
          i % 2 === 0 ? mergePartials([acc, p]) : mergePartials([p, acc]),
        );
        const right = pieces.reduceRight((acc, p) => mergePartials([p, acc]));
        for (const merged of [left, right, mergePartials(shuffled)]) {
          expect(merged.from).toBe(0);
          expect(merged.to).toBe(1200);
          expect(merged.loss).toEqual(whole.loss);
          expect(merged.weight).toEqual(whole.weight);
          expect(merged.adlNotional).toEqual(whole.adlNotional);
          expect(merged.flags).toEqual(whole.flags);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('refuse a gap or an overlap, naming the paths', () => {
    const a = simulate({ from: 0, to: 10 });
    const b = simulate({ from: 12, to: 20 });
    const c = simulate({ from: 8, to: 20 });
    expect(() => mergePartials([b, a])).toThrow('mergePartials: paths [10, 12) missing before [12, 20)');
    expect(() => mergePartials([a, c])).toThrow('mergePartials: paths [10, 8) overlap before [8, 20)');
  });

  it('encode to bytes and back exactly', () => {
    const part = simulate({ from: 700, to: 760 });
    const bytes = encodePartial(part);
    expect(bytes.byteLength).toBe(16 + 25 * 60);
    expect(decodePartial(bytes)).toEqual(part);
    expect(() => decodePartial(bytes.subarray(0, 100))).toThrow(
      'decodePartial: 100 bytes for 60 paths, expected 1516',
    );
    expect(() => decodePartial(new Uint8Array(40))).toThrow('decodePartial: not an encoded path partial');
  });

  it('hold paths that exhaust the fund and fire ADL (so the probabilities are merged, not zero)', () => {
    const flags = [...whole.flags];
    expect(flags.filter((f) => (f & 1) === 1).length).toBeGreaterThan(10);
    expect(flags.filter((f) => (f & 2) === 2).length).toBeGreaterThan(10);
  });
});

describe('the Monte Carlo over split batches', () => {
  it('gives the bit-identical estimate (VaR, ES, its standard error, contributions) for any split, fixed N', () => {
    const s = book();
    const single = computeReserve(s);
    fc.assert(
      fc.property(fractionsArb, orderArb, (fractions, order) => {
        expect(computeReserve(s, { pathRunner: (x) => splittingRunner(x, fractions, order) })).toEqual(
          single,
        );
      }),
      { numRuns: 8 },
    );
  });

  it('gives the bit-identical estimate for any split of an adaptive run, which takes several rounds', () => {
    const { paths: _fixed, ...model } = book().model;
    const s: MarketSnapshot = {
      ...book(),
      model: { ...model, precision: { targetRelativeStdError: 0.02, maxPaths: 60_000 } },
    };
    const rounds: PathRange[] = [];
    const single = computeReserve(s, {
      pathRunner: (x) => {
        const inner = splittingRunner(x, [], []);
        return (round, progress) => {
          rounds.push(round);
          return inner(round, progress);
        };
      },
    });
    expect(rounds.length).toBeGreaterThanOrEqual(2);
    expect(single.monteCarlo.paths).toBe(rounds.at(-1)!.to);
    expect(computeReserve(s)).toEqual(single);
    for (const [fractions, order] of [
      [[0.5], [3, 1]],
      [
        [0.1, 0.37, 0.9],
        [5, 2, 9, 0],
      ],
    ] as const) {
      expect(computeReserve(s, { pathRunner: (x) => splittingRunner(x, fractions, order) })).toEqual(single);
    }
  });

  it('gives the bit-identical estimate for any split with the factor model too', () => {
    const s: MarketSnapshot = {
      ...book(),
      model: { ...book().model, correlationModel: 'factor', factors: 2 },
    };
    const single = computeReserve(s);
    expect(single.monteCarlo.esUsd).not.toBe(computeReserve(book()).monteCarlo.esUsd);
    expect(computeReserve(s, { pathRunner: (x) => splittingRunner(x, [0.3, 0.8], [2, 0, 1]) })).toEqual(
      single,
    );
  });

  it('reports a runner that leaves paths out', () => {
    const s = book();
    const simulate = batchSimulator(simulationOfSnapshot(s));
    const short: PathBatchRunner = (round) => [simulate({ from: round.from, to: round.to - 1 })];
    expect(() =>
      runPathMonteCarlo({ ...simulationInput(s), count: { paths: 100 }, runBatches: short }),
    ).toThrow('path runner returned paths [0, 99), expected [0, 100)');
  });
});

function simulationInput(s: MarketSnapshot) {
  const sim = simulationOfSnapshot(s);
  return { book: sim.book, setup: sim.setup, seed: s.model.seed, confidence: s.model.confidence };
}
