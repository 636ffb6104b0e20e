/**
 * Fitting the engine's defaults to the validation events: a grid over throughput, permanent-impact
 * share, the throughput's liquidity exponent and the leverage family, scored by how far each event's
 * prediction is from its report (log ratio; a wrong sign and a wrong ADL call are penalised), and the
 * leave-one-out check (fit on all events but one, predict the one left out).
 */
import type { LoadedEvent } from './event-book.ts';
import { leverageFamily } from './leverage-fit.ts';
import { type EventComparison, replayEvents } from './replay-event.ts';

/** The knobs the fit moves: the engine's three and the leverage family's two. */
export interface EngineParams {
  readonly throughputMultiple: number;
  readonly permanentImpactShare: number;
  readonly throughputLiquidityExponent: number;
  /** Median distance to bankruptcy and log-sd of the leverage family ({@link leverageFamily}). */
  readonly leverageMedian: number;
  readonly leverageLogSd: number;
}

/** The grid of candidate values per knob. */
export interface EngineGrid {
  readonly throughputMultiple: readonly number[];
  readonly permanentImpactShare: readonly number[];
  readonly throughputLiquidityExponent: readonly number[];
  readonly leverageMedian: readonly number[];
  readonly leverageLogSd: readonly number[];
}

/** A wrong sign costs as much as a miss by a factor e³ ≈ 20. */
export const WRONG_SIGN_PENALTY = 3;
/** A wrong ADL call costs as much as a miss by a factor e ≈ 2.7. */
export const WRONG_ADL_PENALTY = 1;

/**
 * One event's error: |ln(predicted/reported)| with the same sign, else ln of the magnitudes' ratio
 * plus {@link WRONG_SIGN_PENALTY}; squared, plus {@link WRONG_ADL_PENALTY}² when ADL is called wrong.
 */
export function eventError(c: EventComparison): number {
  const p = Math.abs(c.predictedUsd);
  const r = Math.abs(c.reportedUsd);
  const sameSign = Math.sign(c.predictedUsd) === Math.sign(c.reportedUsd);
  const log = Math.abs(Math.log(Math.max(p, 1) / Math.max(r, 1)));
  const e = sameSign ? log : log + WRONG_SIGN_PENALTY;
  const adlWrong = c.reportedAdl !== null && c.reportedAdl !== c.predictedAdl;
  return e * e + (adlWrong ? WRONG_ADL_PENALTY ** 2 : 0);
}

/** Replays `events` with `params` (the family's profile for every market without its own). */
export function replayWith(events: readonly LoadedEvent[], params: EngineParams): EventComparison[] {
  const { leverageMedian, leverageLogSd, ...liquidation } = params;
  return replayEvents(events, {
    leverageProfile: leverageFamily(leverageMedian, leverageLogSd),
    liquidation,
  });
}

/** Every grid point's per-event errors, in grid order (so fits over subsets reuse the replays). */
export interface GridScores {
  readonly points: readonly EngineParams[];
  /** errors[k][i]: grid point k, event i. */
  readonly errors: readonly (readonly number[])[];
  /** The prior's penalty of each point. */
  readonly priors: readonly number[];
  readonly names: readonly string[];
}

/** Every point of the grid, profile knobs outermost. */
export function gridPoints(grid: EngineGrid): EngineParams[] {
  const points: EngineParams[] = [];
  for (const leverageMedian of grid.leverageMedian) {
    for (const leverageLogSd of grid.leverageLogSd) {
      for (const throughputMultiple of grid.throughputMultiple) {
        for (const permanentImpactShare of grid.permanentImpactShare) {
          for (const throughputLiquidityExponent of grid.throughputLiquidityExponent) {
            points.push({
              throughputMultiple,
              permanentImpactShare,
              throughputLiquidityExponent,
              leverageMedian,
              leverageLogSd,
            });
          }
        }
      }
    }
  }
  return points;
}

/**
 * Replays every event at every grid point; `prior` adds a penalty per point that every fit over any
 * subset of the events carries (the open-interest evidence on the leverage family).
 */
export function scoreGrid(
  events: readonly LoadedEvent[],
  grid: EngineGrid,
  prior: (p: EngineParams) => number = () => 0,
): GridScores {
  const points = gridPoints(grid);
  const errors = points.map((p) => replayWith(events, p).map(eventError));
  return { points, errors, priors: points.map(prior), names: events.map((e) => e.event.name) };
}

/** The grid point with the least total error over the events whose index `use` admits. */
export function bestPoint(scores: GridScores, use: (i: number) => boolean): { index: number; error: number } {
  let best = { index: 0, error: Number.POSITIVE_INFINITY };
  scores.errors.forEach((row, k) => {
    const error = row.reduce((s, e, i) => (use(i) ? s + e : s), scores.priors[k]!);
    if (error < best.error) best = { index: k, error };
  });
  return best;
}

/** One leave-one-out fold: the parameters fitted without `left` and its prediction with them. */
export interface LeaveOneOut {
  readonly left: string;
  readonly params: EngineParams;
  readonly comparison: EventComparison;
}

/**
 * Leave-one-out: for each event, the grid point fitted on the others, then the left-out event
 * replayed with it (its carry-over source, if any, stays in the library as the book's origin).
 */
export function leaveOneOut(events: readonly LoadedEvent[], scores: GridScores): LeaveOneOut[] {
  return events.map((e, i) => {
    const { index } = bestPoint(scores, (j) => j !== i);
    const params = scores.points[index]!;
    const comparison = replayWith(events, params)[i]!;
    return { left: e.event.name, params, comparison };
  });
}
