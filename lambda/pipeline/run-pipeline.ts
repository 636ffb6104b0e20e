/**
 * The job (docs/OPERATIONS.md): ingest → recalibrate → reserve → persist → alert for one fund at one
 * `asOf`. Everything outside comes in through ports, so the Lambda handler, the CLI and the tests
 * run this same function against DynamoDB/dynalite, venues/the replay server, SNS/the console.
 *
 * Failure rules:
 * - before persist, a failure throws a {@link PipelineStepError} and nothing has been written;
 * - the snapshot is stored before anything is sent, so an alert failure cannot lose it: the alert
 *   error is reported in the outcome (and logged), undelivered notifications stay in the outbox, and
 *   an alert decision that did not complete is resumed by the next run or a retry of the tick (the
 *   alert state records which run was decided last; see alert-step.ts);
 * - a retried tick (the same fund + asOf already stored) re-uses the stored run and resumes its
 *   alert step if it did not complete; a concurrent delivery that loses the conditional put does the
 *   same, and the alert state's lock makes exactly one of them decide.
 * - the previous run is the newest stored strictly before `asOf`, whatever else is stored.
 */
import { deliver } from '../alert/outbox.ts';
import type { FundConfig } from '../config/fund-config.ts';
import { outlookSummary } from '../manage/fund-outlook.ts';
import { type ComputeReserveOptions, computeReserve } from '../model/reserve.ts';
import type { Notification } from '../run/notification.ts';
import type { StepRecord } from '../run/step-record.ts';
import type { StoredRun } from '../run/stored-run.ts';
import { decideAlerts } from './alert-step.ts';
import { checkNotFuture } from './as-of.ts';
import { PipelineStepError } from './errors.ts';
import { runOutlook } from './outlook-step.ts';
import type { Clock, IngestOutcome, MarketSource, Notifier, SnapshotStore } from './ports.ts';
import {
  countDegradedMarkets,
  type NotificationReport,
  type PipelineRun,
  snapshotKeyOf,
} from './run-outcome.ts';

/** Structured log sink; Powertools' Logger satisfies it, the CLI passes nothing. */
export interface PipelineLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** Progress of a run: a step starting, or Monte Carlo paths done. */
export type PipelineProgress =
  | { readonly kind: 'step'; readonly step: StepRecord['step'] }
  | { readonly kind: 'paths'; readonly done: number; readonly total: number };

/** Everything one run needs. */
export interface RunPipelineInput {
  readonly config: FundConfig;
  /** Valuation time (ISO UTC); the snapshot key. */
  readonly asOf: string;
  readonly runId: string;
  readonly source: MarketSource;
  readonly store: SnapshotStore;
  /** The channels to notify on (one outbox item per notification and channel). */
  readonly notifiers: readonly Notifier[];
  /** Step durations and alert timing; the model itself never reads it. */
  readonly clock: Clock;
  readonly logger?: PipelineLogger;
  readonly onProgress?: (progress: PipelineProgress) => void;
  /** Where the path engine's Monte Carlo runs (worker threads); default this thread, same result. */
  readonly pathRunner?: ComputeReserveOptions['pathRunner'];
}

const silent: PipelineLogger = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * Runs the five steps for one fund at `asOf`.
 *
 * @returns the outcome summary and the run as stored
 * @throws PipelineStepError when ingest, recalibration, the reserve or persist fail
 * @example
 * const { outcome } = await runPipeline({ config, asOf, runId, source, store, notifiers: [notifier], clock });
 */
