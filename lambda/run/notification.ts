/**
 * What the alert policy decides ({@link Notification}) and what the outbox holds until a channel
 * has accepted it ({@link OutboxItem}: one per notification and channel).
 */
import { z } from 'zod';
import { ReserveResultSchema, RunStatusSchema } from '../model/schemas.ts';

/** Kinds of notification (message attribute `kind`). */
export const NotificationKindSchema = z.enum(['COVERAGE', 'RECOVERY', 'DRAWDOWN', 'DATA', 'GROWTH']);
export type NotificationKind = z.infer<typeof NotificationKindSchema>;
/** Severity (message attribute `severity`). */
export const SeveritySchema = z.enum(['INFO', 'WARN', 'BREACH']);
export type Severity = z.infer<typeof SeveritySchema>;

/** A notification decided by the alert policy, before rendering for a channel. */
export const NotificationSchema = z.object({
  fundId: z.string(),
  asOf: z.string(),
  kind: NotificationKindSchema,
  severity: SeveritySchema,
  status: RunStatusSchema,
  /** Why it is sent now: `status-change`, `reminder`, `recovery`, `drawdown`, `data`, `growth`. */
  reason: z.string(),
  /** One-line summary of the triggering fact. */
  headline: z.string(),
});
export type Notification = Readonly<z.infer<typeof NotificationSchema>>;

/** The previous run's headline numbers, for "what changed since the last run". */
export const PreviousRunSchema = ReserveResultSchema.pick({
  asOf: true,
  coverageRatio: true,
  requiredReserveUsd: true,
  fundBalanceUsd: true,
  status: true,
});

/** A channel name: `sns`, `console`, `pagerduty`, `webhook`… (lower case, part of the outbox key). */
export const ChannelSchema = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a lower-case channel name');

/** A notification ready to publish on one channel, with the run facts the renderers need. */
export const OutboxItemSchema = z.object({
  notification: NotificationSchema,
  /** The channel that must accept this item; each channel's item is delivered and acknowledged apart. */
  channel: ChannelSchema,
  /**
   * Stable id of the notification, the same on every channel and every redelivery
   * (`<fundId>/<asOf>/<kind>/<status>`): consumers de-duplicate on it.
   */
  messageId: z.string(),
  /** The stored snapshot key (`FUND#id / SNAP#asOf`) for the email text. */
  snapshotKey: z.string(),
  result: ReserveResultSchema,
  previous: PreviousRunSchema.nullable(),
});
/** A notification ready to publish on one channel. */
export type OutboxItem = Readonly<z.infer<typeof OutboxItemSchema>>;

/** The stable id of a notification (see {@link OutboxItemSchema}). */
export function messageIdOf(n: Pick<Notification, 'fundId' | 'asOf' | 'kind' | 'status'>): string {
  return `${n.fundId}/${n.asOf}/${n.kind}/${n.status}`;
}
