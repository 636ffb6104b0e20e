/**
 * The Slack form of a notification: an AWS Chatbot (Amazon Q Developer in chat applications) custom
 * notification. Chatbot drops anything else silently, so the shape follows its event schema exactly:
 * `version` "1.0", `source` "custom", `content` {textType "client-markdown", title, description,
 * nextSteps, keywords}, `metadata` {threadId, summary, eventType, relatedResources, additionalContext}.
 */
import {
  bindingLine,
  contributionList,
  formulaLine,
  policyLines,
  sensitivityLines,
} from '../present/explain.ts';
import type { OutboxItem } from '../run/notification.ts';
import { ALERT_NAMED_CONTRIBUTORS } from './render-email.ts';
import { alertFacts } from './render-facts.ts';

/** An AWS Chatbot custom notification. */
export interface ChatbotNotification {
  readonly version: '1.0';
  readonly source: 'custom';
  readonly id: string;
  readonly content: {
    readonly textType: 'client-markdown';
    readonly title: string;
    readonly description: string;
    readonly nextSteps: readonly string[];
    readonly keywords: readonly string[];
  };
  readonly metadata: {
    /** Updates of the same fund and kind thread together in the channel. */
    readonly threadId: string;
    readonly summary: string;
    readonly eventType: string;
    readonly relatedResources: readonly string[];
    readonly additionalContext: Readonly<Record<string, string>>;
  };
}

const EMOJI: Readonly<Record<string, string>> = {
  BREACH: ':rotating_light:',
  WARN: ':warning:',
  INFO: ':white_check_mark:',
};

/**
 * Renders the Chatbot custom notification (Slack markdown: `*bold*`, backticks).
 *
 * @example
 * const message = JSON.stringify(renderChatbot(item)); // the SNS `default` payload
 */
export function renderChatbot(item: OutboxItem): ChatbotNotification {
  const n = item.notification;
  const f = alertFacts(item);
  const why = f.why;
  const description = [
    `*Coverage* ${f.coverage}: balance ${f.balance} vs required ${f.required}${f.shortfall === null ? '' : ` (shortfall ${f.shortfall})`}`,
    ...(f.dataNote === null ? [] : [`*Data* ${f.dataNote}`]),
    `*Why* ${formulaLine(why)}`,
    `*${bindingLine(why)}*`,
    ...(why.contributions.length === 0
      ? []
      : [`*Its loss by market* ${contributionList(why.contributions, ALERT_NAMED_CONTRIBUTORS)}`]),
    ...policyLines(why),
    ...(why.assumptions.length === 0
      ? []
      : [`*Assumptions* ${why.assumptions.map((a) => `${a.name}: ${a.value} (${a.source})`).join('; ')}`]),
    ...(why.sensitivity === null
      ? []
      : [`*If an assumption moved ±50%* ${sensitivityLines(why).join('; ')}`]),
    ...(f.engine.length === 0 ? [] : [`*Engine* ${f.engine.join('; ')}`]),
    `*Change* ${f.change ?? 'first run of this fund'}`,
    `*Snapshot* \`${item.snapshotKey}\``,
  ].join('\n');
  return {
    version: '1.0',
    source: 'custom',
    id: `${n.fundId}/${n.asOf}/${n.kind}`,
    content: {
      textType: 'client-markdown',
      title: `${EMOJI[n.severity] ?? ''} ${f.subject}`.trim(),
      description,
      nextSteps: f.nextSteps,
      keywords: [n.fundId, n.kind, n.status],
    },
    metadata: {
      threadId: `backstop/${n.fundId}/${n.kind}`,
      summary: f.subject,
      eventType: `backstop.${n.kind.toLowerCase()}`,
      relatedResources: [item.snapshotKey],
      additionalContext: {
        fundId: n.fundId,
        asOf: n.asOf,
        kind: n.kind,
        status: n.status,
        severity: n.severity,
        reason: n.reason,
        coverage: f.coverage,
      },
    },
  };
}
