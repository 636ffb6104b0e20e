/**
 * Why a run sent no alert, in one phrase: a reader who sees "0 decided" must know whether that is
 * because all is well, because the team was already told (and when the next reminder is due), or
 * because the tick was already handled.
 */

import type { RunOutcome } from '../pipeline/run-outcome.ts';
import type { AlertState } from '../run/alert-state.ts';
import { formatTime } from './format.ts';

const HOUR_MS = 3_600_000;

/**
 * The reason no notification was decided, or undefined when some were.
 *
 * @param state - the fund's alert state after the run (null when none was ever stored)
 * @param reminderHours - the fund's reminder interval
 * @example
 * alertSilence(outcome, state, 6); // "BREACH already sent 2026-11-22 09:15 UTC; next reminder 2026-11-22 15:15 UTC"
 */
export function alertSilence(
  outcome: Pick<RunOutcome, 'stored' | 'runId' | 'notifications'>,
  state: AlertState | null,
  reminderHours: number,
): string | undefined {
  if (outcome.notifications.decided.length > 0) return undefined;
  if (!outcome.stored)
    return `this tick was already stored by run ${outcome.runId}, which decided its alerts`;
  if (outcome.notifications.error !== undefined) return undefined;
  if (state === null) return 'no alert state stored';
  const status = state.coverageStatus ?? state.status;
  if (status === 'OK') return `coverage OK since ${formatTime(state.since)}: nothing to report`;
  const last = state.lastNotified[`COVERAGE:${status}`];
  if (last === undefined) return `${status} since ${formatTime(state.since)}`;
  const next = new Date(Date.parse(last) + reminderHours * HOUR_MS);
  return `${status} already sent ${formatTime(toMinute(last))}; next reminder ${formatTime(toMinute(next))}`;
}

/** Reminders are read to the minute; the stored send time has seconds. */
function toMinute(time: string | Date): Date {
  const ms = typeof time === 'string' ? Date.parse(time) : time.getTime();
  return new Date(Math.floor(ms / 60_000) * 60_000);
}
