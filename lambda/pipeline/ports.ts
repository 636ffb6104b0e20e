/**
 * The ports of the pipeline (DESIGN.md §1): what the five steps need from the outside world, as
 * interfaces. The Lambda handler and the CLI wire adapters to them; tests wire real local servers.
 */
import type { FundConfig } from '../config/fund-config.ts';
import type { MarketSnapshot, ReserveResult, RunStatus } from '../model/schemas.ts';
import type { Explanation } from '../present/explain.ts';

/** One raw number as a venue reported it, before normalisation — the audit trail of a snapshot. */
export interface Observation {
  readonly marketId: string | null;
  readonly venue: string;
  readonly endpoint: string;
  /** What the number is: `openInterest`, `markPrice`, `impliedVol`, `dailyVolume`, `fundBalance`… */
  readonly field: string;
  readonly rawValue: number | string;
  /** The venue's unit, e.g. `BTC`, `USD`, `contracts`, `percent`, `decimal`. */
  readonly rawUnit: string;
  /** The value after normalisation (USD, decimal). */
  readonly normalised: number;
  readonly fetchedAt: string;
  /** The venue's own timestamp of the value, when it gives one. */
  readonly venueTimestamp: string | null;
}

/** A data-quality flag raised while building a snapshot. */
export interface DataFlag {
  readonly marketId?: string;
  /** `STALE_FILLED`, `MISSING`, `SANITY_OI_JUMP`, `BALANCE_UNAVAILABLE`, `VOL_FLOOR_BOUND`… */
  readonly code: string;
  readonly detail: string;
}

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

/** How one pipeline step went; recorded in the stored run. */
export interface StepRecord {
  readonly step: 'ingest' | 'recalibrate' | 'reserve' | 'persist' | 'alert';
  readonly ms: number;
  readonly outcome: 'ok' | 'degraded' | 'failed' | 'skipped';
  readonly detail?: string;
}

/** Everything stored for one run (DESIGN.md §3.4 snapshot item). */
export interface StoredRun {
  readonly fundId: string;
  readonly asOf: string;
  readonly runId: string;
  readonly modelVersion: string;
  readonly snapshot: MarketSnapshot;
  readonly result: ReserveResult;
  readonly observations: readonly Observation[];
  readonly flags: readonly DataFlag[];
  readonly steps: readonly StepRecord[];
  /** Epoch seconds for optional retention (TTL). */
  readonly expiresAt?: number;
}

/** A compact view of a stored run, for history listings and charts. */
export interface RunSummary {
  readonly fundId: string;
  readonly asOf: string;
  readonly runId: string;
  readonly status: RunStatus;
  readonly fundBalanceUsd: number | null;
  readonly requiredReserveUsd: number;
  readonly coverageRatio: number | null;
  /** Total open interest (one side, USD) of the run; absent on runs stored before it was recorded. */
  readonly openInterestUsd?: number;
}

/** The persisted state of a fund's alerting (optimistic locking on `version`). */
export interface AlertState {
  readonly fundId: string;
  /** Current effective status (with hysteresis applied). */
  readonly status: RunStatus;
  /**
   * Effective status from coverage alone (OK/WARN/BREACH/UNKNOWN, hysteresis applied) — kept apart
   * from `status` because a DEGRADED run still alerts on coverage, and hysteresis needs the last
   * coverage status across degraded runs. Absent on states written before it existed.
   */
  readonly coverageStatus?: RunStatus;
  readonly since: string;
  /** Last time a notification of each `kind:status` was sent, e.g. `COVERAGE:WARN`. */
  readonly lastNotified: Readonly<Record<string, string>>;
  readonly version: number;
}

/** Kinds of notification (message attribute `kind`). */
export type NotificationKind = 'COVERAGE' | 'RECOVERY' | 'DRAWDOWN' | 'DATA' | 'GROWTH';
/** Severity (message attribute `severity`). */
export type Severity = 'INFO' | 'WARN' | 'BREACH';

/** A notification decided by the alert policy, before rendering for a channel. */
export interface Notification {
  readonly fundId: string;
  readonly asOf: string;
  readonly kind: NotificationKind;
  readonly severity: Severity;
  readonly status: RunStatus;
  /** Why it is sent now: `status-change`, `reminder`, `recovery`, `drawdown`, `data`, `growth`. */
  readonly reason: string;
  /** One-line summary of the triggering fact. */
  readonly headline: string;
}

/** A notification ready to publish, with the run facts the renderers need. */
export interface OutboxItem {
  readonly notification: Notification;
  /** The stored snapshot key (`FUND#id / SNAP#asOf`) for the email text. */
  readonly snapshotKey: string;
  readonly result: ReserveResult;
  /** The previous run's result, for "what changed since the last run". */
  readonly previous: Pick<
    ReserveResult,
    'asOf' | 'coverageRatio' | 'requiredReserveUsd' | 'fundBalanceUsd' | 'status'
  > | null;
  /** Why the requirement is what it is, as the run explained it (absent on items queued before). */
  readonly explanation?: Explanation;
}

/** Where runs, alert state and the outbox live (DynamoDB in production and locally). */
export interface SnapshotStore {
  /** Conditional put; `stored: false` when this fund + asOf already exists (never overwrites). */
  putRun(run: StoredRun): Promise<{ stored: boolean }>;
  /**
   * Appends the records of the steps that finish after the run is stored (persist, alert) to the
   * stored run, so its trail shows all five. Touches only those records, never the stored snapshot
   * or result; a run that does not exist is left absent.
   */
  recordCompletion(fundId: string, asOf: string, steps: readonly StepRecord[]): Promise<void>;
  latest(fundId: string): Promise<StoredRun | null>;
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
  getAlertState(fundId: string): Promise<AlertState | null>;
  /** Writes `next` if the stored version is still `next.version - 1` (or absent for version 1). */
  putAlertState(next: AlertState): Promise<{ won: boolean }>;
  /**
   * Writes items to the outbox; an item already there (same fund, asOf, kind) is left as it is.
   * Returns the items this call wrote, so a run that loses the alert-state race withdraws only its
   * own items — never an identical one another run enqueued first.
   */
  enqueue(items: readonly OutboxItem[]): Promise<{ enqueued: OutboxItem[] }>;
  pending(fundId: string): Promise<OutboxItem[]>;
  ack(item: OutboxItem): Promise<void>;
}

/** Sends a notification to people (SNS in production, the console locally). */
export interface Notifier {
  publish(item: OutboxItem): Promise<void>;
}

/** Source of "now" for the pipeline (the model itself never reads a clock). */
export interface Clock {
  now(): Date;
}
