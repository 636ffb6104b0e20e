/**
 * The path generator's dynamics against the market's hourly record: the distributions of 1-hour,
 * 4-hour and 24-hour log returns, of the 24-hour maximum adverse excursion (down and up) and of the
 * windows' realised vol, each standardised by the vol forecast made before the window, compared with
 * the same statistics of the generator's own windows at that forecast.
 *
 * - Forecast: an EWMA of squared hourly log returns (the half-life a parameter; vol clusters, so the
 *   forecast conditions on recent realised vol), annualised, floored at `volFloor` — the production
 *   chain's reading of "realised EWMA floored", with no implied vol in the history to add.
 * - A window starts at an hour's open with the previous close as its reference price; windows of one
 *   length do not overlap.
 * - Model: the real generator (`path-generator.ts`, one market, plain Monte Carlo, 10-minute steps
 *   over 24 hours) at a grid of forecast vols (its jumps are absolute, so its standardised quantiles
 *   depend on the vol); a window's threshold is the quantile at its own forecast, interpolated in
 *   log vol. The 1-hour and 4-hour statistics are read off the first hours of the 24-hour path,
 *   which have the distribution of a 1-hour or 4-hour window (one regime per window either way).
 * - Test: for each statistic and level, the share of windows beyond the model's quantile, with
 *   Kupiec's proportion-of-failures test; the fit minimises the sum of those LR statistics over the
 *   earlier part of the history and is judged on the later part.
 */
import { readPriceCsv } from '../backtest/price-csv.ts';
import { kupiecPof } from '../backtest/stats/coverage-tests.ts';
import {
  createGeneratorBuffers,
  generateScenario,
  pathGeneratorSetup,
} from '../model/engines/path/path-generator.ts';
import { pathSeedWords } from '../model/random/path-streams.ts';

