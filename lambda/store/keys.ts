/**
 * Key layout of the Backstop table (docs/ALERTS.md §6). Every item of a fund lives in the partition
 * `FUND#<fundId>`; the sort key says what it is. Timestamps in keys are canonical ISO-8601 UTC with
 * milliseconds (`Date#toISOString`), so that lexicographic order is time order whatever precision or
 * offset the caller wrote (`…00Z` and `…00.000Z` name the same run).
 */
import { InvalidInputError } from '../model/validation.ts';

/** Sort-key prefix of snapshot items: `SNAP#<asOf>`. */
export const SNAPSHOT_PREFIX = 'SNAP#';
/** Sort-key prefix of overflow parts of a large snapshot body: `PART#<asOf>#<digest>#<index>`. */
export const PART_PREFIX = 'PART#';
/** Sort-key prefix of outbox items: `OUTBOX#<asOf>#<kind>#<channel>`. */
export const OUTBOX_PREFIX = 'OUTBOX#';
/** Sort key of a fund's alert state. */
export const ALERT_STATE_SK = 'ALERT#STATE';

/** Partition key of a fund. */
export function fundPk(fundId: string): string {
  return `FUND#${fundId}`;
}

/**
 * The canonical form of an ISO timestamp used in keys.
 *
 * @param field - names the argument in the error, e.g. `asOf`, `history.from`
 * @throws InvalidInputError when `iso` is not a parseable timestamp
 */
export function canonicalTime(iso: string, field = 'asOf'): string {
  const ms = Date.parse(iso);
  if (typeof iso !== 'string' || !Number.isFinite(ms)) {
    throw new InvalidInputError(
      `${field}: expected an ISO-8601 timestamp, got ${JSON.stringify(iso)}`,
      field,
    );
  }
  return new Date(ms).toISOString();
}

/** Sort key of the snapshot item of `asOf`. */
export function snapshotSk(asOf: string): string {
  return `${SNAPSHOT_PREFIX}${canonicalTime(asOf)}`;
}

/** Sort key of overflow part `index` of the snapshot body with content digest `digest`. */
export function partSk(asOf: string, digest: string, index: number): string {
  return `${PART_PREFIX}${canonicalTime(asOf)}#${digest}#${String(index).padStart(4, '0')}`;
}

/** Sort key of the outbox item of one notification kind of the run at `asOf`, for one channel. */
export function outboxSk(asOf: string, kind: string, channel: string): string {
  return `${OUTBOX_PREFIX}${canonicalTime(asOf)}#${kind}#${channel}`;
}
