/**
 * The EventBridge Scheduler payload of the recalibrate function, `{ fundId, scheduledTime? }`, and
 * the valuation time derived from it. The schedule passes `<aws.scheduler.scheduled-time>` as
 * `scheduledTime`, so a redelivered tick maps to the same `asOf` — the key of both the idempotency
 * record and the snapshot item.
 */
import { z } from 'zod';
import type { FundConfig } from '../config/fund-config.ts';
import { InvalidInputError, parseOrThrow } from '../model/validation.ts';
import { checkNotFuture, truncateToMinute } from '../pipeline/as-of.ts';

/** The payload as the Scheduler sends it. Unknown fields are ignored. */
export const SchedulerPayloadSchema = z.object({
  fundId: z.string().min(1),
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
 * Validates the payload against the configured funds and derives `asOf` = scheduledTime (or now)
 * truncated to the minute. A scheduledTime more than the skew in the future, or older than
 * {@link maxTickAgeMinutes}, is refused.
 *
 * @throws InvalidInputError naming the field and the bad value
 */
export function parseSchedulerPayload(
  event: unknown,
  funds: ReadonlyMap<string, FundConfig>,
  now: Date,
): RecalibrateRequest {
  const payload = parseOrThrow(SchedulerPayloadSchema, event, 'scheduler payload');
  if (!funds.has(payload.fundId)) {
    const known = [...funds.keys()].join(', ');
    throw new InvalidInputError(
      `scheduler payload: fundId: unknown fund, got ${JSON.stringify(payload.fundId)} (configured: ${known})`,
      'fundId',
    );
  }
  const time = payload.scheduledTime === undefined ? now : new Date(payload.scheduledTime);
  if (payload.scheduledTime !== undefined) {
    const field = 'scheduler payload: scheduledTime';
    checkNotFuture(payload.scheduledTime, now, field);
    const maxAge = maxTickAgeMinutes(funds.get(payload.fundId) as FundConfig);
    if (now.getTime() - time.getTime() > maxAge * 60_000) {
      throw new InvalidInputError(
        `${field}: ${JSON.stringify(payload.scheduledTime)} is older than the schedule's maximum tick age of ${maxAge} minutes (now ${now.toISOString()})`,
        'scheduledTime',
      );
    }
  }
  return { fundId: payload.fundId, asOf: truncateToMinute(time) };
}
