/**
 * `alerts.channels` in a fund config: what is accepted, and the one line (exit 2 in the CLI) for
 * each mistake — in particular that a secret given in plain text is refused and never echoed.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FundConfigInput, FundConfigSchema } from '../../../lambda/config/fund-config.ts';
import { InvalidInputError, parseOrThrow } from '../../../lambda/model/validation.ts';

const DEMO = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../../config/funds/demo.json'), 'utf8'),
) as FundConfigInput;

const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefabcdef';

/** The demo fund with `channels` (and optionally `data`). */
function withChannels(channels: unknown, data?: Record<string, unknown>): unknown {
  return { ...DEMO, alerts: { ...DEMO.alerts, channels }, ...(data === undefined ? {} : { data }) };
}

/** The one-line message of a refused config. */
function refusal(input: unknown): string {
  try {
    parseOrThrow(FundConfigSchema, input, 'fund config prod.json');
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('alerts.channels', () => {
  it('accepts PagerDuty, Telegram and webhooks with secret references', () => {
    const channels = [
      { type: 'pagerduty', routingKey: { ssmParameter: '/backstop/prod/pagerduty-routing-key' } },
      {
        type: 'telegram',
        botToken: { secretsManager: 'backstop/prod/telegram-bot' },
        chatId: '-1001234567890',
      },
      {
        type: 'webhook',
        url: 'https://risk.example.com/hooks/backstop',
        secret: {
          ssmParameter: '/backstop/prod/webhook-signing-key',
          kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        },
      },
      {
        type: 'webhook',
        name: 'desk-bridge',
        url: { secretsManager: 'backstop/prod/desk-bridge-url', region: 'us-east-1' },
      },
    ];
    expect(FundConfigSchema.parse(withChannels(channels)).alerts.channels).toEqual(channels);
    expect(FundConfigSchema.parse(DEMO).alerts.channels).toBeUndefined();
  });

  it.each([
    [
      'a routing key in plain text',
      [{ type: 'pagerduty', routingKey: ROUTING_KEY }],
      'fund config prod.json: alerts.channels[0].routingKey: must be a secret reference ({"ssmParameter": "/name"} or {"secretsManager": "name or ARN"}), never the secret in plain text, got a string (not shown)',
    ],
    [
      'a bot token in plain text',
      [
        {
          type: 'telegram',
          botToken: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
          chatId: '@backstop_risk',
        },
      ],
      'fund config prod.json: alerts.channels[0].botToken: must be a secret reference ({"ssmParameter": "/name"} or {"secretsManager": "name or ARN"}), never the secret in plain text, got a string (not shown)',
    ],
    [
      'a signing key in plain text',
      [{ type: 'webhook', url: 'https://risk.example.com/hook', secret: 'whsec_abc' }],
      'fund config prod.json: alerts.channels[0].secret: must be a secret reference ({"ssmParameter": "/name"} or {"secretsManager": "name or ARN"}), never the secret in plain text, got a string (not shown)',
    ],
    [
      'a webhook URL with a token in its query',
      [{ type: 'webhook', url: 'https://risk.example.com/hook?token=s3cr3t' }],
      'fund config prod.json: alerts.channels[0].url: looks like it carries an API key (a query string or a key-like path segment): keep the URL in an SSM SecureString or Secrets Manager and give url as a secret reference instead, got (not shown)',
    ],
    [
      'a missing routing key',
      [{ type: 'pagerduty' }],
      'fund config prod.json: alerts.channels[0].routingKey: required: a secret reference ({"ssmParameter": "/name"} or {"secretsManager": "name or ARN"}), got nothing',
    ],
    [
      'a bad parameter name',
      [{ type: 'pagerduty', routingKey: { ssmParameter: 'no spaces allowed' } }],
      'fund config prod.json: alerts.channels[0].routingKey.ssmParameter: must be an SSM parameter name, got "no spaces allowed"',
    ],
    [
      'a bad KMS key',
      [{ type: 'pagerduty', routingKey: { ssmParameter: '/pd', kmsKeyArn: 'alias/backstop' } }],
      'fund config prod.json: alerts.channels[0].routingKey.kmsKeyArn: must be a KMS key ARN, got "alias/backstop"',
    ],
    [
      'an unknown channel type',
      [{ type: 'slack' }],
      `fund config prod.json: alerts.channels[0].type: Invalid discriminator value. Expected 'pagerduty' | 'telegram' | 'webhook', got "slack"`,
    ],
    [
      'a numeric chat id',
      [{ type: 'telegram', botToken: { ssmParameter: '/tg' }, chatId: -1001234567890 }],
      'fund config prod.json: alerts.channels[0].chatId: expected string, received number, got -1001234567890',
    ],
    [
      'two channels of one type without names',
      [
        { type: 'webhook', url: 'https://a.example.com/hook' },
        { type: 'webhook', url: 'https://b.example.com/hook' },
      ],
      'fund config prod.json: alerts.channels[1].type: channel webhook is configured twice (give each a distinct "name"), got "webhook"',
    ],
    [
      "the deployment's own channel name",
      [{ type: 'webhook', name: 'sns', url: 'https://a.example.com/hook' }],
      `fund config prod.json: alerts.channels[0].name: sns is the deployment's own channel, got "sns"`,
    ],
    [
      'a plain-http webhook',
      [{ type: 'webhook', url: 'http://risk.example.com/hook' }],
      'fund config prod.json: alerts.channels[0].url: expected an https URL (http only to a loopback host), got "http://risk.example.com/hook"',
    ],
    [
      'a private webhook host',
      [{ type: 'webhook', url: 'https://10.1.2.3/hook' }],
      'fund config prod.json: alerts.channels[0].url: 10.1.2.3 is a private address, refused unless allowPrivateNetwork is true, got "https://10.1.2.3/hook"',
    ],
  ])('refuses %s in one line without the secret', (_, channels, message) => {
    const text = refusal(withChannels(channels));
    expect(text).toBe(message);
    expect(text).not.toContain(ROUTING_KEY);
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain('whsec_abc');
  });

  it('admits a private webhook host when the fund allows private networks', () => {
    const config = FundConfigSchema.parse(
      withChannels([{ type: 'webhook', url: 'https://10.1.2.3/hook' }], { allowPrivateNetwork: true }),
    );
    expect(config.alerts.channels).toEqual([{ type: 'webhook', url: 'https://10.1.2.3/hook' }]);
  });
});
