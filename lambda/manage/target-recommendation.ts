/**
 * Recommendations with a target: what brings the fund to BOTH the required reserve and a one-year
 * exhaustion probability at or below the target (default 1%) — a one-off contribution, a higher
 * insurance fee within a horizon, or, when both hold with room to spare, the surplus that could be
 * released. A fee above the ceiling (default 10 bps of volume) is reported as "not reachable by fees
 * alone" together with the contribution that would be needed, never as a silent 51 bps.
 *
 * Exact on the simulated years, with no search: a path is exhausted iff the start balance is below
 * its capital need, or the daily inflow below its inflow need (lambda/manage/outlook-simulation.ts).
 * At most K = ⌊target · N⌋ of N paths may be exhausted, so the smallest balance that meets the target
 * is the (K+1)-th largest capital need, and the smallest inflow the (K+1)-th largest inflow need.
 * Contributions are rounded up and releases down to whole dollars, fees up to 0.01 bps, so acting
 * on a figure always meets the target on the same simulated years. Pure.
 */
import { formatBps, formatPercent, formatUsd } from '../present/format.ts';
import type { YearSimulation } from './outlook-simulation.ts';

/** What the recommendation is aimed at and what it may propose. */
export interface RecommendationTargets {
  /** Target P(exhausted within one year), e.g. 0.01. */
  readonly targetExhaustionProbability: number;
  /** Fees above this (bps of volume) are "not reachable by fees alone". */
  readonly feeCeilingBps: number;
  /** Days within which a fee must reach the required reserve. */
  readonly feeHorizonDays: number;
}

/** The fund today and the simulated years at today's balance and inflow. */
export interface RecommendationInput extends RecommendationTargets {
  readonly startBalanceUsd: number;
  readonly dailyInflowUsd: number;
  /** Traded volume the fee applies to, USD per day (all markets). */
  readonly dailyVolumeUsd: number;
  readonly requiredReserveUsd: number;
  readonly simulation: Pick<
    YearSimulation,
    'paths' | 'capitalNeedUsd' | 'inflowNeedUsd' | 'exhaustionProbability'
  >;
}

/** What to do, with every figure behind it and one sentence saying what and why. */
export interface TargetRecommendation {
  readonly targetExhaustionProbability: number;
  readonly requiredReserveUsd: number;
  /** The one-year exhaustion probability today (at today's balance and inflow). */
  readonly exhaustionProbability1y: number;
  readonly action: 'contribute' | 'raise-fee' | 'release' | 'hold';
  /** One-off contribution that meets both targets now; 0 when they are met. */
  readonly contributionUsd: number;
  /**
   * Insurance fee on top of today's inflow, bps of volume, that reaches the required reserve within
   * `feeHorizonDays` and the probability target; 0 when met, null without traded volume.
   */
  readonly additionalFeeBps: number | null;
  /** True when the fee is at most the ceiling. */
  readonly feeReachable: boolean;
  readonly feeCeilingBps: number;
  readonly feeHorizonDays: number;
  /** Surplus that could be released keeping both targets; 0 when there is none. */
  readonly releasableUsd: number;
  /** What and why, in one sentence. */
  readonly text: string;
}

/**
 * The recommendation for the fund of `input`.
 *
 * @example
 * const rec = recommendWithTarget({ ...targets, startBalanceUsd, dailyInflowUsd, dailyVolumeUsd,
 *   requiredReserveUsd, simulation: simulateYear(...) });
 */
