/**
 * `alerts.channels` of a fund config: the push channels besides the SNS topic (email, Slack) —
 * PagerDuty, Telegram and generic JSON webhooks. Every secret (a routing key, a bot token, a signing
 * key, a webhook URL that carries a token) is only ever a reference to an SSM SecureString or a
 * Secrets Manager secret, read at run time; a plain value is refused without being echoed.
 */
import { z } from 'zod';
import { urlProblem } from '../ingest/http/safe-url.ts';
import { type SecretRef, SecretRefSchema, secretInUrl } from './secret-ref.ts';

/** Channel names the deployment uses itself (the topic, local runs): a configured channel may not take them. */
const RESERVED_CHANNELS: ReadonlySet<string> = new Set(['sns', 'console']);

/** What a secret reference looks like, for the one-line refusal. */
const SECRET_REF_SHAPE = '{"ssmParameter": "/name"} or {"secretsManager": "name or ARN"}';

/**
 * A secret: an SSM SecureString or Secrets Manager reference. A plain string is refused with a
 * message that says so and does not quote it (it would be the secret).
 */
export const SecretRefFieldSchema = z.union(SecretRefSchema.options, {
  error: (issue) =>
    typeof issue.input === 'string'
      ? `must be a secret reference (${SECRET_REF_SHAPE}), never the secret in plain text, got a string (not shown)`
      : issue.input === undefined
        ? `required: a secret reference (${SECRET_REF_SHAPE}), got nothing`
        : `must be a secret reference (${SECRET_REF_SHAPE}), got ${JSON.stringify(issue.input)}`,
});

/** A channel's own name (its outbox items carry it); defaults to the channel's type. */
const ChannelNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be lower-case letters, digits and dashes (at most 32)');

/** PagerDuty Events API v2: trigger on WARN/BREACH, resolve on recovery. */
export const PagerDutyChannelSchema = z.strictObject({
  type: z.literal('pagerduty'),
  name: ChannelNameSchema.optional(),
  /** The integration's routing key. */
  routingKey: SecretRefFieldSchema,
});

/** Telegram Bot API `sendMessage` to one chat. */
export const TelegramChannelSchema = z.strictObject({
  type: z.literal('telegram'),
  name: ChannelNameSchema.optional(),
  /** The bot token (`123456:ABC…`). */
  botToken: SecretRefFieldSchema,
  /** A chat id (a group's negative number, as a string) or `@channelname`. Not a secret. */
  chatId: z
    .string()
    .regex(
      /^(-?[1-9]\d{0,19}|@[A-Za-z][A-Za-z0-9_]{4,31})$/,
      'must be a numeric chat id (as a string) or @channelname',
    ),
});

/** A generic JSON webhook, optionally signed (HMAC-SHA256 of the body). */
export const WebhookChannelSchema = z.strictObject({
  type: z.literal('webhook'),
  name: ChannelNameSchema.optional(),
  /**
   * An https URL without credentials, query or token-like path segment — or, when it carries a
   * token, a secret reference to the whole URL.
   */
  url: z.union([z.string(), SecretRefFieldSchema]),
  /** The HMAC-SHA256 signing key; the signature goes in `x-backstop-signature-256`. */
  secret: SecretRefFieldSchema.optional(),
});

/** One configured alert channel. */
export const AlertChannelSchema = z.discriminatedUnion('type', [
  PagerDutyChannelSchema,
  TelegramChannelSchema,
  WebhookChannelSchema,
]);
export type AlertChannel = z.infer<typeof AlertChannelSchema>;
export type PagerDutyChannel = z.infer<typeof PagerDutyChannelSchema>;
export type TelegramChannel = z.infer<typeof TelegramChannelSchema>;
export type WebhookChannel = z.infer<typeof WebhookChannelSchema>;

/** `alerts.channels`: names unique and not the deployment's own. */
export const AlertChannelsSchema = z
  .array(AlertChannelSchema)
  .max(10)
  .superRefine((channels, ctx) => {
    const seen = new Set<string>();
    channels.forEach((c, i) => {
      const name = channelNameOf(c);
      const path = c.name === undefined ? [i, 'type'] : [i, 'name'];
      if (RESERVED_CHANNELS.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `${name} is the deployment's own channel`,
          input: name,
        });
      } else if (seen.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `channel ${name} is configured twice (give each a distinct "name")`,
          input: name,
        });
      }
      seen.add(name);
    });
  });

/** The channel name of a configured channel: its `name`, or its type. */
export function channelNameOf(channel: AlertChannel): string {
  return channel.name ?? channel.type;
}

/** A problem of a configured channel, as a zod issue relative to the fund config's root. */
export interface ChannelIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

/**
 * What the fund-wide rules say about the channels: a plain webhook URL obeys the base-URL rules
 * (https, http only to loopback; private hosts only with `data.allowPrivateNetwork`) and carries no
 * token (which would make the config a secret).
 */
export function alertChannelIssues(
  channels: readonly AlertChannel[] | undefined,
  allowPrivateNetwork: boolean,
): ChannelIssue[] {
  const issues: ChannelIssue[] = [];
  (channels ?? []).forEach((c, i) => {
    if (c.type !== 'webhook' || typeof c.url !== 'string') return;
    const keyed = secretInUrl(c.url, 'give url as a secret reference instead');
    const problem =
      urlProblem(c.url, { allowPrivateNetwork }) ??
      // Not echoed: the error line must not carry the token it warns about.
      (keyed === undefined ? undefined : `${keyed}, got (not shown)`);
    if (problem !== undefined) issues.push({ path: ['alerts', 'channels', i, 'url'], message: problem });
  });
  return issues;
}

/** The secret references of the channels (what the deployment grants read access to). */
export function channelSecretRefs(channels: readonly AlertChannel[] | undefined): SecretRef[] {
  return (channels ?? []).flatMap(secretRefsOfChannel);
}

function secretRefsOfChannel(c: AlertChannel): SecretRef[] {
  switch (c.type) {
    case 'pagerduty':
      return [c.routingKey];
    case 'telegram':
      return [c.botToken];
    case 'webhook':
      return [...(typeof c.url === 'string' ? [] : [c.url]), ...(c.secret === undefined ? [] : [c.secret])];
  }
}
