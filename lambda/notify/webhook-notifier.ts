/**
 * A generic JSON webhook: one POST per notification with the notification, the headline numbers and
 * the stable message id (also in the `x-backstop-message-id` header), for an in-house pager, a chat
 * bridge or a queue. Receivers de-duplicate on the id: a redelivered notification carries the same.
 * With a signing key, `x-backstop-signature-256: sha256=<hex>` is the HMAC-SHA256 of the exact body
 * bytes under that key, so a receiver can tell Backstop's posts from anyone else's.
 */
import { createHmac } from 'node:crypto';
import { renderSubject } from '../alert/render-facts.ts';
import { urlProblem } from '../ingest/http/safe-url.ts';
import type { Notifier } from '../pipeline/ports.ts';
import { messageIdOf, type OutboxItem } from '../run/notification.ts';
import { ChannelDeliveryError, postJson, type RetryPolicy, type SecretSource } from './http-channel.ts';

/** The signature header of a signed webhook. */
export const SIGNATURE_HEADER = 'x-backstop-signature-256';

/** The signature header's value for `bodyText` under `key`: `sha256=<hex HMAC-SHA256>`. */
export function webhookSignature(bodyText: string, key: string): string {
  return `sha256=${createHmac('sha256', key).update(bodyText, 'utf8').digest('hex')}`;
}

/** The webhook body (`version` changes only when a field changes meaning or goes). */
export interface WebhookPayload {
  readonly version: 1;
  readonly messageId: string;
  readonly fundId: string;
  readonly asOf: string;
  readonly kind: string;
  readonly severity: string;
  readonly status: string;
  readonly reason: string;
  readonly subject: string;
  readonly headline: string;
  readonly coverageRatio: number | null;
  readonly fundBalanceUsd: number | null;
  readonly requiredReserveUsd: number;
  readonly shortfallUsd: number;
  readonly snapshotKey: string;
}

/** The body posted for `item`. */
export function webhookPayload(item: OutboxItem): WebhookPayload {
  const n = item.notification;
  const r = item.result;
  return {
    version: 1,
    messageId: messageIdOf(n),
    fundId: n.fundId,
    asOf: n.asOf,
    kind: n.kind,
    severity: n.severity,
    status: n.status,
    reason: n.reason,
    subject: renderSubject(item),
    headline: n.headline,
    coverageRatio: r.coverageRatio,
    fundBalanceUsd: r.fundBalanceUsd,
    requiredReserveUsd: r.requiredReserveUsd,
    shortfallUsd: r.recommendation.shortfallUsd,
    snapshotKey: item.snapshotKey,
  };
}

/** Options of {@link WebhookNotifier}. */
export interface WebhookNotifierOptions {
  /** The URL: a plain one from the config, or one that carries a token from SSM or Secrets Manager. */
  readonly url: SecretSource;
  /** The HMAC key of the signature header, from SSM or Secrets Manager; unsigned without it. */
  readonly signingKey?: SecretSource;
  /** Admit a private or link-local host (the fund's `data.allowPrivateNetwork`). @default false */
  readonly allowPrivateNetwork?: boolean;
  /** The outbox channel name. @default 'webhook' */
  readonly channel?: string;
  readonly retry?: RetryPolicy;
}

/** {@link Notifier} on a JSON webhook; resolves on any 2xx answer. */
export class WebhookNotifier implements Notifier {
  readonly channel: string;
  readonly #url: SecretSource;
  readonly #signingKey: SecretSource | undefined;
  readonly #allowPrivateNetwork: boolean;
  readonly #retry: RetryPolicy | undefined;

  constructor(options: WebhookNotifierOptions) {
    this.channel = options.channel ?? 'webhook';
    this.#url = options.url;
    this.#signingKey = options.signingKey;
    this.#allowPrivateNetwork = options.allowPrivateNetwork ?? false;
    this.#retry = options.retry;
  }

  async publish(item: OutboxItem): Promise<void> {
    const url = await this.#url();
    // The rules of the config's plain URLs, checked again on a URL read from a secret. The URL may
    // carry a token, so the refusal does not quote it.
    if (urlProblem(url, { allowPrivateNetwork: this.#allowPrivateNetwork }) !== undefined) {
      throw new ChannelDeliveryError(
        this.channel,
        null,
        `the configured URL is not an https URL without credentials${this.#allowPrivateNetwork ? '' : ' to a public host'}`,
      );
    }
    const key = this.#signingKey === undefined ? undefined : await this.#signingKey();
    const body = webhookPayload(item);
    await postJson(this.channel, url, body, {
      secrets: key === undefined ? [url] : [url, key],
      headers: (text) => ({
        'x-backstop-message-id': body.messageId,
        ...(key === undefined ? {} : { [SIGNATURE_HEADER]: webhookSignature(text, key) }),
      }),
      ...(this.#retry === undefined ? {} : { retry: this.#retry }),
    });
  }
}
