/**
 * The configured alert channels in the whole alert step: the pipeline on dynalite with the replay
 * venues, the SNS notifier plus PagerDuty, Telegram and a signed webhook built from the fund's
 * `alerts.channels`, their secrets read through a fake SSM endpoint and their messages received by a
 * local HTTP server — all on 127.0.0.1. Each body is compared with the renderer's output for the
 * very outbox item (the renderers' exact texts are pinned in channels.test.ts).
 */
import { createHmac } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AlertChannel } from '../../../lambda/config/alert-channels.ts';
import type { FundConfig } from '../../../lambda/config/fund-config.ts';
import { type ReplayServer, startReplayServer } from '../../../lambda/ingest/replay/replay-server.ts';
import { ssmSecretReader } from '../../../lambda/notify/channel-secrets.ts';
import { channelNotifiers } from '../../../lambda/notify/configured-channels.ts';
import type { RetryPolicy } from '../../../lambda/notify/http-channel.ts';
import { pagerDutyEvent } from '../../../lambda/notify/pagerduty-notifier.ts';
import { telegramMessage } from '../../../lambda/notify/telegram-notifier.ts';
import { webhookPayload } from '../../../lambda/notify/webhook-notifier.ts';
import type { Notifier } from '../../../lambda/pipeline/ports.ts';
import { runPipeline } from '../../../lambda/pipeline/run-pipeline.ts';
import type { OutboxItem } from '../../../lambda/run/notification.ts';
import { DynamoSnapshotStore } from '../../../lambda/store/dynamo-snapshot-store.ts';
import { type ChannelServer, startChannelServer } from '../../support/channel-server.ts';
import { startTestDynamo, type TestDynamo } from '../../support/dynalite.ts';
import { type FakeSsm, startFakeSsm } from '../../support/fake-ssm.ts';
import { addMinutes, alertingDemoFund, replaySource, testClock } from '../pipeline/support.ts';

const T0 = '2026-11-22T00:00:00.000Z';
const T1 = addMinutes(T0, 15);
const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefabcdef';
const BOT_TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const SIGNING_KEY = 'whsec_5f2b8c1e9a7d4f60b3c2a1e8d7f6c5b4';
const CHAT_ID = '-1001234567890';
const CHANNELS: AlertChannel[] = [
  { type: 'pagerduty', routingKey: { ssmParameter: '/backstop/test/pagerduty-routing-key' } },
  { type: 'telegram', botToken: { secretsManager: 'backstop/test/telegram-bot' }, chatId: CHAT_ID },
  {
    type: 'webhook',
    name: 'risk-hook',
    url: 'PLACEHOLDER',
    secret: { ssmParameter: '/backstop/test/webhook-key' },
  },
];
const SECRETS = {
  '/backstop/test/pagerduty-routing-key': ROUTING_KEY,
  '/aws/reference/secretsmanager/backstop/test/telegram-bot': BOT_TOKEN,
  '/backstop/test/webhook-key': SIGNING_KEY,
};
/** Retries that do not wait. */
const instant: RetryPolicy = { attempts: 3, backoffMs: () => 1, maxWaitMs: 5_000, sleep: async () => {} };

