/**
 * The valuation time of a run, `asOf`: ISO-8601 UTC with milliseconds (`2026-11-22T04:15:00.000Z`),
 * one spelling per instant because it is part of the snapshot key. Scheduled runs and default CLI
 * runs use the minute they were started in, so a redelivered tick maps to the same key.
 */
import { InvalidInputError } from '../model/validation.ts';

/** Truncates a time to the whole minute, in canonical ISO UTC. */
export function truncateToMinute(time: Date): string {
  return new Date(Math.floor(time.getTime() / 60_000) * 60_000).toISOString();
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses `--as-of`: an ISO-8601 time with a zone (`Z` or `+02:00`), returned in canonical UTC;
 * absent ⇒ `now` truncated to the minute.
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
  return new Date(ms).toISOString();
}
