/**
 * PagerDuty, Telegram and the JSON webhook against a real HTTP server on 127.0.0.1 that records
 * every request: the exact bodies, URLs and headers each channel sends, the signature of a signed
 * webhook, what counts as accepted, which answers are tried again (429, 5xx) and which not, and that
 * no secret leaks into an error. docs/ALERTS.md shows the same bodies (checked at the end).
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChannelDeliveryError, type RetryPolicy } from '../../../lambda/notify/http-channel.ts';
import { PagerDutyNotifier, pagerDutyEvent } from '../../../lambda/notify/pagerduty-notifier.ts';
import { TelegramNotifier, telegramMessage } from '../../../lambda/notify/telegram-notifier.ts';
import { WebhookNotifier, webhookPayload } from '../../../lambda/notify/webhook-notifier.ts';
import { type ChannelServer, startChannelServer } from '../../support/channel-server.ts';
import { outboxItem } from '../../unit/alert/result-fixtures.ts';

let server: ChannelServer;
let base: string;
/** The pauses the retry policy took, in ms. */
let waits: number[];
const retry: RetryPolicy = {
  attempts: 3,
  backoffMs: (attempt) => 500 * 2 ** (attempt - 1),
  maxWaitMs: 5_000,
  sleep: async (ms) => {
    waits.push(ms);
  },
};

beforeAll(async () => {
  server = await startChannelServer();
  base = server.base;
});
afterAll(() => server.close());
beforeEach(() => {
  server.reset();
  waits = [];
  server.always('/v2/enqueue', {
    status: 202,
    body: '{"status":"success","message":"Event processed","dedup_key":"x"}',
  });
});

/** The requests so far, as the old assertions read them. */
const requests = () => server.requests;
const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefabcdef';
const BOT_TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const secret = (value: string) => async () => value;

describe('PagerDuty (Events API v2)', () => {
  const pagerduty = () =>
    new PagerDutyNotifier({ routingKey: secret(ROUTING_KEY), url: `${base}/v2/enqueue`, retry });

  it('triggers a critical alert on a BREACH, deduplicated per fund and kind', async () => {
    await pagerduty().publish(outboxItem());
    expect(requests()).toHaveLength(1);
    expect(requests()[0]?.path).toBe('/v2/enqueue');
    expect(requests()[0]?.headers['content-type']).toBe('application/json');
    expect(requests()[0]?.body).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: 'demo-perps/COVERAGE',
      payload: {
        summary: '[BREACH] demo-perps insurance fund at 72.0% of required reserve',
        source: 'backstop',
        severity: 'critical',
        timestamp: '2026-11-22T04:00:00.000Z',
        component: 'demo-perps',
        group: 'insurance-fund',
        class: 'COVERAGE',
        custom_details: {
          status: 'BREACH',
          reason: 'status-change',
          coverage: '72.0%',
          balance: '$144M',
          required: '$200M',
          shortfall: '$56.0M',
          data: null,
          why: 'Required $200M = (1 + 25% buffer) × $160M, the largest of ES 99.9% $160M, worst stress $120M and cover-2 (not configured)',
          set_by: 'Set by the Monte Carlo expected shortfall (the mean loss of the worst tail scenarios)',
          binding_loss_by_market: 'BTC-PERP $90.0M (56%), ETH-PERP $50.0M (31%), SOL-PERP $20.0M (13%)',
          change:
            'since 2026-11-22 03:45 UTC (WARN): coverage 80.0% -> 72.0% (-8.0 pp); required $180M -> $200M; balance $144M -> $144M',
          snapshot: 'FUND#demo-perps / SNAP#2026-11-22T04:00:00.000Z',
          message_id: 'demo-perps/2026-11-22T04:00:00.000Z/COVERAGE/BREACH',
        },
      },
    });
  });

  it('triggers a warning on a WARN drawdown under its own dedup key', async () => {
    await pagerduty().publish(
      outboxItem({
        kind: 'DRAWDOWN',
        severity: 'WARN',
        status: 'WARN',
        reason: 'drawdown',
        headline: 'fell 12%',
      }),
    );
    expect(requests()[0]?.body).toMatchObject({
      event_action: 'trigger',
      dedup_key: 'demo-perps/DRAWDOWN',
      payload: { severity: 'warning', class: 'DRAWDOWN', summary: '[DRAWDOWN WARN] fell 12%' },
    });
  });

  it('resolves the coverage incident on RECOVERY, and the data incident when data is back', async () => {
    await pagerduty().publish(
      outboxItem({ kind: 'RECOVERY', severity: 'INFO', status: 'OK', reason: 'recovery' }),
    );
    await pagerduty().publish(
      outboxItem({ kind: 'DATA', severity: 'INFO', status: 'OK', reason: 'recovery' }),
    );
    expect(requests().map((r) => r.body)).toEqual([
      { routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: 'demo-perps/COVERAGE' },
      { routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: 'demo-perps/DATA' },
    ]);
  });

  it('pages nobody for any other INFO notification', async () => {
    await pagerduty().publish(
      outboxItem({ kind: 'GROWTH', severity: 'INFO', status: 'OK', reason: 'growth' }),
    );
    expect(requests()).toEqual([]);
  });

  it('throws on a refusal, naming the status, with the routing key masked', async () => {
    server.always('/v2/enqueue', {
      status: 400,
      body: `{"status":"invalid event","message":"routing key ${ROUTING_KEY} unknown"}`,
    });
    const act = pagerduty().publish(outboxItem());
    await expect(act).rejects.toThrow(ChannelDeliveryError);
    await expect(pagerduty().publish(outboxItem())).rejects.toThrow(
      'pagerduty: HTTP 400 ({"status":"invalid event","message":"routing key *** unknown"})',
    );
  });
});