describe('configured alert channels on the outbox', () => {
  let dynamo: TestDynamo;
  let replay: ReplayServer;
  let server: ChannelServer;
  let ssm: FakeSsm;
  let config: FundConfig;
  let store: DynamoSnapshotStore;
  /** The items the SNS channel published: the same notifications every channel got. */
  let snsItems: OutboxItem[];
  let notifiers: Notifier[];

  beforeAll(async () => {
    [dynamo, replay, server, ssm] = await Promise.all([
      startTestDynamo(),
      startReplayServer(),
      startChannelServer(),
      startFakeSsm(SECRETS),
    ]);
    const base = await alertingDemoFund();
    const channels = CHANNELS.map((c) =>
      c.type === 'webhook' ? { ...c, url: `${server.base}/hooks/risk` } : c,
    );
    // Few paths: these runs are about delivery, not the tail.
    config = { ...base, model: { ...base.model, paths: 2000 }, alerts: { ...base.alerts, channels } };
  });
  afterAll(async () => {
    await Promise.all([server.close(), ssm.close(), replay.close()]);
    await dynamo.close();
  });
  beforeEach(async () => {
    store = new DynamoSnapshotStore({ tableName: await dynamo.newTable(), client: dynamo.client });
    server.reset();
    ssm.reads.length = 0;
    snsItems = [];
    const ssmClient = new SSMClient({
      endpoint: ssm.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const sns: Notifier = { channel: 'sns', publish: async (item) => void snsItems.push(item) };
    notifiers = [
      sns,
      ...channelNotifiers(config, {
        secrets: ssmSecretReader(() => ssmClient),
        endpoints: { pagerdutyUrl: `${server.base}/v2/enqueue`, telegramApiUrl: server.base },
        retry: instant,
      }),
    ];
  });

  const run = (asOf: string, runId: string, fund: FundConfig = config) =>
    runPipeline({
      config: fund,
      asOf,
      runId,
      source: replaySource(replay),
      store,
      notifiers,
      clock: testClock(asOf),
    });
  /** The demo fund with a balance far above any requirement: the next run recovers. */
  const recovered = (): FundConfig => ({ ...config, balance: { type: 'static', amountUsd: 1e12 } });

  it('sends a BREACH on every channel once, and resolves the PagerDuty incident on recovery', async () => {
    const first = await run(T0, 'breach');
    expect(first.outcome.notifications.decided.map((n) => n.kind)).toEqual(['COVERAGE']);
    expect(first.outcome.notifications).toMatchObject({ sent: 4, failed: 0 });
    const [breach] = snsItems;
    if (breach === undefined) throw new Error('no SNS item');

    expect(server.to('/v2/enqueue').map((r) => r.body)).toEqual([pagerDutyEvent(breach, ROUTING_KEY)]);
    expect(server.to('/v2/enqueue')[0]?.body).toMatchObject({
      event_action: 'trigger',
      dedup_key: 'demo-perps/COVERAGE',
      payload: { severity: 'critical', class: 'COVERAGE', component: 'demo-perps' },
    });
    expect(server.to('/bot').map((r) => [r.path, r.body])).toEqual([
      [`/bot${BOT_TOKEN}/sendMessage`, telegramMessage(breach, CHAT_ID)],
    ]);
    const hooks = server.to('/hooks/risk');
    expect(hooks.map((r) => r.raw)).toEqual([JSON.stringify(webhookPayload(breach))]);
    expect(hooks[0]?.headers['x-backstop-signature-256']).toBe(
      `sha256=${createHmac('sha256', SIGNING_KEY)
        .update(hooks[0]?.raw ?? '')
        .digest('hex')}`,
    );

    server.reset();
    const second = await run(T1, 'recovery', recovered());
    expect(second.outcome.notifications.decided.map((n) => `${n.kind}:${n.status}`)).toEqual(['RECOVERY:OK']);
    expect(server.to('/v2/enqueue').map((r) => r.body)).toEqual([
      { routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: 'demo-perps/COVERAGE' },
    ]);
    const recovery = snsItems[1];
    if (recovery === undefined) throw new Error('no SNS recovery item');
    expect(server.to('/bot').map((r) => r.body)).toEqual([telegramMessage(recovery, CHAT_ID)]);
    expect(server.to('/hooks/risk').map((r) => r.raw)).toEqual([JSON.stringify(webhookPayload(recovery))]);
    // Each secret read once for both runs (cached), by its SSM name, in delivery order (channel name).
    expect(ssm.reads).toEqual([
      '/backstop/test/pagerduty-routing-key',
      '/backstop/test/webhook-key',
      '/aws/reference/secretsmanager/backstop/test/telegram-bot',
    ]);
    expect(await store.pending('demo-perps')).toEqual([]);
  });

  it('lets a channel that is down hold back only itself, and catches it up in order on the next run', async () => {
    server.always('/bot', {
      status: 500,
      body: '{"ok":false,"error_code":500,"description":"Internal Server Error"}',
    });
    const first = await run(T0, 'telegram-down');
    expect(first.outcome.notifications).toMatchObject({ sent: 3, failed: 1 });
    expect(first.outcome.steps.at(-1)?.detail).toBe('1 decided, 3 sent, 1 failed');
    expect(server.to('/bot')).toHaveLength(3); // three attempts, then left in the outbox
    expect(server.to('/v2/enqueue')).toHaveLength(1);
    expect(server.to('/hooks/risk')).toHaveLength(1);
    expect((await store.pending('demo-perps')).map((i) => `${i.channel} ${i.messageId}`)).toEqual([
      `telegram demo-perps/${T0}/COVERAGE/BREACH`,
    ]);

    server.reset();
    const second = await run(T1, 'telegram-back', recovered());
    // Telegram gets the held-back BREACH first, then the RECOVERY; nobody gets anything twice.
    const [breach, recovery] = snsItems;
    if (breach === undefined || recovery === undefined) throw new Error('SNS items missing');
    expect(server.to('/bot').map((r) => r.body)).toEqual([
      telegramMessage(breach, CHAT_ID),
      telegramMessage(recovery, CHAT_ID),
    ]);
    expect(server.to('/v2/enqueue').map((r) => (r.body as { event_action: string }).event_action)).toEqual([
      'resolve',
    ]);
    expect(server.to('/hooks/risk')).toHaveLength(1);
    expect(second.outcome.notifications).toMatchObject({ sent: 5, failed: 0 });
    expect(snsItems.map((i) => i.messageId)).toEqual([
      `demo-perps/${T0}/COVERAGE/BREACH`,
      `demo-perps/${T1}/RECOVERY/OK`,
    ]);
  });

  it('keeps a channel whose secret cannot be read in the outbox, naming the reference and not a value', async () => {
    const partial = await startFakeSsm({
      '/backstop/test/pagerduty-routing-key': ROUTING_KEY,
      '/aws/reference/secretsmanager/backstop/test/telegram-bot': BOT_TOKEN,
    });
    try {
      const ssmClient = new SSMClient({
        endpoint: partial.endpoint,
        region: 'eu-west-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      });
      notifiers = [
        notifiers[0] as Notifier,
        ...channelNotifiers(config, {
          secrets: ssmSecretReader(() => ssmClient),
          endpoints: { pagerdutyUrl: `${server.base}/v2/enqueue`, telegramApiUrl: server.base },
          retry: instant,
        }),
      ];
      const { outcome } = await run(T0, 'no-signing-key');
      expect(outcome.notifications).toMatchObject({ sent: 3, failed: 1 });
      expect(server.to('/hooks/risk')).toEqual([]);
      const [left] = await store.pending('demo-perps');
      expect(left?.channel).toBe('risk-hook');
      const raw = await dynamo.client.send(
        new QueryCommand({
          TableName: store.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
          ExpressionAttributeValues: { ':pk': { S: 'FUND#demo-perps' }, ':sk': { S: 'OUTBOX#' } },
        }),
      );
      const lastError = raw.Items?.find((i) => i.channel?.S === 'risk-hook')?.lastError?.S;
      expect(lastError).toBe(
        'secret /backstop/test/webhook-key: Parameter /backstop/test/webhook-key not found.',
      );
    } finally {
      await partial.close();
    }
  });
});
