/**
 * The notification outbox on the table (`OUTBOX#<asOf>#<kind>#<channel>` items): one item per
 * notification and channel, so each channel delivers and acknowledges on its own.
 *
 * Delivery protocol, without transactions (dynalite has none):
 * 1. `enqueue` — a put conditional on the key being new, so a decision written twice is one item;
 * 2. `claim` — an UpdateItem conditional on no unexpired lease and no delivery, so of two
 *    deliverers exactly one publishes;
 * 3. `ack` — the item becomes a tombstone (`deliveredAt`, body removed, `expiresAt` a day later)
 *    rather than disappearing, so a late re-enqueue of the same notification stays a no-op; `prune`
 *    deletes old tombstones (DynamoDB's TTL does it too, where configured);
 * 4. `release` — a failed publish gives the lease back at once.
 * A deliverer killed between publish and ack leaves a lease that expires: the next deliverer sends
 * the item again (the one at-least-once case; consumers de-duplicate on `messageId`).
 */
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { OutboxLease, OutboxRepository } from '../pipeline/ports.ts';
import { type OutboxItem, OutboxItemSchema } from '../run/notification.ts';
import { compressJson, decompressJson } from './body-codec.ts';
import { ItemTooLargeError } from './errors.ts';
import { bodyBytes, decodeBody } from './item-body.ts';
import { itemSizeBytes } from './item-size.ts';
import { fundPk, OUTBOX_PREFIX, outboxSk } from './keys.ts';
import { type Item, isConditionFailure, MAX_ITEM_BYTES, type TableClient } from './table-client.ts';

/** How long a delivered item's tombstone is kept before `prune` (or TTL) removes it. */
export const TOMBSTONE_TTL_MS = 24 * 3_600_000;

/** {@link OutboxRepository} on one table. */
export class DynamoOutboxRepository implements OutboxRepository {
  readonly #table: TableClient;

  constructor(table: TableClient) {
    this.#table = table;
  }

  /** Writes items not yet in the outbox; an item already there (or delivered) is left as it is. */
  async enqueue(items: readonly OutboxItem[]): Promise<{ enqueued: OutboxItem[] }> {
    const enqueued: OutboxItem[] = [];
    for (const outboxItem of items) {
      const n = outboxItem.notification;
      const sk = outboxSk(n.asOf, n.kind, outboxItem.channel);
      const item: Item = {
        pk: fundPk(n.fundId),
        sk,
        fundId: n.fundId,
        asOf: n.asOf,
        kind: n.kind,
        severity: n.severity,
        status: n.status,
        channel: outboxItem.channel,
        messageId: outboxItem.messageId,
        body: compressJson(OutboxItemSchema.parse(outboxItem)),
      };
      const size = itemSizeBytes(item);
      if (size > MAX_ITEM_BYTES) throw new ItemTooLargeError(sk, size, MAX_ITEM_BYTES);
      if (await this.#table.putIfAbsent(item)) enqueued.push(outboxItem);
    }
    return { enqueued };
  }

  /** Items of a fund not delivered yet, oldest first. */
  async pending(fundId: string): Promise<OutboxItem[]> {
    const page = await this.#table.queryPages(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': fundPk(fundId), ':prefix': OUTBOX_PREFIX },
        ScanIndexForward: true,
      },
      Number.POSITIVE_INFINITY,
      undefined,
    );
    return page.items
      .filter((item) => item.deliveredAt === undefined)
      .map((item) => decodeBody(item, () => decompressJson(bodyBytes(item)), OutboxItemSchema));
  }

  async claim(item: OutboxItem, lease: OutboxLease, nowMs: number): Promise<boolean> {
    try {
      await this.#table.doc.send(
        new UpdateCommand({
          TableName: this.#table.tableName,
          Key: keyOf(item),
          UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until ADD attempts :one',
          ConditionExpression:
            'attribute_exists(sk) AND attribute_not_exists(deliveredAt) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
          ExpressionAttributeValues: {
            ':owner': lease.owner,
            ':until': lease.untilMs,
            ':now': nowMs,
            ':one': 1,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async release(item: OutboxItem, owner: string, error: string): Promise<void> {
    try {
      await this.#table.doc.send(
        new UpdateCommand({
          TableName: this.#table.tableName,
          Key: keyOf(item),
          UpdateExpression: 'SET lastError = :error REMOVE leaseOwner, leaseUntil',
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ':owner': owner, ':error': error.slice(0, 1000) },
        }),
      );
    } catch (failure) {
      // The lease already expired and another deliverer holds the item now: nothing to give back.
      if (!isConditionFailure(failure)) throw failure;
    }
  }

  async ack(item: OutboxItem, deliveredAtMs: number): Promise<void> {
    try {
      await this.#table.doc.send(
        new UpdateCommand({
          TableName: this.#table.tableName,
          Key: keyOf(item),
          UpdateExpression: 'SET deliveredAt = :at, expiresAt = :expires REMOVE body, leaseOwner, leaseUntil',
          ConditionExpression: 'attribute_exists(sk)',
          ExpressionAttributeValues: {
            ':at': deliveredAtMs,
            ':expires': Math.floor((deliveredAtMs + TOMBSTONE_TTL_MS) / 1000),
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async prune(fundId: string, beforeMs: number): Promise<number> {
    const page = await this.#table.queryPages(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': fundPk(fundId), ':prefix': OUTBOX_PREFIX },
        ProjectionExpression: 'pk, sk, deliveredAt',
      },
      Number.POSITIVE_INFINITY,
      undefined,
    );
    let pruned = 0;
    for (const item of page.items) {
      if (typeof item.deliveredAt !== 'number' || item.deliveredAt >= beforeMs) continue;
      await this.#table.doc.send(
        new DeleteCommand({ TableName: this.#table.tableName, Key: { pk: item.pk, sk: item.sk } }),
      );
      pruned += 1;
    }
    return pruned;
  }
}

function keyOf(item: OutboxItem): { pk: string; sk: string } {
  const n = item.notification;
  return { pk: fundPk(n.fundId), sk: outboxSk(n.asOf, n.kind, item.channel) };
}
