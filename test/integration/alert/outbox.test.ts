import 'aws-sdk-client-mock-vitest/extend';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { evaluateAlerts } from '../../../lambda/alert/alert-policy.ts';
import { deliver } from '../../../lambda/alert/outbox.ts';
import { FundAlertsSchema, resolveAlerts } from '../../../lambda/config/fund-config.ts';
import { SnsNotifier } from '../../../lambda/notify/sns-notifier.ts';
import type { Notifier } from '../../../lambda/pipeline/ports.ts';
import { messageIdOf, type OutboxItem } from '../../../lambda/run/notification.ts';
import { DynamoSnapshotStore } from '../../../lambda/store/dynamo-snapshot-store.ts';
import { startTestDynamo, type TestDynamo } from '../../support/dynalite.ts';
import { outboxItem, reserveResult } from '../../unit/alert/result-fixtures.ts';

/** A deliverer whose clock is the real one: leases are far longer than a test. */
const DELIVERER = { owner: 'test-run', now: () => new Date() };

const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:backstop-alerts';
const sns = mockClient(SNSClient);
let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});
beforeEach(() => {
  sns.reset();
});

async function freshStore(): Promise<DynamoSnapshotStore> {
  return new DynamoSnapshotStore({ tableName: await dynamo.newTable(), client: dynamo.client });
}

function snsNotifier(): SnsNotifier {
  return new SnsNotifier({
    topicArn: TOPIC_ARN,
    client: new SNSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
  });
}

/** A fake SNS endpoint: rejects while `outage` > 0 (counting down), records the subjects it accepts. */
let outage = 0;
let accepted: string[] = [];
function snsEndpoint(): void {
  accepted = [];
  sns.on(PublishCommand).callsFake(async (input: { Subject?: string }) => {
    if (outage > 0) {
      outage -= 1;
      throw new Error('Throttling: Rate exceeded');
    }
    accepted.push(input.Subject ?? '');
    return { MessageId: `m-${accepted.length}` };
  });
}

const coverage = outboxItem();
const data = outboxItem({
  kind: 'DATA',
  severity: 'WARN',
  status: 'DEGRADED',
  reason: 'data',
  headline: 'demo-perps market data degraded: 1 flag: MISSING SOL-PERP',
});

