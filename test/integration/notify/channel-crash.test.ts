/**
 * Exactly once across a crash between two channels: the real CLI (`backstop run`, a child process)
 * with SNS, PagerDuty, Telegram and a signed webhook, against the DynamoDB proxy, the fake SNS, a
 * fake SSM for the secrets and a local channel server — all on 127.0.0.1. The CLI is killed (-9)
 * when it claims its first Telegram outbox item: PagerDuty and SNS have their messages and
 * acknowledgements by then, Telegram and the webhook nothing. The retry of the tick sends Telegram
 * and the webhook theirs and nobody a second one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../../faults/harness.ts';
import { type ChannelServer, startChannelServer } from '../../support/channel-server.ts';
import { type FakeSsm, startFakeSsm } from '../../support/fake-ssm.ts';

const T0 = '2026-11-22T04:00:00.000Z';

describe('a crash between channels', () => {
  let h: Harness;
  let server: ChannelServer;
  let ssm: FakeSsm;
  let fund: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    [h, server, ssm] = await Promise.all([
      startHarness(),
      startChannelServer(),
      startFakeSsm({
        '/backstop/test/pagerduty-routing-key': 'R0UT1NGKEY0123456789abcdefabcdef',
        '/aws/reference/secretsmanager/backstop/test/telegram-bot':
          '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
        '/backstop/test/webhook-key': 'whsec_5f2b8c1e9a7d4f60b3c2a1e8d7f6c5b4',
      }),
    ]);
    fund = h.writeFund('channels', (c) => {
      (c.alerts as Record<string, unknown>).channels = [
        { type: 'pagerduty', routingKey: { ssmParameter: '/backstop/test/pagerduty-routing-key' } },
        {
          type: 'telegram',
          botToken: { secretsManager: 'backstop/test/telegram-bot' },
          chatId: '-1001234567890',
        },
        {
          type: 'webhook',
          url: `${server.base}/hooks/risk`,
          secret: { ssmParameter: '/backstop/test/webhook-key' },
        },
      ];
    });
    env = {
      AWS_ENDPOINT_URL_SSM: ssm.endpoint,
      BACKSTOP_PAGERDUTY_URL: `${server.base}/v2/enqueue`,
      BACKSTOP_TELEGRAM_API_URL: server.base,
    };
  }, 60_000);
  afterAll(async () => {
    await Promise.all([server?.close(), ssm?.close()]);
    await h?.close();
  });

  it('sends each channel its message exactly once when the run dies after the first channels', async () => {
    const table = await h.newTable();
    h.sns.published.length = 0;
    h.proxy.setRules([{ op: 'UpdateItem', bodyContains: '#telegram"', action: 'kill', times: 1 }]);

    const crashed = await h.run({ table, asOf: T0, fund, killable: true, env });

    expect(crashed.signal).toBe('SIGKILL');
    const messageIds = h.sns.published.map((p) => p.messageId);
    expect(messageIds).toHaveLength(1);
    const [id] = messageIds;
    expect(
      server
        .to('/v2/enqueue')
        .map(
          (r) =>
            (r.body as { payload: { custom_details: { message_id: string } } }).payload.custom_details
              .message_id,
        ),
    ).toEqual([id]);
    expect(server.to('/bot')).toEqual([]);
    expect(server.to('/hooks/risk')).toEqual([]);
    // What the dead run left: the Telegram and webhook items, unclaimed.
    expect((await h.store(table).pending('demo-perps')).map((i) => `${i.channel} ${i.messageId}`)).toEqual([
      `telegram ${id}`,
      `webhook ${id}`,
    ]);

    h.proxy.setRules([]);
    const retried = await h.run({ table, asOf: T0, fund, env });

    expect([retried.code, retried.stderr]).toEqual([0, '']);
    expect(h.sns.published.map((p) => p.messageId)).toEqual([id]);
    expect(server.to('/v2/enqueue')).toHaveLength(1);
    const [trigger] = server.to('/v2/enqueue');
    const summary = (trigger?.body as { payload: { summary: string } } | undefined)?.payload.summary;
    expect(server.to('/bot').map((r) => (r.body as { text: string }).text.split('\n')[0])).toEqual([summary]);
    expect(server.to('/hooks/risk').map((r) => (r.body as { messageId: string }).messageId)).toEqual([id]);
    expect(await h.store(table).pending('demo-perps')).toEqual([]);
  }, 120_000);
});
