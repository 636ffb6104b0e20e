/**
 * The EventBridge Scheduler payload of the recalibrate function, `{ fundId, scheduledTime? }`, and
 * the valuation time derived from it. The schedule passes `<aws.scheduler.scheduled-time>` as
 * `scheduledTime`, so a redelivered tick maps to the same `asOf` — the key of both the idempotency
 * record and the snapshot item.
 */
import { z } from 'zod';
import { FundIdSchema } from '../config/fund-config.ts';
import { parseOrThrow } from '../model/validation.ts';
import { truncateToMinute } from '../pipeline/as-of.ts';

/** The payload as the Scheduler sends it. Unknown fields are ignored. */
export const SchedulerPayloadSchema = z.object({
  fundId: FundIdSchema,
  scheduledTime: z.iso.datetime({ offset: true }).optional(),
});

/** A validated tick: which fund, valued at which minute. */
export interface RecalibrateRequest {
  readonly fundId: string;
  /** ISO UTC, truncated to the minute: `2026-11-22T04:15:00.000Z`. */
  readonly asOf: string;
}

/**
 * Validates the payload and derives `asOf` = scheduledTime (or now) truncated to the minute. Whether
 * a config is deployed for the fund is the fund config source's answer, not the payload's.
 *
 * @throws InvalidInputError naming the field and the bad value
 */
export function parseSchedulerPayload(event: unknown, now: Date): RecalibrateRequest {
  const payload = parseOrThrow(SchedulerPayloadSchema, event, 'scheduler payload');
  const time = payload.scheduledTime === undefined ? now : new Date(payload.scheduledTime);
  return { fundId: payload.fundId, asOf: truncateToMinute(time) };
}