/** One hourly candle with its start time (epoch ms). */
export interface HourlyCandle {
  readonly timeMs: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

/** Hours in a year (365 days), to annualise hourly variance. */
const HOURS_PER_YEAR = 8760;

/** The generator parameters the fit searches. */
export interface DynamicsParams {
  /** ν of the regime (> 2); null = Gaussian. */
  readonly tailDof: number | null;
  readonly jumpRatePerDay: number;
  readonly jumpMeanSize: number;
  readonly jumpDownShare: number;
}

/** The statistics compared; each is standardised by the window's forecast σ·√hours. */
export const STATISTICS = [
  'fall 1h',
  'rise 1h',
  'fall 4h',
  'rise 4h',
  'fall 24h',
  'rise 24h',
  'max adverse move down 24h',
  'max adverse move up 24h',
  'realised vol 4h',
  'realised vol 24h',
] as const;
export type StatisticName = (typeof STATISTICS)[number];

/** Which side of a statistic's distribution a level tests. */
export type Tail = 'upper' | 'lower';

/** One (statistic, level) the fit and the test evaluate. */
export interface Check {
  readonly statistic: StatisticName;
  /** Probability mass beyond the threshold under the model (0.01 for a 99% quantile). */
  readonly probability: number;
  readonly tail: Tail;
}

/**
 * The checks: the 99% and 99.9% quantile of each move (the fund's tail), and of the realised vol
 * the 5% and 50% quantiles as well (calm windows: the fund earns on liquidations, so a model whose
 * days are too calm understates that income and looks conservative on every calm day).
 */
export const CHECKS: readonly Check[] = STATISTICS.flatMap((statistic): Check[] => {
  const tails: Check[] = [
    { statistic, probability: 0.01, tail: 'upper' },
    { statistic, probability: 0.001, tail: 'upper' },
  ];
  if (!statistic.startsWith('realised vol')) return tails;
  return [
    { statistic, probability: 0.05, tail: 'lower' },
    { statistic, probability: 0.5, tail: 'lower' },
    ...tails,
  ];
});

/**
 * One statistic of one real window: its start, its forecast vol and the standardised value, signed
 * so that large = adverse (a fall is a positive number).
 */
export interface RealWindow {
  readonly timeMs: number;
  /** Annualised forecast vol at the window's start (after the floor). */
  readonly vol: number;
  readonly statistic: StatisticName;
  readonly value: number;
}

/** Forecast settings: EWMA half-life in hours, the floor, the warm-up hours. */
export interface ForecastSettings {
  readonly halfLifeHours: number;
  readonly volFloor: number;
  readonly warmupHours: number;
}

/**
 * Defaults: an 11-day half-life (RiskMetrics' daily λ = 0.94, the backtest's forecast), the
 * recalibration's 20% floor, three weeks of warm-up.
 */
export const DEFAULT_FORECAST: ForecastSettings = { halfLifeHours: 264, volFloor: 0.2, warmupHours: 504 };

/**
 * The real windows of an hourly history, one entry per (statistic, window). Hours must be
 * consecutive: a window spanning a missing hour is skipped.
 */
export function realWindows(candles: readonly HourlyCandle[], forecast = DEFAULT_FORECAST): RealWindow[] {
  const n = candles.length;
  const lambda = 0.5 ** (1 / forecast.halfLifeHours);
  const logReturn = (i: number) => Math.log(candles[i]!.close / candles[i - 1]!.close);
  const consecutive = (from: number, to: number) =>
    candles[to]!.timeMs - candles[from]!.timeMs === (to - from) * 3.6e6;
  const warm = Math.min(n - 1, Math.max(2, forecast.warmupHours));
  let variance = 0;
  for (let i = 1; i <= warm; i++) variance += logReturn(i) ** 2 / warm;
  // forecastAt[i]: the annualised vol known at the close of hour i − 1 (returns up to i − 1).
  const forecastAt = new Float64Array(n);
  for (let i = warm + 1; i < n; i++) {
    forecastAt[i] = Math.max(forecast.volFloor, Math.sqrt(variance * HOURS_PER_YEAR));
    variance = lambda * variance + (1 - lambda) * logReturn(i) ** 2;
  }
  const out: RealWindow[] = [];
  for (const hours of [1, 4, 24] as const) {
    for (let s = warm + 1; s + hours <= n; s += hours) {
      const end = s + hours - 1;
      if (!consecutive(s - 1, end)) continue;
      const vol = forecastAt[s]!;
      const scale = vol * Math.sqrt(hours / HOURS_PER_YEAR);
      const reference = candles[s - 1]!.close;
      const move = Math.log(candles[end]!.close / reference) / scale;
      let low = reference;
      let high = reference;
      let squares = 0;
      for (let k = s; k <= end; k++) {
        low = Math.min(low, candles[k]!.low);
        high = Math.max(high, candles[k]!.high);
        squares += logReturn(k) ** 2;
      }
      const push = (statistic: StatisticName, value: number) =>
        out.push({ timeMs: candles[s]!.timeMs, vol, statistic, value });
      push(`fall ${hours}h` as StatisticName, -move);
      push(`rise ${hours}h` as StatisticName, move);
      if (hours === 24) {
        push('max adverse move down 24h', Math.log(reference / low) / scale);
        push('max adverse move up 24h', Math.log(high / reference) / scale);
      }
      if (hours !== 1) push(`realised vol ${hours}h` as StatisticName, Math.sqrt(squares) / scale);
    }
  }
  return out;
}

/** The hourly candles of a price file, through the backtest's CSV reader (a close stands in for a missing extreme). */
export async function readHourlyCandles(file: string): Promise<HourlyCandle[]> {
  const series = await readPriceCsv(file, file, { candles: true });
  return series.points.map((p) => ({
    timeMs: p.timeMs,
    open: p.open ?? p.close,
    high: p.high ?? p.close,
    low: p.low ?? p.close,
    close: p.close,
  }));
}

/** {@link realWindows} of `candles` per forecast half-life, each computed once (the fits ask many times). */
export function windowsByHalfLife(
  candles: readonly HourlyCandle[],
  forecast = DEFAULT_FORECAST,
): (halfLifeHours: number) => readonly RealWindow[] {
  const memo = new Map<number, RealWindow[]>();
  return (halfLifeHours) => {
    let windows = memo.get(halfLifeHours);
    if (windows === undefined) {
      windows = realWindows(candles, { ...forecast, halfLifeHours });
      memo.set(halfLifeHours, windows);
    }
    return windows;
  };
}

/** The generator's sorted standardised statistics at one forecast vol. */
export type ModelSample = Record<StatisticName, Float64Array>;

/** Steps of the simulated day and their length. */
const STEP_MINUTES = 10;
const STEPS = 144;
const STEPS_PER_HOUR = 6;

/**
 * `paths` windows of the generator at forecast vol `vol` (one market, plain Monte Carlo, 24 hours of
 * 10-minute steps), reduced to the standardised statistics and sorted ascending.
 */
export function modelSample(params: DynamicsParams, vol: number, paths: number, seed: number): ModelSample {
  const setup = pathGeneratorSetup({
    vols: [vol],
    cholesky: Float64Array.of(1),
    tailDof: params.tailDof,
    steps: STEPS,
    stepMinutes: STEP_MINUTES,
    jumpRatePerDay: params.jumpRatePerDay,
    jumpMeanSize: params.jumpMeanSize,
    jumpDownShare: params.jumpDownShare,
    betas: [1],
    liquidityVolElasticity: 0,
    importanceSampling: false,
  });
  const buf = createGeneratorBuffers(setup);
  const seedWords = pathSeedWords(seed);
  const sample = Object.fromEntries(STATISTICS.map((s) => [s, new Float64Array(paths)])) as ModelSample;
  const scale = (hours: number) => vol * Math.sqrt(hours / HOURS_PER_YEAR);
  const s1 = scale(1);
  const s4 = scale(4);
  const s24 = scale(24);
  for (let p = 0; p < paths; p++) {
    generateScenario(setup, seedWords, p, buf);
    const level = (t: number) => 1 + buf.cumulativeReturn[t]!;
    let low = 1;
    let high = 1;
    for (let t = 0; t < STEPS; t++) {
      const x = level(t);
      if (x < low) low = x;
      if (x > high) high = x;
    }
    let squares4 = 0;
    let squares24 = 0;
    let previous = 1;
    for (let h = 1; h <= 24; h++) {
      const x = level(h * STEPS_PER_HOUR - 1);
      const r = Math.log(x / previous) ** 2;
      previous = x;
      if (h <= 4) squares4 += r;
      squares24 += r;
    }
    const m1 = Math.log(level(STEPS_PER_HOUR - 1)) / s1;
    const m4 = Math.log(level(4 * STEPS_PER_HOUR - 1)) / s4;
    const m24 = Math.log(level(STEPS - 1)) / s24;
    sample['fall 1h'][p] = -m1;
    sample['rise 1h'][p] = m1;
    sample['fall 4h'][p] = -m4;
    sample['rise 4h'][p] = m4;
    sample['fall 24h'][p] = -m24;
    sample['rise 24h'][p] = m24;
    sample['max adverse move down 24h'][p] = -Math.log(low) / s24;
    sample['max adverse move up 24h'][p] = Math.log(high) / s24;
    sample['realised vol 4h'][p] = Math.sqrt(squares4) / s4;
    sample['realised vol 24h'][p] = Math.sqrt(squares24) / s24;
  }
  for (const s of STATISTICS) sample[s].sort();
  return sample;
}

/** The q-quantile of an ascending sample (linear between order statistics). */
export function sortedQuantile(sorted: Float64Array, q: number): number {
  const x = q * (sorted.length - 1);
  const i = Math.floor(x);
  const lo = sorted[i]!;
  const hi = sorted[Math.min(sorted.length - 1, i + 1)]!;
  return lo + (x - i) * (hi - lo);
}

/** The model's threshold of a check at each vol of a grid. */
export interface ThresholdCurve {
  readonly vols: readonly number[];
  readonly thresholds: readonly number[];
}

/** The model's thresholds of every check on a vol grid. */
export type ModelThresholds = Map<Check, ThresholdCurve>;

/** Default forecast-vol grid: the floor up to 250% annualised, log-spaced. */
export const VOL_GRID = [0.2, 0.3, 0.45, 0.7, 1.05, 1.6, 2.5] as const;

/** Builds the model's thresholds of every check on `vols`. */
export function modelThresholds(
  params: DynamicsParams,
  paths: number,
  seed: number,
  vols: readonly number[] = VOL_GRID,
): ModelThresholds {
  const samples = vols.map((v, i) => modelSample(params, v, paths, seed + i));
  const out: ModelThresholds = new Map();
  for (const check of CHECKS) {
    const q = check.tail === 'upper' ? 1 - check.probability : check.probability;
    out.set(check, { vols, thresholds: samples.map((s) => sortedQuantile(s[check.statistic], q)) });
  }
  return out;
}

/** A curve's threshold at `vol`, linear in log vol, flat beyond the grid. */
export function thresholdAt(curve: ThresholdCurve, vol: number): number {
  const { vols, thresholds } = curve;
  if (vol <= vols[0]!) return thresholds[0]!;
  for (let i = 1; i < vols.length; i++) {
    if (vol <= vols[i]!) {
      const w = Math.log(vol / vols[i - 1]!) / Math.log(vols[i]! / vols[i - 1]!);
      return thresholds[i - 1]! + w * (thresholds[i]! - thresholds[i - 1]!);
    }
  }
  return thresholds[thresholds.length - 1]!;
}

/** One row of the comparison: a check's exceedances over a set of windows. */
export interface CheckResult {
  readonly check: Check;
  readonly windows: number;
  readonly exceedances: number;
  readonly expected: number;
  readonly kupiecLr: number;
  readonly kupiecP: number;
}

/** Counts each check's exceedances of the model's thresholds over `windows`. */
export function evaluateChecks(windows: readonly RealWindow[], thresholds: ModelThresholds): CheckResult[] {
  const byStat = new Map<StatisticName, RealWindow[]>();
  for (const w of windows) {
    const list = byStat.get(w.statistic) ?? [];
    list.push(w);
    byStat.set(w.statistic, list);
  }
  return CHECKS.map((check) => {
    const list = byStat.get(check.statistic) ?? [];
    const curve = thresholds.get(check)!;
    let exceedances = 0;
    for (const w of list) {
      const t = thresholdAt(curve, w.vol);
      if (check.tail === 'upper' ? w.value > t : w.value < t) exceedances++;
    }
    const test = kupiecPof(exceedances, list.length, check.probability);
    return {
      check,
      windows: list.length,
      exceedances,
      expected: list.length * check.probability,
      kupiecLr: test.lr,
      kupiecP: test.pValue,
    };
  });
}

/** The fit's objective: the sum of the checks' Kupiec LR statistics (0 = every rate exact). */
export function fitObjective(results: readonly CheckResult[]): number {
  return results.reduce((s, r) => s + r.kupiecLr, 0);
}

/** Splits windows at `splitMs`: the fit part before, the held-out part from it on. */
export function splitWindows(
  windows: readonly RealWindow[],
  splitMs: number,
): { fit: RealWindow[]; heldOut: RealWindow[] } {
  return {
    fit: windows.filter((w) => w.timeMs < splitMs),
    heldOut: windows.filter((w) => w.timeMs >= splitMs),
  };
}

/** A point of the grid search: the forecast's half-life and the generator's parameters. */
export interface DynamicsCandidate {
  readonly halfLifeHours: number;
  readonly params: DynamicsParams;
}

/** A candidate and its score on the fit part. */
export interface ScoredCandidate extends DynamicsCandidate {
  readonly objective: number;
}

/** The checks the fit minimises: the moves' 99% and 99.9% quantiles (the realised-vol rows are diagnostics). */
export function isTailCheck(check: Check): boolean {
  return !check.statistic.startsWith('realised vol');
}

/**
 * Grid search: each candidate's thresholds (`paths` per grid vol, one seed for all, so candidates
 * differ by their parameters and not by their noise) scored by {@link fitObjective} over the tail
 * checks of the windows before `splitMs`; best first.
 *
 * @param windowsFor - the real windows under a forecast half-life (memoised by the caller)
 */
export function searchDynamics(
  windowsFor: (halfLifeHours: number) => readonly RealWindow[],
  candidates: readonly DynamicsCandidate[],
  splitMs: number,
  paths: number,
  seed: number,
): ScoredCandidate[] {
  return candidates
    .map((c) => {
      const { fit } = splitWindows(windowsFor(c.halfLifeHours), splitMs);
      const results = evaluateChecks(fit, modelThresholds(c.params, paths, seed));
      return { ...c, objective: fitObjective(results.filter((r) => isTailCheck(r.check))) };
    })
    .sort((a, b) => a.objective - b.objective);
}

/**
 * The forecast half-lives the fits try: 2, 5 and 11 days (the backtest's λ = 0.94) and 23 days (the
 * production chain's realised floor, daily λ = 0.97).
 */
export const HALF_LIVES_HOURS = [48, 120, 264, 552] as const;

/**
 * The fit of record: ν of the regime and the forecast's half-life, the jumps held at `jumps` (the
 * crash jumps the event calibration sets: fitting them to hourly kurtosis overfits, see
 * {@link freeJumpGrid}).
 */
export function tailDofGrid(
  jumps: Pick<DynamicsParams, 'jumpRatePerDay' | 'jumpMeanSize' | 'jumpDownShare'>,
): DynamicsCandidate[] {
  return HALF_LIVES_HOURS.flatMap((halfLifeHours) =>
    [3, 3.25, 3.5, 3.75, 4, 4.5].map((tailDof) => ({ halfLifeHours, params: { tailDof, ...jumps } })),
  );
}

/**
 * The free fit, for the record: ν 3, 3.5, 4 and jumps from one 3% jump every 20 days to two 0.7%
 * jumps a day, half or 60% of them down.
 */
export function freeJumpGrid(): DynamicsCandidate[] {
  const jumps = [
    [0.05, 0.03],
    [0.2, 0.02],
    [0.5, 0.015],
    [1, 0.01],
    [2, 0.007],
  ] as const;
  const out: DynamicsCandidate[] = [];
  for (const halfLifeHours of HALF_LIVES_HOURS)
    for (const tailDof of [3, 3.5, 4])
      for (const [jumpRatePerDay, jumpMeanSize] of jumps)
        for (const jumpDownShare of [0.5, 0.6])
          out.push({ halfLifeHours, params: { tailDof, jumpRatePerDay, jumpMeanSize, jumpDownShare } });
  return out;
}
