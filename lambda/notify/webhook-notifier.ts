/**
 * A generic JSON webhook: one POST per notification with the notification, the headline numbers and
 * the stable message id (also in the `x-backstop-message-id` header), for an in-house pager, a chat
 * bridge or a queue. Receivers de-duplicate on the id: a redelivered notification carries the same.
 */
import { renderSubject } from '../alert/render-facts.ts';
import { urlProblem } from '../ingest/http/safe-url.ts';
import type { Notifier } from '../pipeline/ports.ts';
import type { OutboxItem } from '../run/notification.ts';
import { ChannelDeliveryError, notificationId, postJson, type SecretSource } from './http-channel.ts';

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
    messageId: notificationId(n),
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
  /** The URL (it usually carries a token), from SSM or Secrets Manager. */
  readonly url: SecretSource;
}

/** {@link Notifier} on a JSON webhook; resolves on any 2xx answer. */
export class WebhookNotifier implements Notifier {
  readonly channel = 'webhook';
  readonly #url: SecretSource;

  constructor(options: WebhookNotifierOptions) {
    this.#url = options.url;
  }

  async publish(item: OutboxItem): Promise<void> {
    const url = await this.#url();
    // https only (http to loopback), no credentials in it; a private host is the owner's choice. The
    // URL is a secret, so the refusal does not quote it.
    if (urlProblem(url, { allowPrivateNetwork: true }) !== undefined) {
      throw new ChannelDeliveryError(
        this.channel,
        null,
        'the configured URL is not an https URL without credentials',
      );
    }
    const body = webhookPayload(item);
    await postJson(this.channel, url, body, [url], { 'x-backstop-message-id': body.messageId });
  }
}