describe('Telegram (Bot API sendMessage)', () => {
  const telegram = () =>
    new TelegramNotifier({ botToken: secret(BOT_TOKEN), chatId: '-1001234567890', apiUrl: base, retry });

  it('sends the subject and the facts as plain text to the chat', async () => {
    server.script('/bot', { status: 200, body: '{"ok":true,"result":{"message_id":7}}' });
    await telegram().publish(outboxItem());
    expect(requests()[0]?.path).toBe(`/bot${BOT_TOKEN}/sendMessage`);
    expect(requests()[0]?.body).toEqual({
      chat_id: '-1001234567890',
      disable_web_page_preview: true,
      text: [
        '[BREACH] demo-perps insurance fund at 72.0% of required reserve',
        '',
        'Coverage 72.0%: balance $144M vs required $200M (shortfall $56.0M)',
        'Required $200M = (1 + 25% buffer) × $160M, the largest of ES 99.9% $160M, worst stress $120M and cover-2 (not configured)',
        'Set by the Monte Carlo expected shortfall (the mean loss of the worst tail scenarios)',
        'Its loss by market: BTC-PERP $90.0M (56%), ETH-PERP $50.0M (31%), SOL-PERP $20.0M (13%)',
        'Change since 2026-11-22 03:45 UTC (WARN): coverage 80.0% -> 72.0% (-8.0 pp); required $180M -> $200M; balance $144M -> $144M',
        'Snapshot: FUND#demo-perps / SNAP#2026-11-22T04:00:00.000Z',
        '',
        '- Restore coverage: top up the fund by $56.0M, or raise insurance fees by 1.30 bps of traded volume to collect it in 30 days.',
        '- Lower the requirement where it comes from: BTC-PERP carries 56% ($90.0M) of the loss in the expected shortfall; cutting it lowers the requirement, but worst stress ($120M) would then set it above the balance.',
        '- Audit the run: backstop replay --fund demo-perps --as-of 2026-11-22T04:00:00.000Z',
      ].join('\n'),
    });
  });

  it('throws on a refusal without the bot token in the message', async () => {
    server.always('/bot', {
      status: 403,
      body: '{"ok":false,"error_code":403,"description":"Forbidden: bot was kicked"}',
    });
    const error = await telegram()
      .publish(outboxItem())
      .catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(ChannelDeliveryError);
    expect((error as Error).message).toBe(
      'telegram: HTTP 403 ({"ok":false,"error_code":403,"description":"Forbidden: bot was kicked"})',
    );
    expect((error as Error).message).not.toContain(BOT_TOKEN);
  });
});

