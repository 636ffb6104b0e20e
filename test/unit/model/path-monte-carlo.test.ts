import { describe, expect, it } from 'vitest';
import { createGapEngine } from '../../../lambda/model/engines/gap/gap-engine.ts';
import type { LossEngine } from '../../../lambda/model/engines/loss-engine.ts';
import { createPathEngine, monteCarloSetup } from '../../../lambda/model/engines/path/path-engine.ts';
import { runPathMonteCarlo } from '../../../lambda/model/engines/path/path-monte-carlo.ts';
import { weightedTail } from '../../../lambda/model/engines/path/weighted-tail.ts';
import { prepareCorrelation } from '../../../lambda/model/linalg/psd-repair.ts';
import { computeReserve } from '../../../lambda/model/reserve.ts';
import type { MarketSnapshot } from '../../../lambda/model/schemas.ts';
import { market, snapshot } from './snapshot-builder.ts';

const PROFILE = [
  { margin: 0.02, share: 0.1 },
  { margin: 0.05, share: 0.3 },
  { margin: 0.1, share: 0.3 },
  { margin: 0.25, share: 0.3 },
];

/** A small v2 book: two correlated markets, 2-hour window in 20-minute steps. */
function smallBook(model: Partial<MarketSnapshot['model']> = {}): MarketSnapshot {
  const s = snapshot(
    [
      market('A', { leverageProfile: PROFILE, impliedVol: 0.8 }),
      market('B', { leverageProfile: PROFILE, impliedVol: 1.2, openInterestUsd: 4e8 }),
    ],
    {
      windowHours: 2,
      stepMinutes: 20,
      confidence: 0.99,
      paths: 4000,
      liquidation: { throughputMultiple: 0.05, permanentImpactShare: 0.5 },
      pathDynamics: { jumpRatePerDay: 0.5, jumpMeanSize: 0.04, jumpDownShare: 0.6 },
      ...model,
    },
  );
  s.schemaVersion = 2;
  s.correlation = [
    [1, 0.6],
    [0.6, 1],
  ];
  return s;
}

/** The same book read by the v1 gap model. */
function asGap(s: MarketSnapshot): MarketSnapshot {
  return { ...s, schemaVersion: 1, model: { ...s.model, engine: 'gap' } };
}

function engineFor(name: 'path' | 'gap', s: MarketSnapshot): LossEngine {
  const { cholesky } = prepareCorrelation(s.correlation);
  return name === 'path' ? createPathEngine(s, cholesky) : createGapEngine(asGap(s), cholesky);
}

describe('the loss-engine contract', () => {
  for (const name of ['path', 'gap'] as const) {
    it(`${name}: a Monte Carlo scenario loses exactly what its deterministic replay loses, and the scenarios give the run's ES`, () => {
      const s = smallBook({ paths: 600, confidence: 0.98 });
      const engine = engineFor(name, s);
      const sampled = engine.sampleScenarios(600);
      for (const { scenario, lossUsd } of sampled) {
        expect(engine.replay(scenario).netLossUsd).toBe(lossUsd);
      }
      const losses = Float64Array.from(sampled, (x) => x.lossUsd);
      const weights = Float64Array.from(sampled, (x) => x.weight);
      const tail = weightedTail(losses, weights, losses.length, 0.98);
      const result = computeReserve(name === 'path' ? s : asGap(s));
      expect(tail.esUsd).toBeGreaterThan(1e6);
      expect(result.monteCarlo.esUsd / tail.esUsd - 1).toBeCloseTo(0, name === 'path' ? 12 : 9);
    });
  }
});