export async function runPipeline(input: RunPipelineInput): Promise<PipelineRun> {
  const { config, asOf, runId, store, clock } = input;
  const log = input.logger ?? silent;
  const context = { fundId: config.fundId, asOf, runId };
  const started = clock.now().getTime();
  // Whatever the caller checked: a run from the future would be the store's latest for good.
  checkNotFuture(asOf, clock.now(), 'asOf');
  const steps: StepRecord[] = [];

  input.onProgress?.({ kind: 'step', step: 'ingest' });
  const ingestStarted = clock.now().getTime();
  const existing = await guarded('ingest', () => store.get(config.fundId, asOf));
  if (existing !== null) {
    // A redelivered tick: its run is stored already, so go straight to the alert step, which
    // resumes the decision if the first attempt did not complete and delivers what is pending.
    log.info('tick already stored; re-using it', { storedRunId: existing.runId });
    for (const name of ['ingest', 'recalibrate', 'reserve', 'persist'] as const) {
      steps.push({
        step: name,
        ms: 0,
        outcome: 'skipped',
        detail: `already stored by run ${existing.runId}`,
      });
    }
    const notifications = await alertStep(input, existing, steps, log);
    await recordCompletion(
      input,
      steps.filter((s) => s.step === 'alert'),
      log,
    );
    return finish(existing, false, notifications);
  }
  // The previous run: the newest stored before this tick (a later one, from a backfill or a late
  // tick, is no stand-in for a venue that does not answer now).
  const lastGood = await guarded('ingest', () => store.latestBefore(config.fundId, asOf));
  const ingest = await guarded('ingest', () => input.source.collect(config, asOf, lastGood));
  steps.push({ step: 'ingest', ms: clock.now().getTime() - ingestStarted, outcome: 'ok' });
  recordRecalibration(ingest, steps);
  log.info('snapshot collected', {
    markets: ingest.snapshot.markets.length,
    degraded: ingest.snapshot.dataQuality?.degraded === true,
    flags: ingest.flags.length,
  });

  // The one-year outlook is part of the reserve step: it prices the year with this result.
  const { result, outlook } = await step('reserve', async () => {
    const result = computeReserve(ingest.snapshot, {
      onProgress: (done, total) => input.onProgress?.({ kind: 'paths', done, total }),
      timer: () => clock.now().getTime() / 1000,
      ...(input.pathRunner === undefined ? {} : { pathRunner: input.pathRunner }),
    });
    return { result, outlook: await runOutlook(config, ingest.snapshot, result, store, log) };
  });

  const fresh: StoredRun = {
    fundId: config.fundId,
    asOf,
    runId,
    modelVersion: result.modelVersion,
    snapshot: ingest.snapshot,
    result,
    ...(outlook === null ? {} : { outlook }),
    observations: ingest.observations,
    flags: ingest.flags,
    steps: [...steps],
    ...(config.retentionDays === undefined
      ? {}
      : { expiresAt: Math.floor(Date.parse(asOf) / 1000) + config.retentionDays * 86_400 }),
  };
  const run = await step('persist', async () => {
    const { stored } = await store.putRun(fresh);
    if (stored) return { run: fresh, stored };
    const existing = await store.get(config.fundId, asOf);
    if (existing === null) throw new Error(`run ${asOf} reported as existing but not found`);
    return { run: existing, stored };
  });
  if (!run.stored) {
    // A concurrent delivery of the same tick stored it first: its result stands. The alert step
    // still runs: the alert state's lock lets exactly one of the two decide.
    setOutcome(steps, 'persist', 'skipped', `already stored by run ${run.run.runId}; re-used`);
    log.info('another run stored this tick first; re-using it', { storedRunId: run.run.runId });
  }
  const notifications = await alertStep(input, run.run, steps, log);
  await recordCompletion(
    input,
    steps.filter((s) => (run.stored && s.step === 'persist') || s.step === 'alert'),
    log,
  );
  return finish(run.run, run.stored, notifications);

  function finish(stored: StoredRun, fresh: boolean, notifications: NotificationReport): PipelineRun {
    return {
      run: stored,
      outcome: {
        fundId: stored.fundId,
        asOf: stored.asOf,
        runId: stored.runId,
        modelVersion: stored.modelVersion,
        status: stored.result.status,
        coverageRatio: stored.result.coverageRatio,
        requiredReserveUsd: stored.result.requiredReserveUsd,
        fundBalanceUsd: stored.result.fundBalanceUsd,
        degradedMarkets: countDegradedMarkets(stored),
        stored: fresh,
        snapshotKey: snapshotKeyOf(stored.fundId, stored.asOf),
        notifications,
        steps,
        flags: stored.flags,
        outlook: outlookSummary(stored.outlook),
        runSeconds: (clock.now().getTime() - started) / 1000,
      },
    };
  }

  /** Runs one step, recording its duration; a failure before the run is stored aborts the run. */
  async function step<T>(name: StepRecord['step'], body: () => Promise<T>): Promise<T> {
    input.onProgress?.({ kind: 'step', step: name });
    const t0 = clock.now().getTime();
    const value = await guarded(name, body);
    steps.push({ step: name, ms: clock.now().getTime() - t0, outcome: 'ok' });
    return value;
  }

  /** Names the step and the run in any error of `body`; the caller logs what it throws. */
  async function guarded<T>(name: StepRecord['step'], body: () => Promise<T> | T): Promise<T> {
    try {
      return await body();
    } catch (cause) {
      throw new PipelineStepError(name, context, { cause });
    }
  }
}