export function recommendWithTarget(input: RecommendationInput): TargetRecommendation {
  const { simulation: sim, startBalanceUsd: b0, requiredReserveUsd: required } = input;
  const allowed = Math.floor(input.targetExhaustionProbability * sim.paths + 1e-9);
  const riskBalance = Math.max(0, rankFromTop(sim.capitalNeedUsd, allowed));
  const targetBalance = Math.max(required, riskBalance);
  const contributionUsd = Math.max(0, Math.ceil(targetBalance - b0));
  const releasableUsd = Math.max(0, Math.floor(b0 - targetBalance));
  const additionalFeeBps = feeNeeded(input, rankFromTop(sim.inflowNeedUsd, allowed));
  const feeReachable = additionalFeeBps !== null && additionalFeeBps <= input.feeCeilingBps;
  const met = contributionUsd === 0;
  const action = met ? (releasableUsd > 0 ? 'release' : 'hold') : feeReachable ? 'raise-fee' : 'contribute';
  const base = {
    targetExhaustionProbability: input.targetExhaustionProbability,
    requiredReserveUsd: required,
    exhaustionProbability1y: sim.exhaustionProbability,
    action,
    contributionUsd,
    additionalFeeBps: met ? 0 : additionalFeeBps,
    feeReachable: met || feeReachable,
    feeCeilingBps: input.feeCeilingBps,
    feeHorizonDays: input.feeHorizonDays,
    releasableUsd,
  } as const;
  return { ...base, text: sentence(base) };
}

/**
 * The additional fee, bps of volume rounded up to 0.01: enough inflow to close the gap to the
 * required reserve in `feeHorizonDays` in calm markets, and at least the inflow the probability
 * target needs. Null without traded volume.
 */
function feeNeeded(input: RecommendationInput, riskInflowUsd: number): number | null {
  const volume = input.dailyVolumeUsd;
  if (!(volume > 0)) return null;
  const horizon = input.feeHorizonDays;
  const gap = input.requiredReserveUsd - input.startBalanceUsd - input.dailyInflowUsd * horizon;
  const gapShare = Math.max(0, gap / (volume * horizon));
  const riskShare = Math.max(0, (riskInflowUsd - input.dailyInflowUsd) / volume);
  return Math.ceil(Math.max(gapShare, riskShare) * 1e6) / 100;
}

/** The (k+1)-th largest value (k = 0: the largest); −∞ when there are k or fewer. */
function rankFromTop(values: Float64Array, k: number): number {
  if (k >= values.length) return Number.NEGATIVE_INFINITY;
  const sorted = Float64Array.from(values).sort();
  return sorted[sorted.length - 1 - k] as number;
}

function sentence(r: Omit<TargetRecommendation, 'text'>): string {
  const target = `the ${formatPercent(r.targetExhaustionProbability)} target`;
  const now = `now ${formatPercent(r.exhaustionProbability1y)}`;
  const reserve = `the required reserve of ${formatUsd(r.requiredReserveUsd)}`;
  switch (r.action) {
    case 'hold':
      return `Hold: the fund holds ${reserve} and its one-year exhaustion probability (${now}) is within ${target}, with nothing to spare for release.`;
    case 'release':
      return `Up to ${formatUsd(r.releasableUsd)} could be released: the fund would still hold ${reserve} and keep its one-year exhaustion probability (${now}) within ${target}.`;
    case 'raise-fee':
      return `Raise the insurance fee by ${bps(r.additionalFeeBps)} of volume: within ${r.feeHorizonDays} days that reaches ${reserve} and keeps the one-year exhaustion probability (${now}) within ${target} (a one-off contribution of ${formatUsd(r.contributionUsd)} would do it at once).`;
    case 'contribute': {
      const why =
        r.additionalFeeBps === null
          ? 'there is no traded volume to charge a fee on'
          : `it is not reachable by fees alone (it would take ${bps(r.additionalFeeBps)} of volume for ${r.feeHorizonDays} days, above the ${bps(r.feeCeilingBps)} ceiling)`;
      return `Contribute ${formatUsd(r.contributionUsd)} now to reach ${reserve} and a one-year exhaustion probability (${now}) within ${target}; ${why}.`;
    }
  }
}

function bps(value: number | null): string {
  return value === null ? 'n/a' : formatBps(value);
}