describe('JSON webhook', () => {
  const url = () => `${base}/hooks/backstop?token=s3cr3t-token`;

  it('posts the notification and its numbers, with the message id in a header', async () => {
    server.script('/hooks', { status: 204 });
    await new WebhookNotifier({ url: async () => url(), retry }).publish(outboxItem());
    expect(requests()[0]?.path).toBe('/hooks/backstop?token=s3cr3t-token');
    expect(requests()[0]?.headers['x-backstop-message-id']).toBe(
      'demo-perps/2026-11-22T04:00:00.000Z/COVERAGE/BREACH',
    );
    expect(requests()[0]?.body).toEqual({
      version: 1,
      messageId: 'demo-perps/2026-11-22T04:00:00.000Z/COVERAGE/BREACH',
      fundId: 'demo-perps',
      asOf: '2026-11-22T04:00:00.000Z',
      kind: 'COVERAGE',
      severity: 'BREACH',
      status: 'BREACH',
      reason: 'status-change',
      subject: '[BREACH] demo-perps insurance fund at 72.0% of required reserve',
      headline: 'demo-perps insurance fund at 72.0% of required reserve',
      coverageRatio: 0.72,
      fundBalanceUsd: 1.44e8,
      requiredReserveUsd: 2e8,
      shortfallUsd: 5.6e7,
      snapshotKey: 'FUND#demo-perps / SNAP#2026-11-22T04:00:00.000Z',
    });
  });

  it('throws on a 5xx with the URL masked, and refuses a plain-http URL to another host unsent', async () => {
    server.always('/hooks', { status: 503, body: `upstream ${url()} down` });
    await expect(
      new WebhookNotifier({ url: async () => url(), retry }).publish(outboxItem()),
    ).rejects.toThrow('webhook: HTTP 503 (upstream *** down; 3 attempts)');
    server.reset();
    await expect(
      new WebhookNotifier({ url: async () => 'http://hooks.example.com/x?token=abc' }).publish(outboxItem()),
    ).rejects.toThrow(
      'webhook: no answer (the configured URL is not an https URL without credentials to a public host)',
    );
    expect(requests()).toEqual([]);
  });
});

describe('signed webhook', () => {
  const SIGNING_KEY = 'whsec_5f2b8c1e9a7d4f60b3c2a1e8d7f6c5b4';

  it('signs the exact body bytes with HMAC-SHA256 under the key, verifiable by the receiver', async () => {
    server.script('/hooks', { status: 200 });
    await new WebhookNotifier({
      url: async () => `${base}/hooks/risk`,
      signingKey: secret(SIGNING_KEY),
      retry,
    }).publish(outboxItem());
    const [request] = requests();
    // What a receiver does: HMAC of the bytes it received, compared with the header.
    const expected = `sha256=${createHmac('sha256', SIGNING_KEY)
      .update(request?.raw ?? '')
      .digest('hex')}`;
    expect(request?.headers['x-backstop-signature-256']).toBe(expected);
    expect(request?.raw).toBe(JSON.stringify(webhookPayload(outboxItem())));
    expect(request?.headers['x-backstop-message-id']).toBe(
      'demo-perps/2026-11-22T04:00:00.000Z/COVERAGE/BREACH',
    );
  });

  it('sends no signature header without a key, and keeps the key out of errors', async () => {
    server.script('/hooks', { status: 204 }, { status: 400, body: `bad signature for ${SIGNING_KEY}` });
    await new WebhookNotifier({ url: async () => `${base}/hooks/a`, retry }).publish(outboxItem());
    expect(requests()[0]?.headers['x-backstop-signature-256']).toBeUndefined();
    const signed = new WebhookNotifier({
      url: async () => `${base}/hooks/a`,
      signingKey: secret(SIGNING_KEY),
      retry,
    });
    await expect(signed.publish(outboxItem())).rejects.toThrow('webhook: HTTP 400 (bad signature for ***)');
  });
});