describe('outbox', () => {
  it('enqueues idempotently and lists pending items oldest first', async () => {
    const store = await freshStore();
    const later = outboxItem({ asOf: '2026-11-22T04:15:00.000Z' }, { asOf: '2026-11-22T04:15:00.000Z' });

    expect(await store.enqueue([later, coverage])).toEqual({ enqueued: [later, coverage] });
    // Only what this call wrote comes back.
    expect(await store.enqueue([coverage, data])).toEqual({ enqueued: [data] });

    const pending = await store.pending('demo-perps');
    expect(pending.map((i) => `${i.notification.asOf} ${i.notification.kind}`)).toEqual([
      '2026-11-22T04:00:00.000Z COVERAGE',
      '2026-11-22T04:00:00.000Z DATA',
      '2026-11-22T04:15:00.000Z COVERAGE',
    ]);
    expect(pending[0]).toEqual(coverage);
  });

  it('retries an item whose publish failed on the next delivery, and sends each item once', async () => {
    const store = await freshStore();
    outage = 1; // SNS throttles the first publish, then accepts.
    snsEndpoint();
    await store.enqueue([coverage, data]);

    const first = await deliver(store, [snsNotifier()], 'demo-perps', DELIVERER);

    expect({ sent: first.sent, failed: first.failed }).toEqual({ sent: 1, failed: 1 });
    expect(first.failures[0]?.notification.kind).toBe('COVERAGE');
    expect(String(first.failures[0]?.error)).toBe('Error: Throttling: Rate exceeded');
    expect((await store.pending('demo-perps')).map((i) => i.notification.kind)).toEqual(['COVERAGE']);

    const second = await deliver(store, [snsNotifier()], 'demo-perps', DELIVERER);
    const third = await deliver(store, [snsNotifier()], 'demo-perps', DELIVERER);

    expect({ sent: second.sent, failed: second.failed }).toEqual({ sent: 1, failed: 0 });
    expect({ sent: third.sent, failed: third.failed }).toEqual({ sent: 0, failed: 0 });
    expect(await store.pending('demo-perps')).toEqual([]);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 3);
    expect(accepted).toEqual([
      '[DATA] demo-perps market data degraded: 1 flag: MISSING SOL-PERP',
      '[BREACH] demo-perps insurance fund at 72.0% of required reserve',
    ]);
  });

  it('keeps a notifier that keeps failing from holding back the others', async () => {
    const store = await freshStore();
    const published: string[] = [];
    const picky: Notifier = {
      channel: 'sns',
      publish: async (item: OutboxItem) => {
        if (item.notification.kind === 'DATA') throw new Error('endpoint rejected');
        published.push(item.notification.kind);
      },
    };
    await store.enqueue([data, coverage]);

    expect((await deliver(store, [picky], 'demo-perps', DELIVERER)).sent).toBe(1);
    expect((await deliver(store, [picky], 'demo-perps', DELIVERER)).failed).toBe(1);
    expect(published).toEqual(['COVERAGE']);
    expect((await store.pending('demo-perps')).map((i) => i.notification.kind)).toEqual(['DATA']);
  });

  it('loses no alert and sends none twice across an SNS outage (policy -> outbox -> SNS)', async () => {
    const store = await freshStore();
    const config = resolveAlerts(FundAlertsSchema.parse({}), 0.25);
    const runs = ['2026-11-22T04:00:00.000Z', '2026-11-22T04:15:00.000Z', '2026-11-22T04:30:00.000Z'];
    snsEndpoint();

    for (const [i, asOf] of runs.entries()) {
      outage = i === 0 ? Number.POSITIVE_INFINITY : 0; // SNS down during the first run only
      const result = reserveResult({ asOf, balance: 1.44e8, required: 2e8 });
      const state = await store.getAlertState('demo-perps');
      const { next, notifications } = evaluateAlerts(state, result, [], asOf, config);
      await store.enqueue(
        notifications.map((notification) => ({
          notification,
          channel: 'sns',
          messageId: messageIdOf(notification),
          snapshotKey: `FUND#demo-perps / SNAP#${asOf}`,
          result,
          previous: null,
        })),
      );
      expect(await store.putAlertState(next)).toEqual({ won: true });
      await deliver(store, [snsNotifier()], 'demo-perps', DELIVERER);
    }

    expect(accepted).toEqual(['[BREACH] demo-perps insurance fund at 72.0% of required reserve']);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(await store.pending('demo-perps')).toEqual([]);
  });

  it('lets exactly one of two concurrent deliverers publish each item', async () => {
    const store = await freshStore();
    snsEndpoint();
    await store.enqueue([coverage, data]);

    const [a, b] = await Promise.all([
      deliver(store, [snsNotifier()], 'demo-perps', { owner: 'a', now: () => new Date() }),
      deliver(store, [snsNotifier()], 'demo-perps', { owner: 'b', now: () => new Date() }),
    ]);

    expect(a.sent + b.sent).toBe(2);
    expect(a.left + b.left).toBe(2);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect([...accepted].sort()).toEqual([
      '[BREACH] demo-perps insurance fund at 72.0% of required reserve',
      '[DATA] demo-perps market data degraded: 1 flag: MISSING SOL-PERP',
    ]);
  });

  it('waits for the lease of a deliverer that died holding an item, then delivers it once', async () => {
    const store = await freshStore();
    snsEndpoint();
    await store.enqueue([coverage]);
    const t0 = Date.parse('2026-11-22T04:00:00.000Z');
    // A deliverer claimed the item and was killed before publishing.
    expect(await store.claim(coverage, { owner: 'dead', untilMs: t0 + 120_000 }, t0)).toBe(true);

    const during = await deliver(store, [snsNotifier()], 'demo-perps', {
      owner: 'next',
      now: () => new Date(t0 + 60_000),
    });
    const after = await deliver(store, [snsNotifier()], 'demo-perps', {
      owner: 'next',
      now: () => new Date(t0 + 121_000),
    });

    expect({ sent: during.sent, left: during.left }).toEqual({ sent: 0, left: 1 });
    expect({ sent: after.sent, left: after.left }).toEqual({ sent: 1, left: 0 });
    expect(accepted).toEqual(['[BREACH] demo-perps insurance fund at 72.0% of required reserve']);
  });

  it('delivers and acknowledges each channel apart: a failing channel holds back only itself', async () => {
    const store = await freshStore();
    snsEndpoint();
    const published: string[] = [];
    const webhook: Notifier = {
      channel: 'webhook',
      publish: async () => {
        throw new Error('webhook down');
      },
    };
    const console: Notifier = {
      channel: 'console',
      publish: async (item) => {
        published.push(`${item.channel} ${item.messageId}`);
      },
    };
    await store.enqueue([
      { ...coverage, channel: 'console' },
      { ...coverage, channel: 'webhook' },
    ]);

    const report = await deliver(store, [webhook, console], 'demo-perps', DELIVERER);

    expect({ sent: report.sent, failed: report.failed }).toEqual({ sent: 1, failed: 1 });
    expect(published).toEqual(['console demo-perps/2026-11-22T04:00:00.000Z/COVERAGE/BREACH']);
    expect((await store.pending('demo-perps')).map((i) => i.channel)).toEqual(['webhook']);
  });

  it('keeps a delivered item as a tombstone, so enqueueing it again sends nothing, and prunes it after a day', async () => {
    const store = await freshStore();
    snsEndpoint();
    await store.enqueue([coverage]);
    await deliver(store, [snsNotifier()], 'demo-perps', DELIVERER);

    expect(await store.enqueue([coverage])).toEqual({ enqueued: [] });
    expect(await store.pending('demo-perps')).toEqual([]);
    expect(await store.prune('demo-perps', Date.now() - 60_000)).toBe(0);
    expect(await store.prune('demo-perps', Date.now() + 60_000)).toBe(1);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('leaves an item of a channel not configured here for a deliverer that has it', async () => {
    const store = await freshStore();
    snsEndpoint();
    await store.enqueue([{ ...coverage, channel: 'pagerduty' }]);

    const report = await deliver(store, [snsNotifier()], 'demo-perps', DELIVERER);

    expect({ sent: report.sent, left: report.left }).toEqual({ sent: 0, left: 1 });
    expect((await store.pending('demo-perps')).map((i) => i.channel)).toEqual(['pagerduty']);
  });
});
