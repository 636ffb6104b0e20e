/**
 * The events of the fan-out state machine's Lambda steps, validated at the door: a coordination
 * starts from the Scheduler's tick `{fundId, scheduledTime?}` or continues a run `{run}`; a batch
 * is a {@link BatchTask}.
 */
import { z } from 'zod';
import { FundIdSchema } from '../../config/fund-config.ts';
import { parseSchedulerPayload } from '../../handlers/scheduler-payload.ts';
import { parseOrThrow } from '../../model/validation.ts';
import type { BatchTask, FanOutRun } from './fan-out-steps.ts';

const RunSchema = z.strictObject({
  fundId: FundIdSchema,
  asOf: z.iso.datetime(),
  runId: z.string().regex(/^[\w-]{1,128}$/, 'must be a run id (letters, digits, - and _)'),
});

const ContinuationSchema = z.object({ run: RunSchema });

const BatchTaskSchema = RunSchema.extend({
  from: z.number().int().gte(0),
  to: z.number().int().gte(1),
}).refine((t) => t.to > t.from, { message: 'to must exceed from', path: ['to'] });

/** A coordination's input: the first of a run (from a tick) or a continuation. */
export type CoordinateEvent =
  | { readonly first: true; readonly fundId: string; readonly asOf: string }
  | { readonly first: false; readonly run: FanOutRun };

/**
 * Parses a coordination's event.
 *
 * @throws InvalidInputError naming the field and the bad value
 */
export function parseCoordinateEvent(event: unknown, now: Date): CoordinateEvent {
  if (typeof event === 'object' && event !== null && 'run' in event) {
    return { first: false, run: parseOrThrow(ContinuationSchema, event, 'fan-out continuation').run };
  }
  const tick = parseSchedulerPayload(event, now);
  return { first: true, fundId: tick.fundId, asOf: tick.asOf };
}

/**
 * Parses a batch's event.
 *
 * @throws InvalidInputError naming the field and the bad value
 */
export function parseBatchTask(event: unknown): BatchTask {
  return parseOrThrow(BatchTaskSchema, event, 'fan-out batch');
}
