/**
 * Delivery from the outbox: each pending item of a fund is claimed (a conditional update with a
 * lease), published on its channel and, only once the channel has accepted it, acknowledged. A
 * failed publish gives the claim back and leaves the item for the next run — an SNS outage loses no
 * alert — and an item claimed by another deliverer is left to it, so two deliverers never both
 * publish one item. The one repeat left: a channel that accepted an item whose acknowledgement was
 * then lost (the answer never arrived, the process died, the table failed before the ack) gets it
 * again once the lease expires; the item's `messageId` lets the consumer drop the repeat.
 *
 * A channel that is down as a whole (its publish error says `channelWide: true`: no answer, a
 * 5xx, 429, a rejected key) gets none of its later items in the same delivery: they wait, in order,
 * for the next run — so a recovery never overtakes the trigger it resolves (PagerDuty would keep
 * the incident open), and a dead channel costs one timeout per run, not one per item. An item the
 * channel refused on its own (a 400) does not hold back the next.
 */
import type { Notifier, OutboxRepository } from '../pipeline/ports.ts';
import type { Notification } from '../run/notification.ts';
import { TOMBSTONE_TTL_MS } from '../store/outbox-repository.ts';

/** How long a claim holds an item: far longer than a publish with its SDK retries takes. */
export const DEFAULT_LEASE_MS = 120_000;

/** A notification the channel did not accept this time. */
export interface DeliveryFailure {
  readonly notification: Notification;
  readonly channel: string;
  readonly error: unknown;
}

/** What {@link deliver} did. */
export interface DeliveryReport {
  readonly sent: number;
  readonly failed: number;
  /** Items left for others: claimed by another deliverer, or for a channel not configured here. */
  readonly left: number;
  readonly failures: readonly DeliveryFailure[];
}

/** Who delivers, and the clock the leases are measured on. */
export interface DeliveryOptions {
  /** The lease owner (the run id): a release only gives back this owner's claim. */
  readonly owner: string;
  readonly now: () => Date;
  /** @default DEFAULT_LEASE_MS */
  readonly leaseMs?: number;
}

/**
 * Publishes the fund's pending outbox items, oldest first, each on its own channel, and
 * acknowledges each one its channel accepted. Publish failures are collected, not thrown, so one bad
 * item does not hold back the others; store errors propagate (the items stay for the next run).
 *
 * @example
 * const { sent, failed } = await deliver(store, [notifier], 'demo-perps', { owner: runId, now: () => new Date() });
 */
export async function deliver(
  store: OutboxRepository,
  notifiers: readonly Notifier[],
  fundId: string,
  options: DeliveryOptions,
): Promise<DeliveryReport> {
  const byChannel = new Map(notifiers.map((n) => [n.channel, n]));
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const failures: DeliveryFailure[] = [];
  const refused = new Map<string, unknown>();
  let sent = 0;
  let left = 0;
  for (const item of await store.pending(fundId)) {
    if (refused.has(item.channel)) {
      failures.push({
        notification: item.notification,
        channel: item.channel,
        error: refused.get(item.channel),
      });
      continue;
    }
    const notifier = byChannel.get(item.channel);
    const nowMs = options.now().getTime();
    if (
      notifier === undefined ||
      !(await store.claim(item, { owner: options.owner, untilMs: nowMs + leaseMs }, nowMs))
    ) {
      left += 1;
      continue;
    }
    try {
      await notifier.publish(item);
    } catch (error) {
      failures.push({ notification: item.notification, channel: item.channel, error });
      if ((error as { channelWide?: unknown } | null)?.channelWide === true) refused.set(item.channel, error);
      await store.release(item, options.owner, error instanceof Error ? error.message : String(error));
      continue;
    }
    sent += 1;
    await store.ack(item, options.now().getTime());
  }
  await store.prune(fundId, options.now().getTime() - TOMBSTONE_TTL_MS);
  return { sent, failed: failures.length, left, failures };
}
