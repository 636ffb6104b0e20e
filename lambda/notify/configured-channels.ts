/**
 * The notifiers of a fund's `alerts.channels`: one per configured channel, named as configured, so
 * each gets its own outbox items and is delivered, retried and acknowledged on its own. Secrets are
 * not read here but when a message is sent (a run that sends nothing reads none).
 */
import { type AlertChannel, channelNameOf } from '../config/alert-channels.ts';
import type { FundConfig } from '../config/fund-config.ts';
import { urlProblem } from '../ingest/http/safe-url.ts';
import { InvalidInputError } from '../model/validation.ts';
import type { Notifier } from '../pipeline/ports.ts';
import type { SecretReader } from './channel-secrets.ts';
import type { RetryPolicy } from './http-channel.ts';
import { PagerDutyNotifier } from './pagerduty-notifier.ts';
import { TelegramNotifier } from './telegram-notifier.ts';
import { WebhookNotifier } from './webhook-notifier.ts';

/** Service endpoints other than the public ones (a proxy, the tests' local server). */
export interface ChannelEndpoints {
  /** @default PAGERDUTY_EVENTS_URL */
  readonly pagerdutyUrl?: string;
  /** @default TELEGRAM_API_URL */
  readonly telegramApiUrl?: string;
}

/** The environment variables that override the endpoints (listed for the handler's schema). */
export const CHANNEL_URL_ENV_VARS = {
  pagerdutyUrl: 'BACKSTOP_PAGERDUTY_URL',
  telegramApiUrl: 'BACKSTOP_TELEGRAM_API_URL',
} as const;

/**
 * The endpoint overrides set in `env`; each must be https (http to loopback) without credentials.
 *
 * @throws InvalidInputError naming the variable
 */
export function channelEndpointsFromEnv(env: Readonly<Record<string, string | undefined>>): ChannelEndpoints {
  const out: { pagerdutyUrl?: string; telegramApiUrl?: string } = {};
  for (const [key, name] of Object.entries(CHANNEL_URL_ENV_VARS) as [keyof ChannelEndpoints, string][]) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const problem = urlProblem(value, { allowPrivateNetwork: true });
    if (problem !== undefined) throw new InvalidInputError(`environment: ${name}: ${problem}`, name);
    out[key] = value.replace(/\/+$/, '');
  }
  return out;
}

/** What the channel notifiers need besides the fund config. */
export interface ChannelDeps {
  readonly secrets: SecretReader;
  readonly endpoints?: ChannelEndpoints;
  readonly retry?: RetryPolicy;
}

/**
 * One notifier per channel of the fund's `alerts.channels`, in the config's order (none when it
 * has none).
 *
 * @example
 * const notifiers = [sns, ...channelNotifiers(config, { secrets })];
 */
export function channelNotifiers(
  config: {
    readonly alerts: Pick<FundConfig['alerts'], 'channels'>;
    readonly data: Pick<FundConfig['data'], 'allowPrivateNetwork'>;
  },
  deps: ChannelDeps,
): Notifier[] {
  return (config.alerts.channels ?? []).map((c) => notifierOf(c, deps, config.data.allowPrivateNetwork));
}

/** The notifier of one configured channel. */
function notifierOf(c: AlertChannel, deps: ChannelDeps, allowPrivateNetwork: boolean): Notifier {
  const retry = deps.retry === undefined ? {} : { retry: deps.retry };
  const channel = channelNameOf(c);
  switch (c.type) {
    case 'pagerduty':
      return new PagerDutyNotifier({
        channel,
        routingKey: deps.secrets(c.routingKey),
        ...(deps.endpoints?.pagerdutyUrl === undefined ? {} : { url: deps.endpoints.pagerdutyUrl }),
        ...retry,
      });
    case 'telegram':
      return new TelegramNotifier({
        channel,
        botToken: deps.secrets(c.botToken),
        chatId: c.chatId,
        ...(deps.endpoints?.telegramApiUrl === undefined ? {} : { apiUrl: deps.endpoints.telegramApiUrl }),
        ...retry,
      });
    case 'webhook': {
      const url = c.url;
      return new WebhookNotifier({
        channel,
        url: typeof url === 'string' ? async () => url : deps.secrets(url),
        ...(c.secret === undefined ? {} : { signingKey: deps.secrets(c.secret) }),
        allowPrivateNetwork,
        ...retry,
      });
    }
  }
}
