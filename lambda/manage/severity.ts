/**
 * What a crisis day costs the fund, taken from the reserve engine's own result: an ordinary crisis
 * day costs a loss from the Monte Carlo tail, an extreme day one of the stress library's replays.
 *
 * The tail is summarised by its VaR and ES (the mean beyond VaR), so a tail draw is
 * VaR + an exponential excess with mean ES − VaR: the generalised Pareto tail with shape 0, the
 * lightest tail consistent with both figures. A stress replay costs its net fund loss (bad debt less
 * liquidation income) as the requirement counts it: with the fund unlimited, before auto-deleveraging
 * (the path engine's `lossUsd`, the gap engine's the same). Tail and stress figures are then losses
 * of the same kind — what the fund would have to pay to cover a crisis on its own — and the outlook's
 * "exhausted" means a crisis it could not. Losses are floored at 0: a scenario in which the fund
 * earned is no loss. The revaluation of a fund held in volatile assets is not part of the severity
 * (the outlook treats the balance as stable).
 */
import type { ReserveResult } from '../model/schemas.ts';

/** The loss distribution of one crisis day, USD (losses positive). */
export interface CrisisSeverity {
  /** Monte Carlo VaR of the window at the model's confidence. */
  readonly tailVarUsd: number;
  /** Monte Carlo ES of the window (≥ VaR). */
  readonly tailEsUsd: number;
  /** Net fund loss of each stress scenario, in the result's order. */
  readonly stressLossesUsd: readonly number[];
  /** The scenarios' names, in the same order (for the reader). */
  readonly stressNames: readonly string[];
}

/** The severities a ReserveResult implies (the path engine's split when present). */
export function severityFromResult(result: ReserveResult): CrisisSeverity {
  const tailVarUsd = Math.max(0, result.monteCarlo.varUsd);
  return {
    tailVarUsd,
    tailEsUsd: Math.max(tailVarUsd, result.monteCarlo.esUsd),
    stressLossesUsd: result.stress.map((s) => Math.max(0, s.lossUsd)),
    stressNames: result.stress.map((s) => s.name),
  };
}

/**
 * One crisis day's loss from two uniforms in [0, 1): `pick` chooses extreme (a stress replay, when
 * `pick < extremeShare` and there are scenarios) or ordinary (a tail draw), `u` draws the loss.
 */
export function drawSeverity(
  severity: CrisisSeverity,
  extremeShare: number,
  pick: number,
  u: number,
): number {
  const stress = severity.stressLossesUsd;
  if (stress.length > 0 && pick < extremeShare) {
    return stress[Math.min(stress.length - 1, Math.floor(u * stress.length))] ?? 0;
  }
  return severity.tailVarUsd - (severity.tailEsUsd - severity.tailVarUsd) * Math.log1p(-u);
}
