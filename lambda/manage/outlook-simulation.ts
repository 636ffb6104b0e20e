/**
 * The one-year outlook's Monte Carlo: the fund's balance day by day over `days` (365), on `paths`
 * simulated years. Each day the calm-day inflow arrives, then a Poisson number of crisis days' losses
 * (rate `crisisPerDay`, severities from lambda/manage/severity.ts). The fund is *exhausted* when a loss
 * exceeds what it holds (a loss equal to the balance is still covered): it could not cover that crisis
 * on its own. An exhausted fund stays at 0 and refills from the inflow, as a venue's fund does after
 * auto-deleveraging has absorbed the rest.
 *
 * Besides the figures it keeps, per path, the two numbers the recommendation needs, so no target has
 * to be searched by re-simulating (lambda/manage/target-recommendation.ts):
 * - the capital need m = max over crises k of (C_k − f·d_k), C_k the losses so far at crisis k on
 *   day d_k: the path is exhausted iff the start balance B0 < m;
 * - the inflow need g = max over crises of (C_k − B0) / d_k: exhausted iff the daily inflow f < g.
 * Both are −∞ on a path without crises. Seeded: the same input gives the same numbers bit for bit.
 */
import { Xoshiro128 } from '../model/random/xoshiro128.ts';
import { type CrisisSeverity, drawSeverity } from './severity.ts';

/** Days of the outlook. */
export const OUTLOOK_DAYS = 365;
/** Days between two points of the fan chart (plus the last day). */
export const FAN_STEP_DAYS = 7;
/** Largest crisis rate accepted, per day (the Poisson sampler is exact far beyond any real rate). */
export const MAX_CRISIS_RATE_PER_DAY = 50;

/** What to simulate. Money in USD, rates per day. */
export interface SimulationInput {
  readonly startBalanceUsd: number;
  /** Calm-day inflow (fee income + liquidation income), USD per day; may be negative (an outflow). */
  readonly dailyInflowUsd: number;
  /** The target balance of `daysToTarget` (the required reserve). */
  readonly requiredReserveUsd: number;
  /** Poisson rate of crisis days, per day, in [0, {@link MAX_CRISIS_RATE_PER_DAY}]. */
  readonly crisisPerDay: number;
  /** Share of crisis days that are extreme (priced with the stress library). */
  readonly extremeShare: number;
  readonly severity: CrisisSeverity;
  readonly paths: number;
  readonly seed: number;
  /** @default {@link OUTLOOK_DAYS} */
  readonly days?: number;
}

/** The balance distribution on one day, USD. */
export interface FanPoint {
  readonly day: number;
  readonly p5Usd: number;
  readonly p25Usd: number;
  readonly medianUsd: number;
  readonly p75Usd: number;
  readonly p95Usd: number;
}

/** What the simulation found. */
export interface YearSimulation {
  readonly paths: number;
  readonly days: number;
  /** Share of paths exhausted within `days`. */
  readonly exhaustionProbability: number;
  /** Balance on the last day: 5th percentile, median, 95th percentile. */
  readonly fundAfter: { readonly p5Usd: number; readonly medianUsd: number; readonly p95Usd: number };
  /** First day by which half the paths reached the required reserve (0 when already there); null if not within `days`. */
  readonly daysToTarget: number | null;
  /** The balance distribution every {@link FAN_STEP_DAYS} days and on the last day. */
  readonly fan: readonly FanPoint[];
  /** Per path: the start balance below which it is exhausted (−∞ without crises). */
  readonly capitalNeedUsd: Float64Array;
  /** Per path: the daily inflow below which it is exhausted at this start balance (−∞ without crises). */
  readonly inflowNeedUsd: Float64Array;
}

/**
 * Runs the simulation.
 *
 * @throws RangeError on a rate outside [0, 50] per day, fewer than one path or day, or a non-finite input
 * @example
 * const year = simulateYear({ startBalanceUsd: 1e9, dailyInflowUsd: 2e5, requiredReserveUsd: 1.2e9,
 *   crisisPerDay: 0.017, extremeShare: 0.074, severity, paths: 20_000, seed: 42 });
 */
