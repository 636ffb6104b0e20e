/**
 * What one pipeline run reports back: the handler returns it (compact, so the idempotency record
 * stays small), the CLI prints it (`backstop run --json`) and renders it.
 */
import type { OutlookSummary } from '../manage/fund-outlook.ts';
import type { RunStatus } from '../model/schemas.ts';
import type { Notification } from '../run/notification.ts';
import type { DataFlag } from '../run/observation.ts';
import type { StepRecord } from '../run/step-record.ts';
import type { StoredRun } from '../run/stored-run.ts';

/** The notifications of a run: what the policy decided now, and what the outbox delivery did. */
export interface NotificationReport {
  /** Decided by this call: for this tick, and for earlier stored runs whose decision it resumed. */
  readonly decided: readonly Notification[];
  /** Outbox items published by this run, including ones left over by earlier runs. */
  readonly sent: number;
  /** Outbox items whose publish failed; they stay in the outbox for the next run. */
  readonly failed: number;
  /** Outbox items left for another deliverer (claimed by it) or a channel not configured here. */
  readonly left?: number;
  /**
   * Why the alert step failed, when it did (the snapshot is stored regardless; the next run or a
   * retry of the tick resumes the step).
   */
  readonly error?: string;
}

/** The summary of one run. Money in USD, coverage as a ratio (1 = fully covered). */
export interface RunOutcome {
  readonly fundId: string;
  readonly asOf: string;
  /** The stored run's id: this call's, or the earlier call's when the tick was already stored. */
  readonly runId: string;
  readonly modelVersion: string;
  readonly status: RunStatus;
  readonly coverageRatio: number | null;
  readonly requiredReserveUsd: number;
  readonly fundBalanceUsd: number | null;
  /** Markets filled from stale data (provenance.stale) in the stored snapshot. */
  readonly degradedMarkets: number;
  /** True when this call stored the run; false when the same fund + asOf was already stored. */
  readonly stored: boolean;
  /** The DynamoDB key of the snapshot item, as quoted in alerts. */
  readonly snapshotKey: string;
  readonly notifications: NotificationReport;
  /** All five steps of this call, in order (the stored run holds them too: see recordCompletion). */
  readonly steps: readonly StepRecord[];
  readonly flags: readonly DataFlag[];
  /** The stored run's one-year outlook in brief (null when it has none): docs/MANAGEMENT.md. */
  readonly outlook: OutlookSummary | null;
  /** Wall time of this call, in seconds. */
  readonly runSeconds: number;
}

/** A finished pipeline call: the summary and the run as stored (for renderers and replays). */
export interface PipelineRun {
  readonly outcome: RunOutcome;
  readonly run: StoredRun;
}

/** The snapshot item key of a fund at `asOf` (docs/ALERTS.md §6). */
export function snapshotKeyOf(fundId: string, asOf: string): string {
  return `FUND#${fundId} / SNAP#${asOf}`;
}

/** Number of markets of a stored run that were filled from stale data. */
export function countDegradedMarkets(run: StoredRun): number {
  return run.snapshot.markets.filter((m) => m.provenance?.stale === true).length;
}
