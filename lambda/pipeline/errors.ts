/**
 * Errors of the pipeline: a step that failed, named with the run it belonged to, so the handler's
 * log line and the CLI's error line say where it broke without a stack trace.
 */
import type { StepRecord } from '../run/step-record.ts';

/** A pipeline step failed before the run was stored: nothing was written. */
export class PipelineStepError extends Error {
  readonly step: StepRecord['step'];
  readonly fundId: string;
  readonly asOf: string;
  readonly runId: string;

  constructor(
    step: StepRecord['step'],
    context: { fundId: string; asOf: string; runId: string },
    options: { cause: unknown },
  ) {
    const why = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(`${step} failed for fund ${context.fundId} at ${context.asOf}: ${why}`, options);
    this.name = 'PipelineStepError';
    this.step = step;
    this.fundId = context.fundId;
    this.asOf = context.asOf;
    this.runId = context.runId;
  }
}

/** Another run kept winning the optimistic lock on the alert state. */
export class AlertStateContentionError extends Error {
  readonly fundId: string;
  readonly attempts: number;

  constructor(fundId: string, attempts: number) {
    super(`alert state of fund ${fundId} changed under us ${attempts} times in a row; giving up this run`);
    this.name = 'AlertStateContentionError';
    this.fundId = fundId;
    this.attempts = attempts;
  }
}
