/**
 * Dates in CLI flags: JavaScript's Date rolls impossible dates over (2026-02-30 becomes 2026-03-02)
 * without a word; a flag must refuse them instead, naming itself.
 */
import { InvalidInputError } from '../model/validation.ts';
import { parseAsOf } from '../pipeline/as-of.ts';

/** `YYYY-MM-DD` at the start of a value, optionally followed by `Thh:mm[:ss[.fff]]`. */
const PARTS = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?/;

/**
 * Throws when the calendar date or the time of day written at the start of `value` does not exist
 * (February 30th, month 13, 24:30); values that do not start like a date are left to the caller.
 *
 * @throws InvalidInputError naming `--flag` and the value
 */
export function checkCalendar(value: string, flag: string): void {
  const m = PARTS.exec(value);
  if (m === null) return;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m
    .slice(1)
    .map((p) => (p === undefined ? undefined : Number(p))) as number[];
  const d = new Date(Date.UTC(year!, month! - 1, day!, hour, minute, second));
  const exists =
    d.getUTCFullYear() === year &&
    d.getUTCMonth() === month! - 1 &&
    d.getUTCDate() === day &&
    d.getUTCHours() === hour &&
    d.getUTCMinutes() === minute &&
    d.getUTCSeconds() === second;
  if (!exists) {
    throw new InvalidInputError(`--${flag}: no such date or time, got ${JSON.stringify(value)}`, flag);
  }
}

/** The time format the CLI prints (`2026-11-22 04:15 UTC`), accepted back wherever it takes a time. */
const DISPLAYED = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}(?::\d{2})?) UTC$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `--as-of`: an ISO-8601 time with a zone, the form the CLI prints (`2026-11-22 04:15 UTC`) or a
 * date (midnight UTC), that exists on the calendar; in canonical UTC. Absent: now, to the minute.
 *
 * @throws InvalidInputError naming `--as-of` and the value
 */
export function asOfOption(value: string | undefined, now: Date): string {
  if (value === undefined) return parseAsOf(undefined, now);
  const shown = DISPLAYED.exec(value);
  const iso =
    shown !== null ? `${shown[1]}T${shown[2]}Z` : DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value;
  checkCalendar(iso, 'as-of');
  return parseAsOf(iso, now);
}
