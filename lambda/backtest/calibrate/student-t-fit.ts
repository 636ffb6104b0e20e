/**
 * Maximum-likelihood fit of the model's tail parameter: the degrees of freedom ν of a unit-variance
 * Student-t (the model's shock T, docs/MODEL.md) to standardised returns z_t = r_t / σ_{t|t−1}, with a
 * free scale s so that a biased vol estimate does not masquerade as a tail: z ~ s·T_ν.
 */
import { lnGamma } from '../stats/special-functions.ts';

/** Log-density of s·T where T is a unit-variance Student-t(ν), ν > 2; s = 1 is the model's shock. */
export function unitTLogDensity(z: number, nu: number, scale = 1): number {
  const w = nu - 2;
  const u = z / scale;
  return (
    lnGamma((nu + 1) / 2) -
    lnGamma(nu / 2) -
    0.5 * Math.log(Math.PI * w) -
    Math.log(scale) -
    ((nu + 1) / 2) * Math.log1p((u * u) / w)
  );
}

/** Sum of log-densities of a sample (constants hoisted: one log1p per observation). */
export function tLogLikelihood(zs: readonly number[], nu: number, scale = 1): number {
  const w = nu - 2;
  const k = 1 / (w * scale * scale);
  let sum = 0;
  for (const z of zs) sum += Math.log1p(z * z * k);
  const constant = lnGamma((nu + 1) / 2) - lnGamma(nu / 2) - 0.5 * Math.log(Math.PI * w) - Math.log(scale);
  return zs.length * constant - ((nu + 1) / 2) * sum;
}

/** Gaussian log-likelihood of a sample at scale s (the ν → ∞ limit), for the likelihood-ratio comparison. */
export function normalLogLikelihood(zs: readonly number[], scale = 1): number {
  let sum = 0;
  for (const z of zs) sum += -0.5 * Math.log(2 * Math.PI) - Math.log(scale) - (0.5 * z * z) / (scale * scale);
  return sum;
}

/** Maximises a unimodal function on [lo, hi] by golden-section search. */
export function goldenMax(f: (x: number) => number, lo: number, hi: number, tol = 1e-6): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > tol * (1 + Math.abs(a) + Math.abs(b))) {
    if (fc > fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}

/** The fitted tail of a sample. */
export interface TailFit {
  readonly n: number;
  /** ML degrees of freedom. */
  readonly nu: number;
  /** ML scale (1 = the vol estimate is unbiased for the spread). */
  readonly scale: number;
  readonly logLikelihood: number;
  /** 95% profile-likelihood interval of ν (LL within χ²₁(0.95)/2 = 1.92 of the maximum). */
  readonly nuLow: number;
  readonly nuHigh: number;
  /** Log-likelihood of the best Gaussian, and the LR statistic t vs Gaussian. */
  readonly normalLogLikelihood: number;
  /** Log-likelihood with ν fixed at 3 (the model's default), scale re-fitted. */
  readonly logLikelihoodAt3: number;
}

const NU_MIN = 2.05;
const NU_MAX = 200;

/**
 * Fits ν and s by profile likelihood: for each ν the best s by golden section, then the best ν.
 * ν is searched on a log scale in [2.05, 200] (200 ≈ Gaussian).
 *
 * @example
 * fitUnitT(standardisedReturns).nu; // ≈ 3.5 for BTC daily returns over EWMA vol
 */
export function fitUnitT(zs: readonly number[]): TailFit {
  const bestScale = (nu: number) => goldenMax((s) => tLogLikelihood(zs, nu, s), 0.2, 5, 1e-6);
  const profile = (nu: number) => tLogLikelihood(zs, nu, bestScale(nu));
  const logNu = goldenMax((x) => profile(Math.exp(x)), Math.log(NU_MIN), Math.log(NU_MAX), 1e-6);
  const nu = Math.exp(logNu);
  const scale = bestScale(nu);
  const ll = tLogLikelihood(zs, nu, scale);
  const cut = ll - 3.841458820694124 / 2;
  const bound = (from: number, to: number) => {
    // Bisection for profile(ν) = cut between the optimum and a bound where it is below the cut.
    let a = from;
    let b = to;
    if (profile(b) >= cut) return b;
    for (let i = 0; i < 30; i++) {
      const m = (a + b) / 2;
      if (profile(m) >= cut) a = m;
      else b = m;
    }
    return (a + b) / 2;
  };
  const rms = Math.sqrt(zs.reduce((a, z) => a + z * z, 0) / Math.max(1, zs.length));
  return {
    n: zs.length,
    nu,
    scale,
    logLikelihood: ll,
    nuLow: bound(nu, NU_MIN),
    nuHigh: bound(nu, NU_MAX),
    normalLogLikelihood: normalLogLikelihood(zs, rms),
    logLikelihoodAt3: profile(3),
  };
}

/**
 * Standardised returns r_t / σ_{t|t−1}: each log return divided by the EWMA vol of the returns
 * before it (RiskMetrics recursion, started from the mean square of the first `warmup` returns,
 * which are not returned).
 */
export function standardisedReturns(logReturns: readonly number[], lambda: number, warmup: number): number[] {
  let variance = logReturns.slice(0, warmup).reduce((a, r) => a + r * r, 0) / Math.max(1, warmup);
  const out: number[] = [];
  for (let t = warmup; t < logReturns.length; t++) {
    const r = logReturns[t] ?? 0;
    if (variance > 0) out.push(r / Math.sqrt(variance));
    variance = lambda * variance + (1 - lambda) * r * r;
  }
  return out;
}

/** P(T ≤ x) for a unit-variance Student-t(ν), by Simpson's rule on the density (x ≥ 0 and symmetry). */
export function unitTCdf(x: number, nu: number): number {
  const a = Math.abs(x);
  const steps = 4000;
  const h = a / steps;
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const w = i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2;
    sum += w * Math.exp(unitTLogDensity(i * h, nu));
  }
  const half = (sum * h) / 3;
  return x >= 0 ? 0.5 + half : 0.5 - half;
}

/** The p-quantile (p > 0.5) of a unit-variance Student-t(ν), by bisection on {@link unitTCdf}. */
export function unitTQuantile(p: number, nu: number): number {
  let lo = 0;
  let hi = 200;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (unitTCdf(mid, nu) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
