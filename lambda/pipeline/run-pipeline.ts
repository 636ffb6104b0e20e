/**
 * The job (DESIGN.md §1): ingest → recalibrate → reserve → persist → alert for one fund at one
 * `asOf`. Everything outside comes in through ports, so the Lambda handler, the CLI and the tests
 * run this same function against DynamoDB/dynalite, venues/the replay server, SNS/the console.
 *
 * Failure rules:
 * - before persist, a failure throws a {@link PipelineStepError} and nothing has been written;
 * - the snapshot is stored before anything is sent, so an alert failure cannot lose it: the alert
 *   error is reported in the outcome (and logged), and undelivered notifications stay in the outbox
 *   for the next run;
 * - a retried tick (the same fund + asOf already stored) re-uses the stored run and does not decide
 *   alerts again — it only delivers what is still pending; a concurrent delivery that loses the
 *   conditional put leaves alerting entirely to the run that stored the tick.
 */
import { deliver } from '../alert/outbox.ts';
import type { FundConfig } from '../config/fund-config.ts';
import { type ComputeReserveOptions, computeReserve } from '../model/reserve.ts';
import { decideAlerts } from './alert-step.ts';
import { PipelineStepError } from './errors.ts';
import type {
  Clock,
  IngestOutcome,
  MarketSource,
  Notification,
  Notifier,
  SnapshotStore,
  StepRecord,
  StoredRun,
} from './ports.ts';
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
  readonly notifier: Notifier;
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
 * const { outcome } = await runPipeline({ config, asOf, runId, source, store, notifier, clock });
 */
export async function runPipeline(input: RunPipelineInput): Promise<PipelineRun> {
  const { config, asOf, runId, store, clock } = input;
  const log = input.logger ?? silent;
  const context = { fundId: config.fundId, asOf, runId };
  const started = clock.now().getTime();
  const steps: StepRecord[] = [];

  input.onProgress?.({ kind: 'step', step: 'ingest' });
  const ingestStarted = clock.now().getTime();
  const latest = await guarded('ingest', () => store.latest(config.fundId));
  if (latest !== null && Date.parse(latest.asOf) === Date.parse(asOf)) {
    // A redelivered tick: its run is stored already, so skip straight to delivering what is pending.
    log.info('tick already stored; re-using it', { storedRunId: latest.runId });
    for (const name of ['ingest', 'recalibrate', 'reserve', 'persist'] as const) {
      steps.push({ step: name, ms: 0, outcome: 'skipped', detail: `already stored by run ${latest.runId}` });
    }
    return finish(latest, false, await alertStep(input, latest, null, false, steps, log));
  }
  // Only an older run can fill in for a venue that does not answer now.
  const lastGood = latest !== null && Date.parse(latest.asOf) < Date.parse(asOf) ? latest : null;
  const ingest = await guarded('ingest', () => input.source.collect(config, asOf, lastGood));
  steps.push({ step: 'ingest', ms: clock.now().getTime() - ingestStarted, outcome: 'ok' });
  recordRecalibration(ingest, steps);
  log.info('snapshot collected', {
    markets: ingest.snapshot.markets.length,
    degraded: ingest.snapshot.dataQuality?.degraded === true,
    flags: ingest.flags.length,
  });

  const result = await step('reserve', async () =>
    computeReserve(ingest.snapshot, {
      onProgress: (done, total) => input.onProgress?.({ kind: 'paths', done, total }),
      timer: () => clock.now().getTime() / 1000,
      ...(input.pathRunner === undefined ? {} : { pathRunner: input.pathRunner }),
    }),
  );

  const fresh: StoredRun = {
    fundId: config.fundId,
    asOf,
    runId,
    modelVersion: result.modelVersion,
    snapshot: ingest.snapshot,
    result,
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
    // A concurrent delivery of the same tick stored it first: its result stands, and its alerts.
    setOutcome(steps, 'persist', 'skipped', `already stored by run ${run.run.runId}; re-used`);
    log.info('another run stored this tick first; re-using it', { storedRunId: run.run.runId });
    // That run decides and delivers the tick's alerts; delivering here too would race it for the
    // same outbox items.
    steps.push({ step: 'alert', ms: 0, outcome: 'skipped', detail: 'left to the run that stored the tick' });
    return finish(run.run, false, { decided: [], sent: 0, failed: 0 });
  }
  const notifications = await alertStep(input, run.run, lastGood, true, steps, log);
  await recordCompletion(input, steps, log);
  return finish(run.run, true, notifications);

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
 * Adds the persist and alert records to the stored run, so its trail has all five steps. Never
 * throws: the run is stored and alerted already, and a missing trail entry must not fail it.
 */
async function recordCompletion(
  input: RunPipelineInput,
  steps: readonly StepRecord[],
  log: PipelineLogger,
): Promise<void> {
  const completed = steps.filter((s) => s.step === 'persist' || s.step === 'alert');
  try {
    await input.store.recordCompletion(input.config.fundId, input.asOf, completed);
  } catch (error) {
    log.warn('could not record the persist and alert steps on the stored run', { error });
  }
}

/**
 * Step 5. Never throws: the run is stored already, so a failure here is reported in the outcome and
 * the outbox keeps whatever could not be published.
 */
async function alertStep(
  input: RunPipelineInput,
  run: StoredRun,
  previous: StoredRun | null,
  fresh: boolean,
  steps: StepRecord[],
  log: PipelineLogger,
): Promise<NotificationReport> {
  input.onProgress?.({ kind: 'step', step: 'alert' });
  const t0 = input.clock.now().getTime();
  let decided: Notification[] = [];
  try {
    if (fresh) {
      ({ decided } = await decideAlerts({
        config: input.config,
        run,
        previous,
        store: input.store,
        now: input.clock.now().toISOString(),
      }));
    }
    const { sent, failed } = await deliver(input.store, input.notifier, input.config.fundId);
    const ms = input.clock.now().getTime() - t0;
    const detail = `${decided.length} decided, ${sent} sent, ${failed} failed`;
    steps.push({ step: 'alert', ms, outcome: failed > 0 ? 'failed' : 'ok', detail });
    if (failed > 0) log.warn('some notifications stay in the outbox for the next run', { sent, failed });
    return { decided, sent, failed };
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    steps.push({ step: 'alert', ms: input.clock.now().getTime() - t0, outcome: 'failed', detail: message });
    log.error('alert step failed; the run is stored and pending notifications stay queued', {
      error: cause,
    });
    return { decided, sent: 0, failed: 0, error: message };
  }
}
