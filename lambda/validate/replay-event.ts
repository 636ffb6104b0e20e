/**
 * Replays a validation event through the path engine exactly as `backstop stress` does (the fund
 * limited to its balance, ADL closing what it cannot absorb) and sets the prediction beside the
 * reported outcome: the net fund change on the event's own measure, ADL or not, and their ratio.
 */
import { createPathEngine, pathWindow } from '../model/engines/path/path-engine.ts';
import { scenarioPath } from '../model/engines/path/scenario-path.ts';
import { prepareCorrelation } from '../model/linalg/psd-repair.ts';
import type { MarketSnapshot, PathOutcome } from '../model/schemas.ts';
import { type EventOverrides, eventSnapshot, type LoadedEvent } from './event-book.ts';

/** A prediction set beside what was reported. */
export interface EventComparison {
  readonly name: string;
  readonly title: string;
  readonly measure: 'liquidations' | 'balance';
  /** Predicted change of the fund, USD (negative = it lost), on the event's measure. */
  readonly predictedUsd: number;
  readonly reportedUsd: number;
  readonly reportedLowUsd: number;
  readonly reportedHighUsd: number;
  /** predicted / reported (signed: negative = wrong sign). */
  readonly ratio: number;
  readonly predictedAdl: boolean;
  readonly reportedAdl: boolean | null;
  /** Same sign, within a factor 2, and ADL as reported (when reported). */
  readonly withinTarget: boolean;
  readonly outcome: PathOutcome;
  /** The fund's own revaluation over the path, USD (positive = it lost value). */
  readonly revaluationUsd: number;
}

/** Largest ratio of predicted to reported (either way) the validation target accepts. */
export const TARGET_FACTOR = 2;

/**
 * Replays `loaded` with `overrides` and compares.
 *
 * @param earlier - the event its book is carried over from, if any
 */
export function replayEvent(
  loaded: LoadedEvent,
  overrides: EventOverrides,
  earlier?: LoadedEvent,
): EventComparison {
  const snapshot = eventSnapshot(loaded, overrides, earlier);
  return compare(loaded, snapshot);
}

/**
 * The fund's loss of value from what it holds over the event's path (recorded paths carry no added
 * impact, so the end of the path is the end price), USD; positive = it lost value.
 */
function revaluation(snapshot: MarketSnapshot): number {
  const { windowMinutes, stepMinutes } = pathWindow(snapshot.model);
  const path = scenarioPath(snapshot, snapshot.model.stressScenarios[0]!, { stepMinutes, windowMinutes });
  const n = snapshot.markets.length;
  const last = (path.steps - 1) * n;
  const index = new Map(snapshot.markets.map((m, i) => [m.id, i]));
  let loss = 0;
  for (const asset of snapshot.fundComposition ?? []) {
    const i = asset.priceMarketId === undefined ? undefined : index.get(asset.priceMarketId);
    if (i !== undefined) loss -= asset.amountUsd * path.cumulativeReturn[last + i]!;
  }
  return loss;
}

function compare(loaded: LoadedEvent, snapshot: MarketSnapshot): EventComparison {
  const { event } = loaded;
  const scenario = snapshot.model.stressScenarios[0]!;
  const { cholesky } = prepareCorrelation(snapshot.correlation);
  const accounts = snapshot.model.largestAccounts ?? [];
  const engine = createPathEngine(
    snapshot,
    cholesky,
    accounts.length === 0 ? undefined : { accounts, mode: 'carve' },
  );
  const replay = engine.replay(scenario, { limited: true });
  const outcome = replay.outcome;
  const balance = snapshot.fundBalanceUsd ?? 0;
  const fundAfter = outcome.fundAfterUsd ?? 0;
  const revaluationUsd = revaluation(snapshot);
  // What liquidations did to the fund: its end value against its revalued start (a fund driven to
  // zero absorbed all it had; the rest was deleveraged).
  const predictedUsd =
    event.reported.measure === 'balance' ? fundAfter - balance : fundAfter - (balance - revaluationUsd);
  const reportedUsd = event.reported.netFundChangeUsd;
  const ratio = reportedUsd === 0 ? Number.NaN : predictedUsd / reportedUsd;
  const predictedAdl = outcome.adlNotionalUsd > 0 || outcome.adlLossUsd > 0;
  const adlOk = event.reported.adl === null || event.reported.adl === predictedAdl;
  return {
    name: event.name,
    title: event.title,
    measure: event.reported.measure,
    predictedUsd,
    reportedUsd,
    reportedLowUsd: event.reported.lowUsd,
    reportedHighUsd: event.reported.highUsd,
    ratio,
    predictedAdl,
    reportedAdl: event.reported.adl,
    withinTarget: ratio >= 1 / TARGET_FACTOR && ratio <= TARGET_FACTOR && adlOk,
    outcome,
    revaluationUsd,
  };
}

/**
 * Replays every event in order; an event with a carry-over takes its book from the named earlier
 * event (which must come before it in the list).
 */
export function replayEvents(events: readonly LoadedEvent[], overrides: EventOverrides): EventComparison[] {
  const byName = new Map(events.map((e) => [e.event.name, e]));
  return events.map((e) => {
    const earlierName = e.event.book.carryOver?.event;
    return replayEvent(e, overrides, earlierName === undefined ? undefined : byName.get(earlierName));
  });
}
