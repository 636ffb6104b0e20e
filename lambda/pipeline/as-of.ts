/**
 * The valuation time of a run, `asOf`: ISO-8601 UTC with milliseconds (`2026-11-22T04:15:00.000Z`),
 * one spelling per instant because it is part of the snapshot key. Scheduled runs and default CLI
 * runs use the minute they were started in, so a redelivered tick maps to the same key.
 */
import { InvalidInputError } from '../model/validation.ts';

/**
 * How far after the clock a valuation time may be: a tick sent a little early, or two machines'
 * clocks apart. A later time would become the store's "latest" run for good.
 */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

/**
 * Refuses a valuation time more than {@link MAX_FUTURE_SKEW_MS} after `now`.
 *
 * @param field - names the input in the error: `--as-of`, `scheduler payload: scheduledTime`, `asOf`
 * @throws InvalidInputError naming the field, the value and the clock
 */
export function checkNotFuture(asOf: string, now: Date, field: string): void {
  if (Date.parse(asOf) - now.getTime() <= MAX_FUTURE_SKEW_MS) return;
  throw new InvalidInputError(
    `${field}: ${JSON.stringify(asOf)} is in the future (more than ${MAX_FUTURE_SKEW_MS / 60_000} minutes after now, ${now.toISOString()})`,
    field,
  );
}

/** Truncates a time to the whole minute, in canonical ISO UTC. */
export function truncateToMinute(time: Date): string {
  return new Date(Math.floor(time.getTime() / 60_000) * 60_000).toISOString();
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses `--as-of`: an ISO-8601 time with a zone (`Z` or `+02:00`), returned in canonical UTC;
 * absent ⇒ `now` truncated to the minute. A time in the future (beyond the skew) is refused; a past
 * one is a backfill and allowed.
 *
 * @throws InvalidInputError naming `--as-of` and the bad value
 */
export function parseAsOf(value: string | undefined, now: Date): string {
  if (value === undefined) return truncateToMinute(now);
  const ms = Date.parse(value);
  if (!ISO_WITH_ZONE.test(value) || Number.isNaN(ms)) {
    throw new InvalidInputError(
      `--as-of: expected an ISO-8601 time with a zone like 2026-11-22T04:15:00Z, got ${JSON.stringify(value)}`,
      'as-of',
    );
  }
  const asOf = new Date(ms).toISOString();
  checkNotFuture(asOf, now, '--as-of');
  return asOf;
}
