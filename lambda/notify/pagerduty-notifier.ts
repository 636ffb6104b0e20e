/**
 * PagerDuty through the Events API v2: a WARN or BREACH notification triggers an alert, the
 * recovery resolves it. The dedup key is `<fundId>/<kind>`, so reminders of a fund's coverage update
 * one incident instead of opening new ones, and a RECOVERY (of coverage) or a DATA back-to-OK
 * resolves exactly the incident its trigger opened. Other INFO notifications page nobody.
 */
import { ALERT_NAMED_CONTRIBUTORS } from '../alert/render-email.ts';
import { alertFacts, renderSubject } from '../alert/render-facts.ts';
import type { Notifier } from '../pipeline/ports.ts';
import { bindingLine, contributionList, formulaLine, policyLines } from '../present/explain.ts';
import { messageIdOf, type OutboxItem } from '../run/notification.ts';
import { postJson, type RetryPolicy, type SecretSource } from './http-channel.ts';

/** PagerDuty's Events API v2 endpoint. */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** An Events API v2 request body. */
export type PagerDutyEvent =
  | {
      readonly routing_key: string;
      readonly event_action: 'trigger';
      readonly dedup_key: string;
      readonly payload: {
        readonly summary: string;
        readonly source: string;
        readonly severity: 'critical' | 'warning';
        readonly timestamp: string;
        readonly component: string;
        readonly group: string;
        readonly class: string;
        readonly custom_details: Readonly<Record<string, string | null>>;
      };
    }
  | { readonly routing_key: string; readonly event_action: 'resolve'; readonly dedup_key: string };

/**
 * The event for `item`, or null when it pages nobody (an INFO notification that resolves nothing).
 *
 * @param routingKey - the integration's routing key
 */
export function pagerDutyEvent(item: OutboxItem, routingKey: string): PagerDutyEvent | null {
  const n = item.notification;
  if (n.kind === 'RECOVERY') {
    return { routing_key: routingKey, event_action: 'resolve', dedup_key: `${n.fundId}/COVERAGE` };
  }
  if (n.kind === 'DATA' && n.status === 'OK') {
    return { routing_key: routingKey, event_action: 'resolve', dedup_key: `${n.fundId}/DATA` };
  }
  if (n.severity !== 'WARN' && n.severity !== 'BREACH') return null;
  const f = alertFacts(item);
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: `${n.fundId}/${n.kind}`,
    payload: {
      summary: renderSubject(item),
      source: 'backstop',
      severity: n.severity === 'BREACH' ? 'critical' : 'warning',
      timestamp: n.asOf,
      component: n.fundId,
      group: 'insurance-fund',
      class: n.kind,
      custom_details: {
        status: n.status,
        reason: n.reason,
        coverage: f.coverage,
        balance: f.balance,
        required: f.required,
        shortfall: f.shortfall,
        data: f.dataNote,
        why: formulaLine(f.why),
        set_by: bindingLine(f.why),
        binding_loss_by_market: contributionList(f.why.contributions, ALERT_NAMED_CONTRIBUTORS),
        ...(policyLines(f.why).length === 0 ? {} : { policy: policyLines(f.why).join('; ') }),
        change: f.change,
        snapshot: item.snapshotKey,
        message_id: messageIdOf(n),
      },
    },
  };
}

/** Options of {@link PagerDutyNotifier}. */
export interface PagerDutyNotifierOptions {
  /** The routing (integration) key, from SSM or Secrets Manager. */
  readonly routingKey: SecretSource;
  /** @default {@link PAGERDUTY_EVENTS_URL} (tests point it at a local server) */
  readonly url?: string;
  /** The outbox channel name. @default 'pagerduty' */
  readonly channel?: string;
  readonly retry?: RetryPolicy;
}

/** {@link Notifier} on PagerDuty; resolves once PagerDuty has accepted the event (202). */
export class PagerDutyNotifier implements Notifier {
  readonly channel: string;
  readonly #routingKey: SecretSource;
  readonly #url: string;
  readonly #retry: RetryPolicy | undefined;

  constructor(options: PagerDutyNotifierOptions) {
    this.channel = options.channel ?? 'pagerduty';
    this.#routingKey = options.routingKey;
    this.#url = options.url ?? PAGERDUTY_EVENTS_URL;
    this.#retry = options.retry;
  }

  async publish(item: OutboxItem): Promise<void> {
    const key = await this.#routingKey();
    const event = pagerDutyEvent(item, key);
    if (event === null) return;
    await postJson(this.channel, this.#url, event, {
      secrets: [key],
      ...(this.#retry === undefined ? {} : { retry: this.#retry }),
    });
  }
}
