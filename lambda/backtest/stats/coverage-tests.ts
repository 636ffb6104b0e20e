/**
 * VaR coverage tests on a 0/1 exceedance sequence: Kupiec's proportion-of-failures test (right
 * number of exceedances), Christoffersen's independence test (exceedances do not cluster) and their
 * sum, the conditional-coverage test. Likelihood ratios are asymptotically chi-square with 1, 1 and 2
 * degrees of freedom (Kupiec 1995; Christoffersen 1998).
 */
import { chiSquareSurvival } from './special-functions.ts';

/** A likelihood-ratio test result. */
export interface LrTest {
  /** The LR statistic (≥ 0). */
  readonly lr: number;
  /** Degrees of freedom of its chi-square reference distribution. */
  readonly dof: 1 | 2;
  /** P(χ²(dof) > lr): small = reject the model. */
  readonly pValue: number;
}

/** x·ln(y) with the convention 0·ln 0 = 0, which the binomial likelihoods need at x = 0. */
function xlny(x: number, y: number): number {
  return x === 0 ? 0 : x * Math.log(y);
}

function lrTest(lr: number, dof: 1 | 2): LrTest {
  const clean = Math.max(0, lr);
  return { lr: clean, dof, pValue: chiSquareSurvival(clean, dof) };
}

/**
 * Kupiec (1995) proportion-of-failures test.
 * LR = −2 ln[(1−p)^{T−x} p^x] + 2 ln[(1−x/T)^{T−x} (x/T)^x].
 *
 * @param exceedances - x, the number of days the loss exceeded VaR
 * @param days - T, the number of forecasts
 * @param p - the expected exceedance probability, 1 − confidence (0.01 for a 99% VaR)
 * @example
 * kupiecPof(10, 250, 0.01).pValue; // 0.0004: far too many exceedances for a 99% VaR
 */
export function kupiecPof(exceedances: number, days: number, p: number): LrTest {
  const x = exceedances;
  const t = days;
  const phat = x / t;
  const lnNull = xlny(t - x, 1 - p) + xlny(x, p);
  const lnAlt = xlny(t - x, 1 - phat) + xlny(x, phat);
  return lrTest(-2 * (lnNull - lnAlt), 1);
}

/** Counts of day-to-day transitions of the exceedance indicator: nij = #(I_{t−1} = i, I_t = j). */
export interface TransitionCounts {
  readonly n00: number;
  readonly n01: number;
  readonly n10: number;
  readonly n11: number;
}

/** Counts transitions in a 0/1 sequence. */
export function transitionCounts(hits: readonly boolean[]): TransitionCounts {
  let n00 = 0;
  let n01 = 0;
  let n10 = 0;
  let n11 = 0;
  for (let t = 1; t < hits.length; t++) {
    const a = hits[t - 1] === true;
    const b = hits[t] === true;
    if (!a && !b) n00++;
    else if (!a && b) n01++;
    else if (a && !b) n10++;
    else n11++;
  }
  return { n00, n01, n10, n11 };
}

/**
 * Christoffersen (1998) independence test: a first-order Markov chain of exceedances against
 * independence. LR = −2 ln[(1−π)^{n00+n10} π^{n01+n11}] + 2 ln[(1−π01)^{n00} π01^{n01} (1−π11)^{n10} π11^{n11}].
 */
export function christoffersenIndependence(counts: TransitionCounts): LrTest {
  const { n00, n01, n10, n11 } = counts;
  const total = n00 + n01 + n10 + n11;
  if (total === 0) return lrTest(0, 1);
  const pi = (n01 + n11) / total;
  const pi01 = n00 + n01 === 0 ? 0 : n01 / (n00 + n01);
  const pi11 = n10 + n11 === 0 ? 0 : n11 / (n10 + n11);
  const lnNull = xlny(n00 + n10, 1 - pi) + xlny(n01 + n11, pi);
  const lnAlt = xlny(n00, 1 - pi01) + xlny(n01, pi01) + xlny(n10, 1 - pi11) + xlny(n11, pi11);
  return lrTest(-2 * (lnNull - lnAlt), 1);
}

/** Christoffersen conditional coverage: LR_cc = LR_pof + LR_ind, chi-square(2). */
export function conditionalCoverage(pof: LrTest, ind: LrTest): LrTest {
  return lrTest(pof.lr + ind.lr, 2);
}
