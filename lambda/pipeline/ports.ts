/**
 * The ports of the pipeline (docs/OPERATIONS.md): what the five steps need from the outside world, as
 * interfaces. The Lambda handler and the CLI wire adapters to them; tests wire real local servers.
 * The data that crosses them (runs, flags, alert state, outbox items) is in lambda/run/, as schemas.
 */
import type { FundConfig } from '../config/fund-config.ts';
import type { MarketSnapshot } from '../model/schemas.ts';
import type { AlertState } from '../run/alert-state.ts';
import type { OutboxItem } from '../run/notification.ts';
import type { DataFlag, Observation } from '../run/observation.ts';
import type { StepRecord } from '../run/step-record.ts';
import type { RunSummary, StoredRun } from '../run/stored-run.ts';

/** What ingest + recalibration produce for one run. */
export interface IngestOutcome {
  /** Validated MarketSnapshot; `dataQuality` inside it says DEGRADED or not. */
  readonly snapshot: MarketSnapshot;
  readonly observations: readonly Observation[];
  readonly flags: readonly DataFlag[];
  /**
   * How long venue fetching and recalibration took, in milliseconds, when the source measures them
   * separately; the pipeline records them as its `ingest` and `recalibrate` steps.
   */
  readonly timings?: { readonly ingestMs: number; readonly recalibrateMs: number };
}

/** Builds a MarketSnapshot for a fund at `asOf` (venue adapters + recalibration). */
export interface MarketSource {
  /**
   * @param lastGood - the latest stored run, for stale-filling markets whose venue does not answer
   */
  collect(config: FundConfig, asOf: string, lastGood: StoredRun | null): Promise<IngestOutcome>;
}

/** The stored runs of a fund (snapshot items). */
export interface RunRepository {
  /** Conditional put; `stored: false` when this fund + asOf already exists (never overwrites). */
  putRun(run: StoredRun): Promise<{ stored: boolean }>;
  /**
   * Appends the records of the steps that finish after the run is stored (persist, alert — and an
   * alert step resumed by a retried tick) to the stored run, so its trail shows all of them. Touches
   * only those records, never the stored snapshot or result; a run that does not exist is left absent.
   */
  recordCompletion(fundId: string, asOf: string, steps: readonly StepRecord[]): Promise<void>;
  /** The newest run, whatever its time. */
  latest(fundId: string): Promise<StoredRun | null>;
  /** The newest run strictly before `asOf` (the previous run of a tick valued at `asOf`). */
  latestBefore(fundId: string, asOf: string): Promise<StoredRun | null>;
  get(fundId: string, asOf: string): Promise<StoredRun | null>;
  /** Newest first. `cursor` continues a previous page. */
  history(
    fundId: string,
    query?: { from?: string; to?: string; limit?: number; cursor?: string },
  ): Promise<{ runs: StoredRun[]; cursor?: string }>;
  /**
   * Compact views of the runs in `[from, to]` (inclusive), newest first, without decoding the stored
   * snapshots — for balance history (drawdown alerts), listings and charts. All pages are read;
   * `limit` caps the count.
   */
  summaries(fundId: string, query?: { from?: string; to?: string; limit?: number }): Promise<RunSummary[]>;
}

/** A fund's alert state (one item, optimistic locking on `version`). */
export interface AlertStateRepository {
  getAlertState(fundId: string): Promise<AlertState | null>;
  /** Writes `next` if the stored version is still `next.version - 1` (or absent for version 1). */
  putAlertState(next: AlertState): Promise<{ won: boolean }>;
}

/** A claim on an outbox item: who holds it and until when (epoch ms). */
export interface OutboxLease {
  readonly owner: string;
  readonly untilMs: number;
}

/**
 * The notification outbox: one item per notification and channel. An item is claimed (conditional
 * update with a lease) before it is published, so two deliverers never publish it both; a delivered
 * item stays as a tombstone for a day, so a late re-enqueue of the same notification is a no-op.
 */
export interface OutboxRepository {
  /** Writes items absent so far (same fund, asOf, kind and channel); returns the ones written. */
  enqueue(items: readonly OutboxItem[]): Promise<{ enqueued: OutboxItem[] }>;
  /** Items of a fund not yet delivered, oldest first (leased ones included). */
  pending(fundId: string): Promise<OutboxItem[]>;
  /**
   * Claims `item` for `lease.owner` until `lease.untilMs`, if nobody holds an unexpired lease on it
   * at `nowMs` and it is not delivered. `false`: someone else has it (or it is gone).
   */
  claim(item: OutboxItem, lease: OutboxLease, nowMs: number): Promise<boolean>;
  /** Gives a claim back after a failed publish, so the next deliverer need not wait for the lease. */
  release(item: OutboxItem, owner: string, error: string): Promise<void>;
  /** Marks a published item delivered (a tombstone that expires); a no-op if it is already gone. */
  ack(item: OutboxItem, deliveredAtMs: number): Promise<void>;
  /** Deletes tombstones delivered before `beforeMs`; returns how many. */
  prune(fundId: string, beforeMs: number): Promise<number>;
}

/** Where runs, alert state and the outbox live (one DynamoDB table in production and locally). */
export interface SnapshotStore extends RunRepository, AlertStateRepository, OutboxRepository {}

/**
 * One notification channel (SNS, the console, later PagerDuty, a webhook…). `publish` resolves once
 * the channel has accepted the item and throws when it has not; the outbox then keeps the item.
 */
export interface Notifier {
  /** The channel name, part of the outbox key: one item per notification and channel. */
  readonly channel: string;
  publish(item: OutboxItem): Promise<void>;
}

/** Source of "now" for the pipeline (the model itself never reads a clock). */
export interface Clock {
  now(): Date;
}
