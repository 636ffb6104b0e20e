/**
 * What a crisis day costs the fund, from the reserve engine replaying the run's own stress paths —
 * recorded crashes — through today's book: an **extreme** day (a move of 25% or more) costs one of
 * the stress replays as recorded; an **ordinary** crisis day (15–25%) costs one of those paths scaled
 * down to an ordinary crisis day's size (the 10/30/50/70/90% quantiles of the shipped history's
 * ordinary crisis days, lambda/manage/crisis-rate.ts). A crisis day is chosen by its move, so it is
 * priced by a move of that size: the Monte Carlo's tail beyond its 99.9% VaR is chosen by its loss
 * and, drawn for every crisis day, priced an ordinary 15% day above the worst recorded crash.
 *
 * Without stress paths the ordinary day falls back to the Monte Carlo tail, summarised by its VaR
 * and ES (the mean beyond VaR): VaR + an exponential excess with mean ES − VaR, the generalised
 * Pareto tail with shape 0, the lightest tail consistent with both figures. A stress replay costs its net fund loss (bad debt less
 * liquidation income) as the requirement counts it: with the fund unlimited, before auto-deleveraging
 * (the path engine's `lossUsd`, the gap engine's the same). Tail and stress figures are then losses
 * of the same kind — what the fund would have to pay to cover a crisis on its own — and the outlook's
 * "exhausted" means a crisis it could not. Losses are floored at 0: a scenario in which the fund
 * earned is no loss. The revaluation of a fund held in volatile assets is not part of the severity
 * (the outlook treats the balance as stable).
 */
import { lossEngineFor } from '../model/engines/select-engine.ts';
import type { MarketSnapshot, ReserveResult } from '../model/schemas.ts';
import { ORDINARY_CRISIS_SIZES } from './crisis-rate.ts';

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
  /**
   * Net fund loss of an ordinary crisis day: each stress path scaled to each of `ordinarySizes`
   * (scenario-major), floored at 0. Absent: ordinary days are tail draws (no stress paths, or an
   * outlook stored before this pricing).
   */
  readonly ordinaryLossesUsd?: readonly number[] | undefined;
  /** The largest move of the book's largest market each scaled path reaches. */
  readonly ordinarySizes?: readonly number[] | undefined;
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
 * The severities of a run: {@link severityFromResult} plus the ordinary crisis days, each stress path
 * of `snapshot` replayed (fund unlimited, as the requirement) with its returns scaled so that the
 * largest adverse move of the book's largest market is each ordinary size (a path smaller than
 * that is replayed as it is).
 *
 * @example
 * crisisSeverity(run.snapshot, run.result).ordinaryLossesUsd?.length // 5 × the stress scenarios
 */
export function crisisSeverity(snapshot: MarketSnapshot, result: ReserveResult): CrisisSeverity {
  const base = severityFromResult(result);
  const scenarios = snapshot.model.stressScenarios;
  if (scenarios.length === 0 || snapshot.markets.length === 0) return base;
  const engine = lossEngineFor(snapshot);
  const lead = snapshot.markets.reduce((a, m) => (m.openInterestUsd > a.openInterestUsd ? m : a)).id;
  const ordinaryLossesUsd = scenarios.flatMap((scenario) => {
    const size = Math.max(
      0,
      ...engine
        .replay(scenario)
        .bySide.filter((side) => side.marketId === lead)
        .map((side) => side.maxAdverseMove),
    );
    return ORDINARY_CRISIS_SIZES.map((target) => {
      const scale = size > target ? target / size : 1;
      return Math.max(0, engine.replay(scenario, { scale }).netLossUsd);
    });
  });
  return { ...base, ordinaryLossesUsd, ordinarySizes: ORDINARY_CRISIS_SIZES };
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
  const ordinary = severity.ordinaryLossesUsd;
  if (ordinary !== undefined && ordinary.length > 0) {
    return ordinary[Math.min(ordinary.length - 1, Math.floor(u * ordinary.length))] ?? 0;
  }
  return severity.tailVarUsd - (severity.tailEsUsd - severity.tailVarUsd) * Math.log1p(-u);
}
