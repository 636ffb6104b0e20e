/**
 * Step 5 of the pipeline, the decision half: what to tell people about the stored runs.
 *
 * Exactly once across crashes, without transactions:
 * - the alert state records the newest run decided (`decidedAsOf`); every stored run after it is
 *   still to decide, so a retried tick — or the next tick — resumes an alert step that a crash or a
 *   table error interrupted, oldest run first;
 * - a decision is written to the state together with its notifications (`pending`), under the
 *   state's optimistic lock: of two runs deciding at once exactly one wins, and the loser re-reads
 *   and finds the run decided;
 * - the pending notifications then go into the outbox (one item per channel, a put that is a no-op
 *   when the item exists) and the state's `pending` is cleared. A crash in between leaves `pending`
 *   set, and whoever reads the state next writes the same items again — no loss, no duplicate.
 */
import { type BalancePoint, evaluateAlerts } from '../alert/alert-policy.ts';
import { type FundConfig, GROWTH_ALERT_DEFAULTS } from '../config/fund-config.ts';
import { growthReferenceRange } from '../manage/growth.ts';
import type { AlertState } from '../run/alert-state.ts';
import { messageIdOf, type Notification, type OutboxItem } from '../run/notification.ts';
import type { RunSummary, StoredRun } from '../run/stored-run.ts';
import { AlertStateContentionError } from './errors.ts';
import type { SnapshotStore } from './ports.ts';
import { snapshotKeyOf } from './run-outcome.ts';

/** How many times in a row a run may lose the alert-state race before giving up. */
export const ALERT_STATE_ATTEMPTS = 5;
/** Undecided runs older than this before the current one are not decided any more (and reported). */
export const RESUME_WINDOW_HOURS = 24;

/** What the alert step needs. */
export interface AlertStepInput {
  readonly config: FundConfig;
  /** The run of this tick, as stored. */
  readonly run: StoredRun;
  readonly store: SnapshotStore;
  /** The channels of the configured notifiers: one outbox item per notification and channel. */
  readonly channels: readonly string[];
  /** ISO time of the decision (reminder intervals are measured from it). */
  readonly now: string;
}

/** What the alert step decided. */
export interface AlertStepResult {
  /** Notifications decided by this call, for every run it decided. */
  readonly decided: Notification[];
  /** The runs decided by this call, oldest first (more than this tick's when it resumed others). */
  readonly decidedRuns: string[];
  /** Undecided runs older than the resume window, left undecided (with a warning). */
  readonly tooOld: number;
  /** A newer run than this tick's was decided already (this tick is late): nothing decided for it. */
  readonly supersededBy?: string;
}

/**
 * Decides every stored run of the fund that is newer than the alert state's `decidedAsOf` and not
 * newer than this tick, oldest first, and writes their notifications to the outbox.
 *
 * @throws AlertStateContentionError when other runs keep winning the state race
 */
export async function decideAlerts(input: AlertStepInput): Promise<AlertStepResult> {
  const { config, run, store } = input;
  const decided: Notification[] = [];
  const decidedRuns: string[] = [];
  let tooOld = 0;
  let losses = 0;
  while (losses < ALERT_STATE_ATTEMPTS) {
    let state = await store.getAlertState(config.fundId);
    if (state?.pending !== undefined) {
      if (!(await flush(input, state))) {
        losses += 1;
        continue;
      }
      state = await store.getAlertState(config.fundId);
    }
    const todo = await undecidedRuns(store, state, run);
    tooOld = todo.tooOld;
    const target = todo.runs[0];
    if (target === undefined) {
      const decidedAsOf = state?.decidedAsOf;
      const late = decidedAsOf !== undefined && Date.parse(decidedAsOf) > Date.parse(run.asOf);
      return { decided, decidedRuns, tooOld, ...(late ? { supersededBy: decidedAsOf } : {}) };
    }
    const full = target.asOf === run.asOf ? run : await store.get(config.fundId, target.asOf);
    if (full === null) throw new Error(`run ${target.asOf} listed but not found`);
    const balances = [
      ...(await growthReference(store, config, full.asOf)),
      ...(await drawdownWindow(store, config, full.asOf)),
    ];
    const { next, notifications } = evaluateAlerts(
      state,
      full.result,
      balances,
      input.now,
      config.alerts,
      full.flags,
    );
    const written: AlertState = {
      ...next,
      decidedAsOf: full.asOf,
      ...(notifications.length === 0 ? {} : { pending: { asOf: full.asOf, notifications } }),
    };
    if (!(await store.putAlertState(written)).won) {
      losses += 1;
      continue;
    }
    losses = 0;
    decided.push(...notifications);
    decidedRuns.push(full.asOf);
    if (written.pending !== undefined) await flush(input, written, full);
  }
  throw new AlertStateContentionError(config.fundId, ALERT_STATE_ATTEMPTS);
}