export function simulateYear(input: SimulationInput): YearSimulation {
  const days = input.days ?? OUTLOOK_DAYS;
  checkInput(input, days);
  const { paths, dailyInflowUsd: f, startBalanceUsd: b0, requiredReserveUsd: target } = input;
  const checkpoints = fanDays(days);
  const balances = new Float64Array(paths * checkpoints.length);
  const capitalNeed = new Float64Array(paths);
  const inflowNeed = new Float64Array(paths);
  const reached = new Float64Array(paths);
  const rng = Xoshiro128.fromSeed(input.seed);
  const noCrisis = Math.exp(-input.crisisPerDay);
  let exhaustedPaths = 0;

  for (let p = 0; p < paths; p++) {
    let balance = b0;
    let losses = 0;
    let need = Number.NEGATIVE_INFINITY;
    let needInflow = Number.NEGATIVE_INFINITY;
    let exhausted = false;
    let reachDay = b0 >= target ? 0 : Number.POSITIVE_INFINITY;
    let next = 0;
    if (checkpoints[0] === 0) balances[p * checkpoints.length + next++] = balance;
    for (let d = 1; d <= days; d++) {
      balance += f;
      const crises = poisson(rng, input.crisisPerDay, noCrisis);
      for (let k = 0; k < crises; k++) {
        const loss = drawSeverity(input.severity, input.extremeShare, rng.nextDouble(), rng.nextDouble());
        losses += loss;
        balance -= loss;
        need = Math.max(need, losses - f * d);
        needInflow = Math.max(needInflow, (losses - b0) / d);
        if (balance < 0) {
          exhausted = true;
          balance = 0;
        }
      }
      if (reachDay === Number.POSITIVE_INFINITY && balance >= target) reachDay = d;
      if (checkpoints[next] === d) balances[p * checkpoints.length + next++] = balance;
    }
    capitalNeed[p] = need;
    inflowNeed[p] = needInflow;
    reached[p] = reachDay;
    if (exhausted) exhaustedPaths++;
  }

  const fan = checkpoints.map((day, c) => fanPoint(day, column(balances, c, checkpoints.length, paths)));
  const last = fan[fan.length - 1] as FanPoint;
  reached.sort();
  const halfway = reached[Math.ceil(paths / 2) - 1] ?? Number.POSITIVE_INFINITY;
  return {
    paths,
    days,
    exhaustionProbability: exhaustedPaths / paths,
    fundAfter: { p5Usd: last.p5Usd, medianUsd: last.medianUsd, p95Usd: last.p95Usd },
    daysToTarget: Number.isFinite(halfway) ? halfway : null,
    fan,
    capitalNeedUsd: capitalNeed,
    inflowNeedUsd: inflowNeed,
  };
}

/**
 * The `p`-quantile of ascending `sorted` values by linear interpolation between order statistics
 * (Hyndman & Fan type 7, the default of R and NumPy).
 */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  const b = sorted[Math.min(n - 1, lo + 1)] as number;
  return a + (h - lo) * (b - a);
}

/**
 * A Poisson(λ) count by inversion of its distribution function from one uniform: the k with
 * F(k−1) ≤ u < F(k). `noCrisis` = e^−λ, computed once.
 */
function poisson(rng: Xoshiro128, lambda: number, noCrisis: number): number {
  const u = rng.nextDouble();
  let k = 0;
  let probability = noCrisis;
  let cdf = probability;
  // The cap only guards against rounding leaving cdf a hair below 1 far in the tail.
  while (u >= cdf && k < 1000) {
    k++;
    probability *= lambda / k;
    cdf += probability;
  }
  return k;
}

function fanDays(days: number): number[] {
  const out: number[] = [];
  for (let d = 0; d < days; d += FAN_STEP_DAYS) out.push(d);
  out.push(days);
  return out;
}

function column(values: Float64Array, c: number, width: number, paths: number): Float64Array {
  const out = new Float64Array(paths);
  for (let p = 0; p < paths; p++) out[p] = values[p * width + c] as number;
  return out.sort();
}

function fanPoint(day: number, sorted: Float64Array): FanPoint {
  return {
    day,
    p5Usd: quantile(sorted, 0.05),
    p25Usd: quantile(sorted, 0.25),
    medianUsd: quantile(sorted, 0.5),
    p75Usd: quantile(sorted, 0.75),
    p95Usd: quantile(sorted, 0.95),
  };
}

function checkInput(input: SimulationInput, days: number): void {
  const finite: [string, number][] = [
    ['startBalanceUsd', input.startBalanceUsd],
    ['dailyInflowUsd', input.dailyInflowUsd],
    ['requiredReserveUsd', input.requiredReserveUsd],
    ['extremeShare', input.extremeShare],
    ['tailVarUsd', input.severity.tailVarUsd],
    ['tailEsUsd', input.severity.tailEsUsd],
  ];
  for (const [name, value] of finite) {
    if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite number, got ${value}`);
  }
  if (!(input.crisisPerDay >= 0 && input.crisisPerDay <= MAX_CRISIS_RATE_PER_DAY)) {
    throw new RangeError(
      `crisisPerDay must be in [0, ${MAX_CRISIS_RATE_PER_DAY}], got ${input.crisisPerDay}`,
    );
  }
  if (!Number.isSafeInteger(input.paths) || input.paths < 1) {
    throw new RangeError(`paths must be a positive integer, got ${input.paths}`);
  }
  if (!Number.isSafeInteger(days) || days < 1)
    throw new RangeError(`days must be a positive integer, got ${days}`);
}
