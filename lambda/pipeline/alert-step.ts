/**
 * Step 5 of the pipeline, the decision half: what to tell people about a stored run.
 *
 * Order matters for "never lose an alert": the decided notifications go into the outbox BEFORE the
 * alert state records them as sent, so a crash in between can at worst repeat a message, never drop
 * one. The alert state is written with optimistic locking; when another run wins the race, this run
 * withdraws its outbox items, re-reads the state and decides again. The pipeline then delivers every
 * pending item of the fund — including ones an earlier run could not publish (SNS outage).
 */
import { type BalancePoint, evaluateAlerts } from '../alert/alert-policy.ts';
import { type FundConfig, GROWTH_ALERT_DEFAULTS } from '../config/fund-config.ts';
import { growthReferenceRange } from '../manage/growth.ts';
import { type Explanation, explainRun } from '../present/explain.ts';
import { AlertStateContentionError } from './errors.ts';
import type { Notification, OutboxItem, RunSummary, SnapshotStore, StoredRun } from './ports.ts';
import { snapshotKeyOf } from './run-outcome.ts';

/** How many times a run re-decides after losing the alert-state race before giving up. */
export const ALERT_STATE_ATTEMPTS = 5;

/** What the alert step needs. */
export interface AlertStepInput {
  readonly config: FundConfig;
  readonly run: StoredRun;
  /** The run before this one (for "what changed since the last run"), or null for the first run. */
  readonly previous: StoredRun | null;
  readonly store: SnapshotStore;
  /** ISO time of the decision (reminder intervals are measured from it). */
  readonly now: string;
}

/** What the alert step did. */
export interface AlertStepResult {
  readonly decided: Notification[];
}

/**
 * Evaluates the alert policy against the stored alert state and the balance history of the drawdown
 * window, records the decision (outbox first, then the state), and returns the notifications decided.
 *
 * @throws AlertStateContentionError when other runs keep winning the state race
 */
export async function decideAlerts(input: AlertStepInput): Promise<AlertStepResult> {
  const { config, run, store } = input;
  const balanceHistory = [
    ...(await growthReference(store, config, run.asOf)),
    ...(await drawdownWindow(store, config, run.asOf)),
  ];
  let explanation: Explanation | undefined;
  for (let attempt = 1; attempt <= ALERT_STATE_ATTEMPTS; attempt++) {
    const state = await store.getAlertState(config.fundId);
    const { next, notifications } = evaluateAlerts(
      state,
      run.result,
      balanceHistory,
      input.now,
      config.alerts,
      run.flags,
    );
    // One explanation (with its bounded sensitivity runs) for all of this run's notifications.
    explanation ??= notifications.length === 0 ? undefined : explainRun(run, config.markets);
    const items = notifications.map((n) => toOutboxItem(n, run, input.previous, explanation));
    const { enqueued } = await store.enqueue(items);
    const { won } = await store.putAlertState(next);
    if (won) return { decided: notifications };
    // Withdraw only what this run wrote: an identical item another run enqueued first is theirs.
    for (const item of enqueued) await store.ack(item);
  }
  throw new AlertStateContentionError(config.fundId, ALERT_STATE_ATTEMPTS);
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
  run: StoredRun,
  previous: StoredRun | null,
  explanation: Explanation | undefined,
): OutboxItem {
  const p = previous?.result;
  return {
    notification,
    ...(explanation === undefined ? {} : { explanation }),
    snapshotKey: snapshotKeyOf(run.fundId, run.asOf),
    result: run.result,
    previous:
      p === undefined
        ? null
        : {
            asOf: p.asOf,
            coverageRatio: p.coverageRatio,
            requiredReserveUsd: p.requiredReserveUsd,
            fundBalanceUsd: p.fundBalanceUsd,
            status: p.status,
          },
  };
}