describe('retries within a delivery', () => {
  const pagerduty = () =>
    new PagerDutyNotifier({ routingKey: secret(ROUTING_KEY), url: `${base}/v2/enqueue`, retry });

  it('tries a 5xx again after the backoff and delivers the same body', async () => {
    server.script('/v2/enqueue', { status: 502, body: 'bad gateway' }, { status: 500, body: 'oops' });
    await pagerduty().publish(outboxItem());
    expect(requests().map((r) => r.raw)).toEqual([
      JSON.stringify(pagerDutyEvent(outboxItem(), ROUTING_KEY)),
      JSON.stringify(pagerDutyEvent(outboxItem(), ROUTING_KEY)),
      JSON.stringify(pagerDutyEvent(outboxItem(), ROUTING_KEY)),
    ]);
    expect(waits).toEqual([500, 1000]);
  });

  it('waits as long as a 429 asks (Retry-After, or Telegram retry_after), and gives up past 5 s', async () => {
    server.script('/v2/enqueue', {
      status: 429,
      body: '{"status":"throttle"}',
      headers: { 'retry-after': '2' },
    });
    await pagerduty().publish(outboxItem());
    expect(waits).toEqual([2000]);

    waits = [];
    server.script('/bot', {
      status: 429,
      body: '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}}',
    });
    await new TelegramNotifier({
      botToken: secret(BOT_TOKEN),
      chatId: '@backstop_risk',
      apiUrl: base,
      retry,
    }).publish(outboxItem());
    expect(waits).toEqual([3000]);
    expect(server.to('/bot')).toHaveLength(2);

    server.reset();
    waits = [];
    server.script('/v2/enqueue', {
      status: 429,
      body: '{"status":"throttle"}',
      headers: { 'retry-after': '60' },
    });
    const error = (await pagerduty()
      .publish(outboxItem())
      .catch((e: unknown) => e)) as ChannelDeliveryError;
    expect(error.message).toBe('pagerduty: HTTP 429 ({"status":"throttle"})');
    expect(error.channelWide).toBe(true);
    expect(waits).toEqual([]);
    expect(requests()).toHaveLength(1);
  });

  it('gives up after three 5xx answers, and never tries a 400 again', async () => {
    server.always('/v2/enqueue', { status: 503, body: 'maintenance' });
    const down = (await pagerduty()
      .publish(outboxItem())
      .catch((e: unknown) => e)) as ChannelDeliveryError;
    expect([down.message, down.status, down.channelWide]).toEqual([
      'pagerduty: HTTP 503 (maintenance; 3 attempts)',
      503,
      true,
    ]);
    expect(requests()).toHaveLength(3);

    server.reset();
    server.always('/v2/enqueue', { status: 400, body: '{"status":"invalid event"}' });
    const bad = (await pagerduty()
      .publish(outboxItem())
      .catch((e: unknown) => e)) as ChannelDeliveryError;
    expect([bad.message, bad.channelWide]).toEqual([
      'pagerduty: HTTP 400 ({"status":"invalid event"})',
      false,
    ]);
    expect(requests()).toHaveLength(1);
  });
});

describe('docs/ALERTS.md', () => {
  const doc = readFileSync(resolve(import.meta.dirname, '../../../docs/ALERTS.md'), 'utf8');

  it('shows the exact PagerDuty trigger and resolve, Telegram message and webhook body', () => {
    const trigger = pagerDutyEvent(outboxItem(), '<from SSM>');
    const resolveEvent = pagerDutyEvent(
      outboxItem({ kind: 'RECOVERY', severity: 'INFO', status: 'OK', reason: 'recovery' }),
      '<from SSM>',
    );
    const telegram = telegramMessage(outboxItem(), '-1001234567890');
    expect(doc).toContain(`\`\`\`json\n${JSON.stringify(trigger, null, 2)}\n\`\`\``);
    expect(doc).toContain(`\`${JSON.stringify(resolveEvent)}\``);
    expect(doc).toContain(`\`\`\`json\n${JSON.stringify({ ...telegram, text: '…' })}\n\`\`\``);
    expect(doc).toContain(`\`\`\`\n${telegram.text}\n\`\`\``);
    expect(doc).toContain(`\`\`\`json\n${JSON.stringify(webhookPayload(outboxItem()), null, 2)}\n\`\`\``);
  });
});
