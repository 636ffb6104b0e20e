/**
 * What to do about a requirement, in the order a treasury acts: first what costs nothing (a stale or
 * unknown balance may already be wrong), then what restores coverage (top-up or fee), then what
 * lowers the requirement itself — aimed at the market carrying most of the binding term's loss, with
 * a first-order estimate of whether cutting it alone would be enough.
 */
import type { ReserveResult } from '../model/schemas.ts';
import { type Explanation, floorWords } from './explain.ts';
import { formatBps, formatPercent, formatUsd } from './format.ts';

/** What {@link reserveNextSteps} reads. */
export interface NextStepsInput {
  readonly fundId: string;
  readonly result: ReserveResult;
  readonly why: Explanation;
  /**
   * The run's recommendation aimed at a target (its one-year outlook's sentence). When given it
   * replaces the shortfall-or-release step, whose 30-day fee ignores the fund's exhaustion risk.
   */
  readonly recommendation?: string;
}

/**
 * The next steps for a run, most urgent and cheapest first.
 *
 * @example
 * reserveNextSteps({ fundId, result, why })[0];
 * // "Confirm the fund balance first: balance STALE (updated 228 h ago, limit 36 h); …"
 */
export function reserveNextSteps(input: NextStepsInput): string[] {
  const { fundId, result, why } = input;
  const { balance } = why;
  const steps: string[] = [];
  if (balance.kind === 'unknown') {
    steps.push(
      `Check the balance source of ${fundId} (venue pool, SSM parameter or RPC endpoint): without a balance the status is UNKNOWN and the whole requirement (${formatUsd(result.requiredReserveUsd)}) is unconfirmed.`,
    );
    return steps;
  }
  if (balance.kind === 'stale') {
    steps.push(
      `Confirm the fund balance first: ${balance.note}; a fresh balance costs nothing and may change the status.`,
    );
  }
  const rec = result.recommendation;
  if (input.recommendation !== undefined) {
    steps.push(input.recommendation);
    const target = rec.shortfallUsd > 0 ? exposureStep(why, rec.shortfallUsd) : null;
    if (target !== null) steps.push(target);
    return steps;
  }
  if (rec.shortfallUsd > 0) {
    steps.push(
      `Restore coverage: top up the fund by ${formatUsd(rec.shortfallUsd)}${rec.feeBpsToCloseIn30Days === null ? '' : `, or raise insurance fees by ${formatBps(rec.feeBpsToCloseIn30Days)} of traded volume to collect it in 30 days`}.`,
    );
    const target = exposureStep(why, rec.shortfallUsd);
    if (target !== null) steps.push(target);
    return steps;
  }
  if (rec.releasableUsd > 0) {
    steps.push(
      `Fully covered: ${formatUsd(rec.releasableUsd)} could be released while keeping the configured multiple of the requirement.`,
    );
  } else if (steps.length === 0) {
    steps.push('Fully covered: no action needed.');
  }
  return steps;
}

/**
 * The step aimed at the binding term's largest contributor. Cutting that market's exposure lowers the
 * binding loss about in proportion (exactly so without price impact); the requirement must fall by
 * the shortfall, i.e. the binding loss by shortfall / (1 + buffer).
 */
function exposureStep(why: Explanation, shortfallUsd: number): string | null {
  const floor = why.policy?.floor ?? null;
  if (why.binding === 'floor' && floor !== null) {
    const oi = floor.openInterestShare === null ? '' : ', less open interest';
    return `The policy floor sets the requirement: ${floorWords(floor)}; lowering market risk does not lower it, only a larger balance${oi} or a change of the fund's policy does.`;
  }
  const top = why.contributions[0];
  if (top === undefined || top.lossUsd <= 0) return null;
  const term =
    why.binding === 'expectedShortfall'
      ? 'the expected shortfall'
      : `"${why.scenario?.name ?? 'the worst stress'}"`;
  const head = `Lower the requirement where it comes from: ${top.marketId} carries ${formatPercent(top.share, 0)} (${formatUsd(top.lossUsd)}) of the loss in ${term}`;
  const needed = shortfallUsd / (1 + why.buffer);
  if (needed > top.lossUsd) {
    return `${head}; lowering its open interest or maximum leverage lowers the requirement most, but not enough on its own (the binding loss must fall by ${formatUsd(needed)}).`;
  }
  const next = why.terms
    .filter((t) => t.term !== why.binding && t.usd !== null)
    .reduce<(typeof why.terms)[number] | null>(
      (a, t) => (a === null || (t.usd ?? 0) > (a.usd ?? 0) ? t : a),
      null,
    );
  if (next !== null && (next.usd ?? 0) > why.baseUsd - needed) {
    return `${head}; cutting it lowers the requirement, but ${next.label} (${formatUsd(next.usd)}) would then set it above the balance.`;
  }
  // Cutting the model's number can only bring the requirement down to the floor.
  if (floor !== null && floor.usd > why.requiredReserveUsd - shortfallUsd) {
    return `${head}; cutting it lowers the requirement, but the policy floor (${formatUsd(floor.usd)}) would then set it above the balance.`;
  }
  return `${head}; cutting its open interest (or the leverage allowed on it) by about ${formatPercent(needed / top.lossUsd, 0)} would restore coverage on its own (first-order estimate).`;
}
