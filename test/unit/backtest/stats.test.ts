import { describe, expect, it } from 'vitest';
import {
  christoffersenIndependence,
  conditionalCoverage,
  kupiecPof,
  transitionCounts,
} from '../../../lambda/backtest/stats/coverage-tests.ts';
import { acerbiSzekelyZ2, esBacktest, simulateZ2 } from '../../../lambda/backtest/stats/es-test.ts';
import {
  binomialCdf,
  chiSquareSurvival,
  erfc,
  lnGamma,
} from '../../../lambda/backtest/stats/special-functions.ts';
import { trafficLight } from '../../../lambda/backtest/stats/traffic-light.ts';

/** A seeded LCG (Numerical Recipes constants) so the ES-test simulation is reproducible in tests. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
}

describe('special functions', () => {
  it('erfc matches tabulated values on both branches', () => {
    expect(erfc(0)).toBe(1);
    expect(erfc(0.5)).toBeCloseTo(0.4795001221869535, 15);
    expect(erfc(1)).toBeCloseTo(0.15729920705028513, 15);
    expect(erfc(2)).toBeCloseTo(0.004677734981047266, 15);
    expect(erfc(3) / 2.209049699858544e-5).toBeCloseTo(1, 12);
    expect(erfc(5) / 1.5374597944280349e-12).toBeCloseTo(1, 12);
    expect(erfc(-1)).toBeCloseTo(1.8427007929497148, 15);
  });

  it('chi-square survival gives the textbook critical values', () => {
    expect(chiSquareSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 12);
    expect(chiSquareSurvival(6.6348966010212145, 1)).toBeCloseTo(0.01, 12);
    expect(chiSquareSurvival(5.991464547107979, 2)).toBeCloseTo(0.05, 12);
    expect(chiSquareSurvival(0, 1)).toBe(1);
  });

  it('lnGamma matches factorials and Γ(1/2) = √π', () => {
    expect(lnGamma(11)).toBeCloseTo(Math.log(3628800), 12);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(lnGamma(171)).toBeCloseTo(706.5730622457874, 9);
  });

  it('binomialCdf matches a hand-summed CDF', () => {
    // P(X ≤ 4), X ~ Bin(250, 0.01), summed term by term.
    let pmf = 0.99 ** 250;
    let cdf = 0;
    for (let k = 0; k <= 4; k++) {
      cdf += pmf;
      pmf *= ((250 - k) / (k + 1)) * (0.01 / 0.99);
    }
    expect(binomialCdf(4, 250, 0.01)).toBeCloseTo(cdf, 12);
    expect(binomialCdf(4, 250, 0.01)).toBeCloseTo(0.8922, 4);
    expect(binomialCdf(250, 250, 0.01)).toBe(1);
    expect(binomialCdf(30, 100_000, 0.01)).toBe(0);
  });
});

describe('Kupiec proportion-of-failures test', () => {
  it('computes LR for 10 exceedances in 250 days at 99% from the likelihood formula', () => {
    const lr =
      -2 * (240 * Math.log(0.99) + 10 * Math.log(0.01)) + 2 * (240 * Math.log(0.96) + 10 * Math.log(0.04));
    const test = kupiecPof(10, 250, 0.01);
    expect(lr).toBeCloseTo(12.955, 3);
    expect(test.lr).toBeCloseTo(lr, 12);
    expect(test.pValue).toBeCloseTo(chiSquareSurvival(lr, 1), 15);
    expect(test.pValue).toBeCloseTo(3.19e-4, 5);
  });

  it('reproduces Jorion’s 95% non-rejection region N < 7 for T = 250, p = 1%', () => {
    const rejected = (x: number) => kupiecPof(x, 250, 0.01).lr > 3.841458820694124;
    // x = 0 is rejected too: LR = −2·250·ln(0.99) = 5.025 > 3.84 (too few exceedances is also a failure).
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(rejected)).toEqual([
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      true,
    ]);
    expect(kupiecPof(0, 250, 0.01).lr).toBeCloseTo(-2 * 250 * Math.log(0.99), 12);
    expect(kupiecPof(0, 250, 0.01).lr).toBeCloseTo(5.0252, 4);
  });

  it('is zero when the observed rate equals the expected rate', () => {
    expect(kupiecPof(30, 3000, 0.01).lr).toBeCloseTo(0, 12);
    expect(kupiecPof(30, 3000, 0.01).pValue).toBeCloseTo(1, 12);
  });
});

describe('Christoffersen independence test', () => {
  it('counts transitions', () => {
    const hits = [false, true, true, false, false, true, false].map(Boolean);
    expect(transitionCounts(hits)).toEqual({ n00: 1, n01: 2, n10: 2, n11: 1 });
  });

  it('computes LR for clustered exceedances from the Markov likelihood by hand', () => {
    const counts = { n00: 230, n01: 8, n10: 8, n11: 3 };
    const pi = 11 / 249;
    const pi01 = 8 / 238;
    const pi11 = 3 / 11;
    const lr =
      -2 * (238 * Math.log(1 - pi) + 11 * Math.log(pi)) +
      2 * (230 * Math.log(1 - pi01) + 8 * Math.log(pi01) + 8 * Math.log(1 - pi11) + 3 * Math.log(pi11));
    const test = christoffersenIndependence(counts);
    expect(test.lr).toBeCloseTo(lr, 12);
    expect(lr).toBeCloseTo(7.2328, 4);
    expect(test.pValue).toBeCloseTo(chiSquareSurvival(lr, 1), 15);
    const cc = conditionalCoverage(kupiecPof(11, 250, 0.01), test);
    expect(cc.lr).toBeCloseTo(kupiecPof(11, 250, 0.01).lr + lr, 12);
    expect(cc.pValue).toBeCloseTo(Math.exp(-cc.lr / 2), 15);
  });

  it('is zero when exceedances are spread exactly as under independence, and with no exceedance', () => {
    // π01 = π11 = π: 1 in 10 after a non-exceedance and after an exceedance.
    expect(christoffersenIndependence({ n00: 90, n01: 10, n10: 9, n11: 1 }).lr).toBeCloseTo(0, 12);
    expect(christoffersenIndependence({ n00: 249, n01: 0, n10: 0, n11: 0 }).lr).toBe(0);
  });
});

describe('Basel traffic light', () => {
  it('gives green 0–4, yellow 5–9, red from 10 for 250 days at 99%', () => {
    const zones = [0, 4, 5, 9, 10, 20].map((x) => trafficLight(x, 250, 0.01).zone);
    expect(zones).toEqual(['green', 'green', 'yellow', 'yellow', 'red', 'red']);
    expect(trafficLight(0, 250, 0.01)).toMatchObject({ yellowFrom: 5, redFrom: 10 });
  });

  it('generalises by the binomial CDF: 3000 days at 99%', () => {
    const tl = trafficLight(30, 3000, 0.01);
    expect(tl.zone).toBe('green');
    expect(tl.cumulativeProbability).toBeCloseTo(binomialCdf(30, 3000, 0.01), 15);
    // The yellow bound is the first count whose CDF reaches 95%, the red one 99.99%.
    expect(binomialCdf(tl.yellowFrom - 1, 3000, 0.01)).toBeLessThan(0.95);
    expect(binomialCdf(tl.yellowFrom, 3000, 0.01)).toBeGreaterThanOrEqual(0.95);
    expect(binomialCdf(tl.redFrom - 1, 3000, 0.01)).toBeLessThan(0.9999);
    expect(binomialCdf(tl.redFrom, 3000, 0.01)).toBeGreaterThanOrEqual(0.9999);
    expect([tl.yellowFrom, tl.redFrom]).toEqual([39, 52]);
  });
});

describe('Acerbi–Székely Z2 ES test', () => {
  it('computes Z2 by hand: two exceedances in 100 days at 99%', () => {
    const obs = Array.from({ length: 100 }, () => ({ varUsd: 10, esUsd: 15, realizedLossUsd: 1 }));
    obs[3] = { varUsd: 10, esUsd: 15, realizedLossUsd: 30 };
    obs[50] = { varUsd: 10, esUsd: 20, realizedLossUsd: 12 };
    // Σ L·I/ES = 30/15 + 12/20 = 2.6; T(1−α) = 1 ⇒ Z2 = 1.6.
    expect(acerbiSzekelyZ2(obs, 0.99)).toBeCloseTo(1.6, 12);
  });

  it('is +Infinity when a forecast of zero ES is exceeded', () => {
    expect(acerbiSzekelyZ2([{ varUsd: 0, esUsd: 0, realizedLossUsd: 5 }], 0.99)).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it('simulates a null distribution with mean 0 (Pareto tail normalised by its ES)', () => {
    const sims = simulateZ2(1000, 0.99, 4, 20_000, lcg(7));
    const mean = sims.reduce((a, b) => a + b, 0) / sims.length;
    // Var of Z2 = [Var(N)·E(Y)² + E(N)·Var(Y)] / (T p)² with Y = L/ES: E Y = 1, Var Y = 1/(ν(ν−2)) = 1/8.
    const sd = Math.sqrt((1000 * 0.01 * 0.99 + 1000 * 0.01 * 0.125) / 100);
    expect(Math.abs(mean)).toBeLessThan((4 * sd) / Math.sqrt(20_000));
    const variance = sims.reduce((a, b) => a + (b - mean) ** 2, 0) / sims.length;
    expect(Math.sqrt(variance)).toBeCloseTo(sd, 1);
    expect(sims[0]).toBe(-1);
  });

  it('accepts forecasts whose exceedances average their ES and rejects ones three times larger', () => {
    const day = (loss: number) => ({ varUsd: 10, esUsd: 15, realizedLossUsd: loss });
    const ok = Array.from({ length: 1000 }, (_, i) => day(i % 100 === 0 ? 15 : 1));
    const bad = Array.from({ length: 1000 }, (_, i) => day(i % 100 === 0 ? 45 : 1));
    const accepted = esBacktest(ok, 0.99, 3, lcg(1), 20_000);
    expect(accepted.z2).toBeCloseTo(0, 12);
    expect(accepted.verdict).toBe('accept');
    const rejected = esBacktest(bad, 0.99, 3, lcg(1), 20_000);
    expect(rejected.z2).toBeCloseTo(2, 12);
    expect(rejected.verdict).toBe('reject-5pct');
    expect(rejected.criticalValue5pct).toBeLessThan(2);
    expect(rejected.criticalValue001pct).toBeGreaterThan(2);
    expect(rejected.meanLossOnExceedanceUsd).toBe(45);
    expect(rejected.meanEsOnExceedanceUsd).toBe(15);
  });
});