/**
 * Writes the state's pending notifications to the outbox (one item per channel), then clears them.
 * @returns false when the state moved on meanwhile (someone else flushed it: re-read)
 */
async function flush(input: AlertStepInput, state: AlertState, known?: StoredRun): Promise<boolean> {
  const pending = state.pending;
  if (pending === undefined) return true;
  const { store, config } = input;
  const run = known ?? (await store.get(config.fundId, pending.asOf));
  if (run === null) throw new Error(`pending alert decision of run ${pending.asOf}, which is not stored`);
  const before = new Date(Date.parse(pending.asOf) - 1).toISOString();
  const [previous] = await store.summaries(config.fundId, { to: before, limit: 1 });
  const items = pending.notifications.flatMap((n) =>
    input.channels.map((channel) => toOutboxItem(n, channel, run, previous ?? null)),
  );
  await store.enqueue(items);
  const { pending: _, ...rest } = state;
  return (await store.putAlertState({ ...rest, version: state.version + 1 })).won;
}

/** Stored runs after `decidedAsOf` up to `run`, oldest first, within the resume window. */
async function undecidedRuns(
  store: SnapshotStore,
  state: AlertState | null,
  run: StoredRun,
): Promise<{ runs: RunSummary[]; tooOld: number }> {
  const end = Date.parse(run.asOf);
  const windowStart = end - RESUME_WINDOW_HOURS * 3_600_000;
  // A state from before `decidedAsOf` existed: only this tick is known to be undecided.
  const legacy = state !== null && state.decidedAsOf === undefined;
  const after =
    state?.decidedAsOf === undefined ? (legacy ? end - 1 : windowStart - 1) : Date.parse(state.decidedAsOf);
  if (after >= end) return { runs: [], tooOld: 0 };
  const summaries = await store.summaries(run.fundId, {
    from: new Date(after + 1).toISOString(),
    to: run.asOf,
  });
  const inWindow = summaries.filter((s) => Date.parse(s.asOf) >= windowStart);
  return { runs: inWindow.reverse(), tooOld: summaries.length - inWindow.length };
}

/** Balances (and open interest) of the runs within the drawdown window ending at `asOf` (inclusive), oldest first. */
async function drawdownWindow(
  store: SnapshotStore,
  config: FundConfig,
  asOf: string,
): Promise<BalancePoint[]> {
  const from = new Date(Date.parse(asOf) - config.alerts.drawdown.windowHours * 3_600_000).toISOString();
  return balancePoints(await store.summaries(config.fundId, { from, to: asOf }));
}

/**
 * The runs of the GROWTH rule's reference day (the first day of its window): only that day is read,
 * not the whole 30 days, so the alert step stays as cheap as the drawdown window.
 */
async function growthReference(
  store: SnapshotStore,
  config: FundConfig,
  asOf: string,
): Promise<BalancePoint[]> {
  const settings = config.alerts.growth ?? GROWTH_ALERT_DEFAULTS;
  return balancePoints(await store.summaries(config.fundId, growthReferenceRange(asOf, settings.windowDays)));
}

function balancePoints(summaries: readonly RunSummary[]): BalancePoint[] {
  return summaries
    .map((s) => ({
      asOf: s.asOf,
      fundBalanceUsd: s.fundBalanceUsd,
      openInterestUsd: s.openInterestUsd ?? null,
    }))
    .sort((a, b) => a.asOf.localeCompare(b.asOf));
}

function toOutboxItem(
  notification: Notification,
  channel: string,
  run: StoredRun,
  previous: RunSummary | null,
): OutboxItem {
  return {
    notification,
    channel,
    messageId: messageIdOf(notification),
    snapshotKey: snapshotKeyOf(run.fundId, run.asOf),
    result: run.result,
    previous:
      previous === null
        ? null
        : {
            asOf: previous.asOf,
            coverageRatio: previous.coverageRatio,
            requiredReserveUsd: previous.requiredReserveUsd,
            fundBalanceUsd: previous.fundBalanceUsd,
            status: previous.status,
          },
  };
}
