/**
 * Expected-shortfall backtest: Acerbi & Székely (2014) test statistic Z2 in the loss convention,
 *
 *   Z2 = Σ_t L_t·I_t / (T·(1−α)·ES_t) − 1,   I_t = [L_t > VaR_t],
 *
 * which is 0 in expectation when the forecast ES is right, positive when realised tail losses are
 * larger or more frequent than forecast (risk underestimated), negative when the model is conservative.
 *
 * Critical values are simulated, not taken from the paper's table (which is for ES 97.5% over 250 days):
 * under H0 the exceedance count is Binomial(T, 1−α) and, given an exceedance, L/VaR follows a Pareto law
 * with tail index ν = the model's Student-t degrees of freedom (the t tail is Pareto with index ν; a
 * Pareto(ν) conditional mean is VaR·ν/(ν−1), so L/ES = ((ν−1)/ν)·U^{−1/ν}). Z2 normalised by ES_t does not
 * depend on the day's scale, so one simulation serves the whole backtest. The fund's loss has a lighter
 * tail than that (a long's loss is capped at a 100% move), so these critical values are wide, i.e. the
 * test errs towards not rejecting; it is reported next to the VaR tests, not instead of them.
 */

/** A uniform(0,1) source; the caller passes a seeded one so the critical values are reproducible. */
export type UniformSource = () => number;

/** One day's forecast and outcome, losses in USD (positive = loss). */
export interface EsObservation {
  readonly varUsd: number;
  readonly esUsd: number;
  readonly realizedLossUsd: number;
}

/** Result of the Z2 test. */
export interface EsTestResult {
  /** Z2; +Infinity when a loss exceeded a forecast whose ES was 0. */
  readonly z2: number;
  /** Simulated 95% and 99.99% quantiles of Z2 under H0 (the "yellow" and "red" bounds). */
  readonly criticalValue5pct: number;
  readonly criticalValue001pct: number;
  readonly verdict: 'accept' | 'reject-5pct' | 'reject-001pct';
  /** Mean realised loss on exceedance days, and mean forecast ES on those days (USD). */
  readonly meanLossOnExceedanceUsd: number | null;
  readonly meanEsOnExceedanceUsd: number | null;
  /** Tail index used for the simulation and the number of simulated backtests. */
  readonly tailIndex: number;
  readonly simulations: number;
}

/** Tail index used for the simulation when the model is Gaussian (tailDof null): a thin but finite tail. */
export const GAUSSIAN_TAIL_INDEX = 50;

/** Z2 of a sequence of forecasts and outcomes. */
export function acerbiSzekelyZ2(obs: readonly EsObservation[], confidence: number): number {
  let sum = 0;
  for (const o of obs) {
    if (!(o.realizedLossUsd > o.varUsd)) continue;
    if (o.esUsd <= 0) return Number.POSITIVE_INFINITY;
    sum += o.realizedLossUsd / o.esUsd;
  }
  return sum / (obs.length * (1 - confidence)) - 1;
}

/**
 * Simulated distribution of Z2 under H0 for `days` forecasts at `confidence`, tail index `tailIndex`.
 *
 * @returns the sorted simulated Z2 values
 */
export function simulateZ2(
  days: number,
  confidence: number,
  tailIndex: number,
  simulations: number,
  uniform: UniformSource,
): Float64Array {
  const p = 1 - confidence;
  const cdf = binomialTable(days, p);
  const scale = (tailIndex - 1) / tailIndex;
  const out = new Float64Array(simulations);
  for (let s = 0; s < simulations; s++) {
    const u = uniform();
    let k = 0;
    while (k < cdf.length - 1 && (cdf[k] ?? 1) < u) k++;
    let sum = 0;
    for (let i = 0; i < k; i++) sum += scale * (1 - uniform()) ** (-1 / tailIndex);
    out[s] = sum / (days * p) - 1;
  }
  return out.sort();
}

/** Cumulative binomial probabilities up to where they reach 1 − 1e−15 (inverse-CDF sampling table). */
function binomialTable(n: number, p: number): number[] {
  const table: number[] = [];
  let pmf = Math.exp(n * Math.log1p(-p));
  let cum = 0;
  for (let k = 0; k <= n; k++) {
    cum += pmf;
    table.push(cum);
    if (cum > 1 - 1e-15 && k > n * p) break;
    pmf *= ((n - k) / (k + 1)) * (p / (1 - p));
  }
  return table;
}

function quantile(sorted: Float64Array, q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

/**
 * The Z2 ES backtest with simulated critical values.
 *
 * @param tailDof - the model's tailDof (null = Gaussian, simulated with {@link GAUSSIAN_TAIL_INDEX})
 * @param simulations - simulated backtests (100 000 resolves the 99.99% quantile to ~10 draws)
 */
export function esBacktest(
  obs: readonly EsObservation[],
  confidence: number,
  tailDof: number | null,
  uniform: UniformSource,
  simulations = 100_000,
): EsTestResult {
  const tailIndex = tailDof ?? GAUSSIAN_TAIL_INDEX;
  const z2 = acerbiSzekelyZ2(obs, confidence);
  const sims = simulateZ2(obs.length, confidence, tailIndex, simulations, uniform);
  const c5 = quantile(sims, 0.95);
  const c001 = quantile(sims, 0.9999);
  const hits = obs.filter((o) => o.realizedLossUsd > o.varUsd);
  const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
  return {
    z2,
    criticalValue5pct: c5,
    criticalValue001pct: c001,
    verdict: z2 > c001 ? 'reject-001pct' : z2 > c5 ? 'reject-5pct' : 'accept',
    meanLossOnExceedanceUsd: mean(hits.map((o) => o.realizedLossUsd)),
    meanEsOnExceedanceUsd: mean(hits.map((o) => o.esUsd)),
    tailIndex,
    simulations,
  };
}
