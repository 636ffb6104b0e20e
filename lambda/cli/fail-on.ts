/**
 * `--fail-on warn|breach`: exit 3 when the run's status is at or beyond the level, so cron jobs and
 * CI pipelines can gate on coverage without parsing output.
 */
import type { ReserveResult } from '../model/schemas.ts';
import { InvalidInputError } from '../model/validation.ts';

/** The levels `--fail-on` accepts. */
export type FailOn = 'warn' | 'breach';

/** How bad a coverage status is; UNKNOWN (no balance) counts as a breach: coverage is not confirmed. */
const SEVERITY: Readonly<Record<string, number>> = { OK: 0, WARN: 1, BREACH: 2, UNKNOWN: 2 };
const LEVEL: Readonly<Record<FailOn, number>> = { warn: 1, breach: 2 };

/** Parses `--fail-on`, naming it when the value is neither `warn` nor `breach`. */
export function failOnOption(value: string | undefined): FailOn | undefined {
  if (value === undefined) return undefined;
  if (value === 'warn' || value === 'breach') return value;
  throw new InvalidInputError(`--fail-on: expected warn or breach, got ${JSON.stringify(value)}`, 'fail-on');
}

/**
 * The one-line reason to exit 3, or undefined. A DEGRADED run is judged by its coverage status.
 *
 * @example failOnReason({ status: 'BREACH', coverageStatus: 'BREACH' }, 'warn') // "status BREACH is at or beyond --fail-on warn"
 */
export function failOnReason(
  result: Pick<ReserveResult, 'status' | 'coverageStatus'>,
  failOn: FailOn | undefined,
): string | undefined {
  if (failOn === undefined) return undefined;
  const severity = SEVERITY[result.coverageStatus] ?? 0;
  if (severity < LEVEL[failOn]) return undefined;
  const status =
    result.status === result.coverageStatus
      ? result.status
      : `${result.status} (coverage ${result.coverageStatus})`;
  return `status ${status} is at or beyond --fail-on ${failOn}`;
}