/**
 * Records the recalibration step. The market source does ingest and recalibration in one call; when
 * it reports how long each part took, the two steps are split, otherwise recalibration is counted
 * inside ingest and recorded with 0 ms.
 */
function recordRecalibration(ingest: IngestOutcome, steps: StepRecord[]): void {
  const degraded = ingest.snapshot.dataQuality?.degraded === true;
  const ingestRecord = steps.find((s) => s.step === 'ingest');
  const timings = ingest.timings;
  if (ingestRecord !== undefined && timings !== undefined) {
    steps.splice(steps.indexOf(ingestRecord), 1, { ...ingestRecord, ms: Math.round(timings.ingestMs) });
  }
  if (degraded) setOutcome(steps, 'ingest', 'degraded', `${ingest.flags.length} data-quality flags`);
  steps.push({
    step: 'recalibrate',
    ms: Math.round(timings?.recalibrateMs ?? 0),
    outcome: degraded ? 'degraded' : 'ok',
    ...(timings === undefined ? { detail: 'measured as part of ingest' } : {}),
  });
}

function setOutcome(
  steps: StepRecord[],
  name: StepRecord['step'],
  outcome: StepRecord['outcome'],
  detail?: string,
): void {
  const i = steps.findIndex((s) => s.step === name);
  const record = steps[i];
  if (record === undefined) return;
  steps[i] = { ...record, outcome, ...(detail === undefined ? {} : { detail }) };
}

/**
 * Appends the persist and alert records to the stored run, so its trail has all five steps (and the
 * alert step of every retry). Never throws: the run is stored and alerted already, and a missing
 * trail entry must not fail it.
 */
async function recordCompletion(
  input: RunPipelineInput,
  completed: readonly StepRecord[],
  log: PipelineLogger,
): Promise<void> {
  try {
    await input.store.recordCompletion(input.config.fundId, input.asOf, completed);
  } catch (error) {
    log.warn('could not record the persist and alert steps on the stored run', { error });
  }
}

/**
 * Step 5: decide (resuming any decision left undone) and deliver. Never throws: the run is stored
 * already, so a failure here is reported in the outcome, and whatever was not done is picked up by
 * the next run or a retry of this tick.
 */
async function alertStep(
  input: RunPipelineInput,
  run: StoredRun,
  steps: StepRecord[],
  log: PipelineLogger,
): Promise<NotificationReport> {
  input.onProgress?.({ kind: 'step', step: 'alert' });
  const t0 = input.clock.now().getTime();
  let decided: Notification[] = [];
  try {
    const decision = await decideAlerts({
      config: input.config,
      run,
      store: input.store,
      channels: input.notifiers.map((n) => n.channel),
      now: input.clock.now().toISOString(),
    });
    decided = decision.decided;
    const { sent, failed, left } = await deliver(input.store, input.notifiers, input.config.fundId, {
      owner: input.runId,
      now: () => input.clock.now(),
    });
    const ms = input.clock.now().getTime() - t0;
    const notes = [
      `${decided.length} decided`,
      ...(decision.decidedRuns.length > 1 || decision.decidedRuns[0] !== run.asOf
        ? [`runs decided: ${decision.decidedRuns.join(', ') || 'none'}`]
        : []),
      ...(decision.supersededBy === undefined
        ? []
        : [`a later run (${decision.supersededBy}) was decided already`]),
      ...(decision.tooOld > 0
        ? [`${decision.tooOld} undecided run(s) older than the resume window skipped`]
        : []),
      `${sent} sent`,
      `${failed} failed`,
      ...(left > 0 ? [`${left} left to another deliverer or channel`] : []),
    ];
    steps.push({ step: 'alert', ms, outcome: failed > 0 ? 'failed' : 'ok', detail: notes.join(', ') });
    if (failed > 0) log.warn('some notifications stay in the outbox for the next run', { sent, failed });
    if (decision.tooOld > 0)
      log.warn('undecided runs older than the resume window were skipped', { count: decision.tooOld });
    return { decided, sent, failed, ...(left > 0 ? { left } : {}) };
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    steps.push({ step: 'alert', ms: input.clock.now().getTime() - t0, outcome: 'failed', detail: message });
    log.error('alert step failed; the run is stored and the next run or a retry resumes the alert step', {
      error: cause,
    });
    return { decided, sent: 0, failed: 0, error: message };
  }
}
