/**
 * The EventBridge Scheduler payload of the recalibrate function, `{ fundId, scheduledTime? }`, and
 * the valuation time derived from it. The schedule passes `<aws.scheduler.scheduled-time>` as
 * `scheduledTime`, so a redelivered tick maps to the same `asOf` — the key of both the idempotency
 * record and the snapshot item.
 */
import { z } from 'zod';
import { type FundConfig, FundIdSchema } from '../config/fund-config.ts';
import { InvalidInputError, parseOrThrow } from '../model/validation.ts';
import { checkNotFuture, truncateToMinute } from '../pipeline/as-of.ts';

/** The payload as the Scheduler sends it. Unknown fields are ignored. */
export const SchedulerPayloadSchema = z.object({
  fundId: FundIdSchema,
  scheduledTime: z.iso.datetime({ offset: true }).optional(),
});

/**
 * How old a tick may be when it arrives: the schedule keeps an undelivered tick for one interval
 * (its `maxEventAge`), the function's queue for at most one more, and Lambda retries a failed run
 * twice within about half an hour. Anything older is superseded by a newer tick, not a run to do.
 */
export function maxTickAgeMinutes(config: Pick<FundConfig, 'schedule'>): number {
  return 2 * config.schedule.intervalMinutes + 30;
}

/** A validated tick: which fund, valued at which minute. */
export interface RecalibrateRequest {
  readonly fundId: string;
  /** ISO UTC, truncated to the minute: `2026-11-22T04:15:00.000Z`. */
  readonly asOf: string;
}

/**
 * Validates the payload and derives `asOf` = scheduledTime (or now) truncated to the minute. Whether
 * a config is deployed for the fund is the fund config source's answer, not the payload's. A
 * scheduledTime more than the clock skew in the future is refused: it would be the latest run for good.
 *
 * @throws InvalidInputError naming the field and the bad value
 */
export function parseSchedulerPayload(event: unknown, now: Date): RecalibrateRequest {
  const payload = parseOrThrow(SchedulerPayloadSchema, event, 'scheduler payload');
  if (payload.scheduledTime !== undefined) {
    checkNotFuture(payload.scheduledTime, now, 'scheduler payload: scheduledTime');
  }
  const time = payload.scheduledTime === undefined ? now : new Date(payload.scheduledTime);
  return { fundId: payload.fundId, asOf: truncateToMinute(time) };
}

/**
 * Refuses a tick older than the fund's {@link maxTickAgeMinutes}: it was superseded by a newer one
 * (which also resumes any alert decision left undone).
 *
 * @throws InvalidInputError naming scheduledTime
 */
export function checkTickAge(
  tick: RecalibrateRequest,
  config: Pick<FundConfig, 'schedule'>,
  now: Date,
): void {
  const maxAge = maxTickAgeMinutes(config);
  if (now.getTime() - Date.parse(tick.asOf) <= maxAge * 60_000) return;
  throw new InvalidInputError(
    `scheduler payload: scheduledTime: the tick of ${tick.asOf} is older than the schedule's maximum tick age of ${maxAge} minutes (now ${now.toISOString()})`,
    'scheduledTime',
  );
}
