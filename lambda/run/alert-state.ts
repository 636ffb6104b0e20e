/** The persisted state of a fund's alerting (the `ALERT#STATE` item, optimistic locking on `version`). */
import { z } from 'zod';
import { RunStatusSchema } from '../model/schemas.ts';
import { NotificationSchema } from './notification.ts';

/**
 * A decision whose notifications are not yet all in the outbox: written with the state (so a crash
 * after the state write loses nothing) and cleared once every item is enqueued.
 */
export const PendingDecisionSchema = z.object({
  asOf: z.string(),
  notifications: z.array(NotificationSchema),
});

/** The persisted state of a fund's alerting. */
export const AlertStateSchema = z.object({
  fundId: z.string(),
  /** Current effective status (with hysteresis applied). */
  status: RunStatusSchema,
  /**
   * Effective status from coverage alone (OK/WARN/BREACH/UNKNOWN, hysteresis applied) — kept apart
   * from `status` because a DEGRADED run still alerts on coverage, and hysteresis needs the last
   * coverage status across degraded runs. Absent on states written before it existed.
   */
  coverageStatus: RunStatusSchema.optional(),
  since: z.string(),
  /** Last time a notification of each `kind:status` was sent, e.g. `COVERAGE:WARN`. */
  lastNotified: z.record(z.string(), z.string()),
  /**
   * The `asOf` of the newest run whose alerts were decided. A stored run newer than this has an
   * alert step still to do (a crash, a table error): the next run or a retried tick resumes it.
   * Absent on states written before it existed.
   */
  decidedAsOf: z.string().optional(),
  /** The decision of `decidedAsOf` while its outbox items are being written; absent once written. */
  pending: PendingDecisionSchema.optional(),
  version: z.number().int().gte(1),
});
/** The persisted state of a fund's alerting. */
export type AlertState = Readonly<z.infer<typeof AlertStateSchema>>;
/** A decision not yet fully in the outbox. */
export type PendingDecision = Readonly<z.infer<typeof PendingDecisionSchema>>;