describe('Monte Carlo jumps', () => {
  it('are fast moves the engines trade through, not gaps: a jump path costs what its continuous replay costs', () => {
    const s = smallBook({
      paths: 400,
      pathDynamics: { jumpRatePerDay: 12, jumpMeanSize: 0.04, jumpDownShare: 0.6 },
    });
    const engine = engineFor('path', s);
    const sampled = engine.sampleScenarios(400);
    for (const { scenario, lossUsd } of sampled) {
      expect(scenario.gaps).toBeUndefined();
      expect(engine.replay(scenario).netLossUsd).toBe(lossUsd);
    }
    // Marking every step a gap changes the loss of many scenarios: the Monte Carlo did not mark them.
    const gapped = sampled.filter(({ scenario, lossUsd }) => {
      const gaps = (scenario.path ?? []).slice(1).map(([minute]) => minute);
      return engine.replay({ ...scenario, gaps }).netLossUsd !== lossUsd;
    });
    expect(gapped.length).toBeGreaterThan(100);
  });
});

describe('path Monte Carlo estimators', () => {
  it('gives a bit-identical result for the same snapshot and seed', () => {
    const s = smallBook();
    const a = computeReserve(s);
    const b = computeReserve(structuredClone(s));
    expect(b).toEqual(a);
  });

  it('has Euler contributions that sum to ES and a breakdown whose bad debt minus income is ES', () => {
    const r = computeReserve(smallBook());
    const sum = r.byMarket.reduce((acc, m) => acc + m.esContributionUsd, 0);
    expect(Math.abs(sum / r.monteCarlo.esUsd - 1)).toBeLessThan(1e-9);
    const b = r.lossBreakdown!;
    expect(Math.abs((b.badDebtUsd - b.liquidationIncomeUsd) / b.netLossUsd - 1)).toBeLessThan(1e-9);
    expect(b.netLossUsd).toBe(r.monteCarlo.esUsd);
  });

  it('is unbiased: importance sampling agrees with plain Monte Carlo within a few standard errors', () => {
    const s = smallBook({ confidence: 0.999 });
    const { cholesky } = prepareCorrelation(s.correlation);
    const engine = createPathEngine(s, cholesky);
    const run = (importanceSampling: boolean, paths: number, seed: number) =>
      runPathMonteCarlo({
        book: engine.book,
        setup: monteCarloSetup(s, engine.book, cholesky, importanceSampling),
        seed,
        confidence: 0.999,
        count: { paths },
      });
    const is = run(true, 40_000, 11);
    const plain = run(false, 300_000, 2);
    const z = (is.esUsd - plain.esUsd) / Math.hypot(is.esStdErrorUsd, plain.esStdErrorUsd);
    expect(Math.abs(z)).toBeLessThan(4);
    // And it is worth it: at 99.9% the same precision needs many times fewer paths.
    const perPathVariance = (e: typeof is) => (e.esStdErrorUsd / e.esUsd) ** 2 * e.paths;
    expect(perPathVariance(plain) / perPathVariance(is)).toBeGreaterThan(4);
  });

  it('reports a standard error within a factor 2 of the spread of ES over seeds', () => {
    const s = smallBook({ confidence: 0.99, paths: 8000 });
    const runs = Array.from({ length: 12 }, (_, k) =>
      computeReserve({ ...s, model: { ...s.model, seed: 100 + k } }),
    );
    const es = runs.map((r) => r.monteCarlo.esUsd);
    const mean = es.reduce((a, b) => a + b, 0) / es.length;
    const spread = Math.sqrt(es.reduce((a, b) => a + (b - mean) ** 2, 0) / (es.length - 1));
    const reported = runs.reduce((a, r) => a + r.monteCarlo.esStdErrorUsd, 0) / runs.length;
    expect(reported / spread).toBeGreaterThan(0.5);
    expect(reported / spread).toBeLessThan(2);
  });

  it('adds paths until the relative standard error meets the precision target', () => {
    const s = smallBook({ paths: undefined, precision: { targetRelativeStdError: 0.05, maxPaths: 200_000 } });
    delete s.model.paths;
    const r = computeReserve(s);
    expect(r.monteCarlo.esStdErrorUsd / r.monteCarlo.esUsd).toBeLessThanOrEqual(0.05);
    expect(r.monteCarlo.paths % 4096).toBe(0);
    expect(r.monteCarlo.paths).toBeGreaterThanOrEqual(16_384);
  });
});
