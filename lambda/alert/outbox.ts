/**
 * Delivery from the outbox: every pending notification of a fund is published and, only once the
 * notifier has accepted it, removed. A failure leaves the item for the next run — an SNS outage loses
 * no alert — and an accepted item is never published again.
 */
import type { Notification, Notifier, SnapshotStore } from '../pipeline/ports.ts';

/** A notification the notifier did not accept this time. */
export interface DeliveryFailure {
  readonly notification: Notification;
  readonly error: unknown;
}

/** What {@link deliver} did. */
export interface DeliveryReport {
  readonly sent: number;
  readonly failed: number;
  readonly failures: readonly DeliveryFailure[];
}

/**
 * Publishes the fund's pending outbox items, oldest first, and acknowledges each one the notifier
 * accepted. Publish failures are collected, not thrown, so one bad item does not hold back the
 * others; store errors propagate.
 *
 * @example
 * const { sent, failed } = await deliver(store, notifier, 'demo-perps');
 */
export async function deliver(
  store: SnapshotStore,
  notifier: Notifier,
  fundId: string,
): Promise<DeliveryReport> {
  const failures: DeliveryFailure[] = [];
  let sent = 0;
  for (const item of await store.pending(fundId)) {
    try {
      await notifier.publish(item);
    } catch (error) {
      failures.push({ notification: item.notification, error });
      continue;
    }
    sent += 1;
    // If this ack fails (the table is unreachable), the error propagates and the next run sends the
    // item again: the one duplicate the outbox can produce — losing the alert would be worse.
    await store.ack(item);
  }
  return { sent, failed: failures.length, failures };
}
