/**
 * Delivers notifications through one SNS topic to email and Slack at once (docs/ALERTS.md §5):
 * `MessageStructure: "json"` with a per-protocol payload — `default` is the AWS Chatbot custom
 * notification (Chatbot subscribes over HTTPS and reads `default`), `email` the plain text.
 * Message attributes `fundId`, `severity` and `kind` let subscriptions filter; `messageId` is the
 * notification's stable id, the same on a redelivery, for consumers that de-duplicate.
 */
import {
  PublishCommand,
  type PublishCommandInput,
  SNSClient,
  type SNSClientConfig,
} from '@aws-sdk/client-sns';
import { renderChatbot } from '../alert/render-chatbot.ts';
import { renderEmail } from '../alert/render-email.ts';
import { renderSubject } from '../alert/render-facts.ts';
import type { Notifier } from '../pipeline/ports.ts';
import type { OutboxItem } from '../run/notification.ts';
import { NotifierOptionsError } from './errors.ts';

/** Options of {@link SnsNotifier}. */
export interface SnsNotifierOptions {
  readonly topicArn: string;
  /** An SNS client to reuse; a new one from `clientConfig` otherwise. */
  readonly client?: SNSClient | undefined;
  readonly clientConfig?: SNSClientConfig | undefined;
}

const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

/** The exact Publish request for an outbox item (exported for the console notifier and tests). */
export function publishInput(topicArn: string, item: OutboxItem): PublishCommandInput {
  const n = item.notification;
  return {
    TopicArn: topicArn,
    Subject: renderSubject(item),
    MessageStructure: 'json',
    Message: JSON.stringify({ default: JSON.stringify(renderChatbot(item)), email: renderEmail(item) }),
    MessageAttributes: {
      fundId: { DataType: 'String', StringValue: n.fundId },
      severity: { DataType: 'String', StringValue: n.severity },
      kind: { DataType: 'String', StringValue: n.kind },
      messageId: { DataType: 'String', StringValue: item.messageId },
    },
  };
}

/**
 * {@link Notifier} on SNS. `publish` resolves once SNS has accepted the message; it throws when SNS
 * does not, and the outbox keeps the item for the next run.
 *
 * @example
 * const notifier = new SnsNotifier({ topicArn: process.env.BACKSTOP_TOPIC_ARN ?? '' });
 */
export class SnsNotifier implements Notifier {
  readonly channel = 'sns';
  readonly topicArn: string;
  readonly #client: SNSClient;

  constructor(options: SnsNotifierOptions) {
    const { topicArn, client, clientConfig } = options;
    if (typeof topicArn !== 'string' || !TOPIC_ARN.test(topicArn)) {
      throw new NotifierOptionsError(
        'SnsNotifier',
        'topicArn',
        `expected arn:aws:sns:<region>:<account>:<name>, got ${JSON.stringify(topicArn)}`,
      );
    }
    if (client !== undefined && clientConfig !== undefined) {
      throw new NotifierOptionsError(
        'SnsNotifier',
        'clientConfig',
        'give either client or clientConfig, not both',
      );
    }
    this.topicArn = topicArn;
    this.#client = client ?? new SNSClient(clientConfig ?? {});
  }

  async publish(item: OutboxItem): Promise<void> {
    await this.#client.send(new PublishCommand(publishInput(this.topicArn, item)));
  }
}
