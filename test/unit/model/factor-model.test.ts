/**
 * The factor model of the correlation: exact on a correlation that has k factors, a valid
 * correlation on any other, sampled with the covariance it claims, and — measured with common
 * random numbers, so the figure is the model's error and not Monte Carlo noise — within 2% of the
 * dense model's ES on a generic 50-market fund, the worst stress unchanged.
 */
import { describe, expect, it } from 'vitest';
import { syntheticFund, tenMarketsV2 } from '../../../bench/synthetic-fund.ts';
import {
  createGeneratorBuffers,
  generateScenario,
  pathGeneratorSetup,
} from '../../../lambda/model/engines/path/path-generator.ts';
import {
  defaultFactorCount,
  factorCorrelation,
  fitFactorModel,
} from '../../../lambda/model/linalg/factor-model.ts';
import { pathSeedWords } from '../../../lambda/model/random/path-streams.ts';
import { computeReserve } from '../../../lambda/model/reserve.ts';
import type { MarketSnapshot } from '../../../lambda/model/schemas.ts';

/** Three blocks of five markets: ρ within 0.7, 0.5, 0.3 by block, 0.2 between blocks. */
function blockCorrelation(): number[][] {
  const within = [0.7, 0.5, 0.3];
  return Array.from({ length: 15 }, (_, i) =>
    Array.from({ length: 15 }, (_, j) =>
      i === j ? 1 : Math.floor(i / 5) === Math.floor(j / 5) ? within[Math.floor(i / 5)]! : 0.2,
    ),
  );
}

function maxAbsDifference(a: number[][], b: readonly (readonly number[])[]): number {
  return Math.max(...a.flatMap((row, i) => row.map((x, j) => Math.abs(x - b[i]![j]!))));
}

describe('fitFactorModel', () => {
  it('is exact on a block correlation with as many factors as blocks', () => {
    const c = blockCorrelation();
    const model = fitFactorModel(c, 3);
    expect(model.maxAbsError).toBeLessThan(1e-12);
    expect(maxAbsDifference(factorCorrelation(model), c)).toBeLessThan(1e-12);
    // Unit variance per market: communality + idiosyncratic variance = 1.
    for (let i = 0; i < 15; i++) {
      let communality = model.idiosyncratic[i]! ** 2;
      for (let j = 0; j < 3; j++) communality += model.loadings[i * 3 + j]! ** 2;
      expect(communality).toBeCloseTo(1, 12);
    }
    // The idiosyncratic variance of a block is 1 − its within-block correlation.
    expect(model.idiosyncratic[0]! ** 2).toBeCloseTo(0.3, 12);
    expect(model.idiosyncratic[14]! ** 2).toBeCloseTo(0.7, 12);
  });

  it('is exact on a one-factor correlation ρ_ij = a_i·a_j with one factor', () => {
    const a = [0.9, 0.8, 0.6, 0.3, -0.4];
    const c = a.map((x, i) => a.map((y, j) => (i === j ? 1 : x * y)));
    const model = fitFactorModel(c, 1);
    const sign = Math.sign(model.loadings[0]!);
    expect(Array.from(model.loadings, (x) => x * sign).map((x) => Number(x.toFixed(12)))).toEqual(a);
  });

  it('misses a generic correlation by a measured amount, less with more factors, nothing with n', () => {
    const c = syntheticFund(30).correlation;
    const errors = [1, 3, 10, 30].map((k) => fitFactorModel(c, k).maxAbsError);
    expect(errors[0]).toBeGreaterThan(0.05);
    expect(errors[1]!).toBeLessThan(errors[0]!);
    expect(errors[2]!).toBeLessThan(errors[1]!);
    expect(errors[3]).toBeLessThan(1e-9);
  });

  it('picks √n factors by default', () => {
    expect([1, 2, 10, 50, 200, 500].map(defaultFactorCount)).toEqual([1, 1, 3, 7, 14, 22]);
  });

  it('refuses a factor count outside [1, n]', () => {
    expect(() => fitFactorModel(blockCorrelation(), 0)).toThrow('factor model: k must be in [1, 15], got 0');
  });
});

describe('the factor sampler', () => {
  it('draws one-step moves whose correlation is the model’s B·Bᵀ + D', () => {
    const c = blockCorrelation();
    const model = fitFactorModel(c, 3);
    const n = 15;
    const setup = pathGeneratorSetup({
      vols: Array.from({ length: n }, () => 1),
      cholesky: new Float64Array(n * n),
      factor: model,
      tailDof: null,
      steps: 1,
      stepMinutes: 1,
      jumpRatePerDay: 0,
      jumpMeanSize: 0.03,
      jumpDownShare: 0.5,
      betas: Array.from({ length: n }, () => 1),
      liquidityVolElasticity: 0,
      importanceSampling: false,
    });
    const buf = createGeneratorBuffers(setup);
    const seed = pathSeedWords(3);
    const paths = 40_000;
    const sums = new Float64Array(n);
    const products = new Float64Array(n * n);
    for (let p = 0; p < paths; p++) {
      generateScenario(setup, seed, p, buf);
      for (let i = 0; i < n; i++) {
        const x = buf.cumulativeReturn[i]!;
        sums[i]! += x;
        for (let j = 0; j <= i; j++) products[i * n + j]! += x * buf.cumulativeReturn[j]!;
      }
    }
    let worst = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const cov = (q: number, r: number) =>
          products[Math.max(q, r) * n + Math.min(q, r)]! / paths - (sums[q]! / paths) * (sums[r]! / paths);
        worst = Math.max(worst, Math.abs(cov(i, j) / Math.sqrt(cov(i, i) * cov(j, j)) - c[i]![j]!));
      }
    }
    // The sampling error of a correlation from 40 000 draws is below 0.005: 4σ is 0.02.
    expect(worst).toBeLessThan(0.02);
  });
});

/** ES and worst stress of `s`, dense on its correlation, then dense on its k-factor model's. */
function errorOfFactorModel(s: MarketSnapshot, paths: number) {
  const model = fitFactorModel(s.correlation, defaultFactorCount(s.markets.length));
  const run = (correlation: number[][]) =>
    computeReserve({ ...s, correlation, model: { ...s.model, paths, seed: 5 } });
  const dense = run(s.correlation);
  const factor = run(factorCorrelation(model));
  const worst = (r: typeof dense) => Math.max(...r.stress.map((x) => x.lossUsd));
  return {
    esError: factor.monteCarlo.esUsd / dense.monteCarlo.esUsd - 1,
    worstStressError: worst(factor) / worst(dense) - 1,
    esRelativeStdError: dense.monteCarlo.esStdErrorUsd / dense.monteCarlo.esUsd,
  };
}

describe('the factor model against dense (common random numbers: the same paths, the model’s correlation)', () => {
  it('ten-market bench book, 3 factors: ES within 2%, the worst stress unchanged', () => {
    const e = errorOfFactorModel(tenMarketsV2(), 8192);
    expect(Math.abs(e.esError)).toBeLessThan(0.02);
    expect(e.worstStressError).toBe(0);
  });

  it('generic 50-market fund, 7 factors: ES within 2%, the worst stress unchanged', () => {
    const e = errorOfFactorModel(syntheticFund(50), 4096);
    expect(Math.abs(e.esError)).toBeLessThan(0.02);
    expect(e.worstStressError).toBe(0);
  });
});
