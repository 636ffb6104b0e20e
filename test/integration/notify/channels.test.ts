/**
 * PagerDuty, Telegram and the JSON webhook against a real HTTP server on 127.0.0.1 that records
 * every request: the exact bodies, URLs and headers each channel sends, what counts as accepted,
 * and that no secret leaks into an error.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChannelDeliveryError } from '../../../lambda/notify/http-channel.ts';
import { PagerDutyNotifier } from '../../../lambda/notify/pagerduty-notifier.ts';
import { TelegramNotifier } from '../../../lambda/notify/telegram-notifier.ts';
import { WebhookNotifier } from '../../../lambda/notify/webhook-notifier.ts';
import { outboxItem } from '../../unit/alert/result-fixtures.ts';

interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

let server: ReturnType<typeof createServer>;
let base: string;
let requests: Recorded[];
/** The answer of the next request: status and body. */
let answer: { status: number; body: string };

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (c) => {
      text += c;
    });
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(text),
      });
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  requests = [];
  answer = { status: 202, body: '{"status":"success","message":"Event processed","dedup_key":"x"}' };
});

const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefabcdef';
const BOT_TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const secret = (value: string) => async () => value;

describe('PagerDuty (Events API v2)', () => {
  const pagerduty = () =>
    new PagerDutyNotifier({ routingKey: secret(ROUTING_KEY), url: `${base}/v2/enqueue` });

  it('triggers a critical alert on a BREACH, deduplicated per fund and kind', async () => {
    await pagerduty().publish(outboxItem());
    expect(requests).toHaveLength(1);
    expect(requests[0]?.path).toBe('/v2/enqueue');
    expect(requests[0]?.headers['content-type']).toBe('application/json');
    expect(requests[0]?.body).toEqual({
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
          worst_stress: '2020-03-12 worst hour, loss $120M',
          change:
            'since 2026-11-22T03:45:00.000Z (WARN): coverage 80.0% -> 72.0% (-8.0 pp); required $180M -> $200M; balance $144M -> $144M',
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
    expect(requests[0]?.body).toMatchObject({
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
    expect(requests.map((r) => r.body)).toEqual([
      { routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: 'demo-perps/COVERAGE' },
      { routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: 'demo-perps/DATA' },
    ]);
  });

  it('pages nobody for any other INFO notification', async () => {
    await pagerduty().publish(
      outboxItem({ kind: 'GROWTH', severity: 'INFO', status: 'OK', reason: 'growth' }),
    );
    expect(requests).toEqual([]);
  });

  it('throws on a refusal, naming the status, with the routing key masked', async () => {
    answer = {
      status: 400,
      body: `{"status":"invalid event","message":"routing key ${ROUTING_KEY} unknown"}`,
    };
    const act = pagerduty().publish(outboxItem());
    await expect(act).rejects.toThrow(ChannelDeliveryError);
    await expect(pagerduty().publish(outboxItem())).rejects.toThrow(
      'pagerduty: HTTP 400 ({"status":"invalid event","message":"routing key *** unknown"})',
    );
  });
});

describe('Telegram (Bot API sendMessage)', () => {
  const telegram = () =>
    new TelegramNotifier({ botToken: secret(BOT_TOKEN), chatId: '-1001234567890', apiUrl: base });

  it('sends the subject and the facts as plain text to the chat', async () => {
    answer = { status: 200, body: '{"ok":true,"result":{"message_id":7}}' };
    await telegram().publish(outboxItem());
    expect(requests[0]?.path).toBe(`/bot${BOT_TOKEN}/sendMessage`);
    expect(requests[0]?.body).toEqual({
      chat_id: '-1001234567890',
      disable_web_page_preview: true,
      text: [
        '[BREACH] demo-perps insurance fund at 72.0% of required reserve',
        '',
        'Coverage 72.0%: balance $144M vs required $200M (shortfall $56.0M)',
        'Top contributors: BTC-PERP $90.0M (56%), ETH-PERP $50.0M (31%), SOL-PERP $20.0M (13%)',
        'Worst stress: 2020-03-12 worst hour, loss $120M',
        'Change since 2026-11-22T03:45:00.000Z (WARN): coverage 80.0% -> 72.0% (-8.0 pp); required $180M -> $200M; balance $144M -> $144M',
        'Snapshot: FUND#demo-perps / SNAP#2026-11-22T04:00:00.000Z',
        '',
        '- Top up the fund by $56.0M or reduce exposure in BTC-PERP.',
        '- Or raise insurance fees by 1.30 bps of volume to close the gap in 30 days.',
        '- Audit the run: backstop replay --fund demo-perps --as-of 2026-11-22T04:00:00.000Z',
      ].join('\n'),
    });
  });

  it('throws on a refusal without the bot token in the message', async () => {
    answer = { status: 403, body: '{"ok":false,"error_code":403,"description":"Forbidden: bot was kicked"}' };
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
    answer = { status: 204, body: '' };
    await new WebhookNotifier({ url: async () => url() }).publish(outboxItem());
    expect(requests[0]?.path).toBe('/hooks/backstop?token=s3cr3t-token');
    expect(requests[0]?.headers['x-backstop-message-id']).toBe(
      'demo-perps/2026-11-22T04:00:00.000Z/COVERAGE/BREACH',
    );
    expect(requests[0]?.body).toEqual({
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
    answer = { status: 503, body: `upstream ${url()} down` };
    await expect(new WebhookNotifier({ url: async () => url() }).publish(outboxItem())).rejects.toThrow(
      'webhook: HTTP 503 (upstream *** down)',
    );
    requests = [];
    await expect(
      new WebhookNotifier({ url: async () => 'http://hooks.example.com/x?token=abc' }).publish(outboxItem()),
    ).rejects.toThrow('webhook: no answer (the configured URL is not an https URL without credentials)');
    expect(requests).toEqual([]);
  });
});
