/**
 * Who hears the alert topic: email addresses and Slack channels from the fund configs. One topic
 * serves every fund of a stage, so an address listed by several funds gets ONE subscription (SNS
 * keeps one per endpoint) whose filter admits those funds' alerts and every message without a
 * `fundId` attribute (CloudWatch alarms). Slack receives everything on the topic through Chatbot.
 */
import { createHash } from 'node:crypto';
import { SlackChannelConfiguration } from 'aws-cdk-lib/aws-chatbot';
import { ManagedPolicy } from 'aws-cdk-lib/aws-iam';
import { type ITopic, Subscription, SubscriptionFilter, SubscriptionProtocol } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FundConfig } from '../../lambda/config/fund-config.ts';

/** Props of {@link AlertChannels}. */
export interface AlertChannelsProps {
  readonly stage: string;
  readonly topic: ITopic;
  readonly funds: readonly FundConfig[];
  /** Receives emails SNS gave up delivering. */
  readonly deadLetterQueue: IQueue;
}

/** A Slack channel as Chatbot names it. */
interface SlackChannel {
  readonly workspaceId: string;
  readonly channelId: string;
}

/** Email subscriptions and Chatbot Slack channels for a stage's funds. */
export class AlertChannels extends Construct {
  /** Email address → the funds whose alerts it receives. */
  readonly emails: ReadonlyMap<string, readonly string[]>;
  readonly slackChannels: readonly SlackChannelConfiguration[];

  constructor(scope: Construct, id: string, props: AlertChannelsProps) {
    super(scope, id);
    this.emails = emailRecipients(props.funds);
    for (const [email, fundIds] of this.emails) {
      // Created here rather than through topic.addSubscription, which would place it in the topic's
      // (stateful) stack and make that stack depend on this one's dead-letter queue.
      new Subscription(this, `Email${stableId(email)}`, {
        topic: props.topic,
        protocol: SubscriptionProtocol.EMAIL,
        endpoint: email,
        filterPolicy: { fundId: new SubscriptionFilter([...fundIds, { exists: false }]) },
        deadLetterQueue: props.deadLetterQueue,
      });
    }
    this.slackChannels = slackChannels(props.funds).map((channel) => {
      return new SlackChannelConfiguration(
        this,
        `Slack${stableId(`${channel.workspaceId}/${channel.channelId}`)}`,
        {
          slackChannelConfigurationName: `backstop-${props.stage}-${channel.channelId}`,
          slackWorkspaceId: channel.workspaceId,
          slackChannelId: channel.channelId,
          notificationTopics: [props.topic],
          // Slack users may look, never touch: the guardrail caps whatever role they bring.
          guardrailPolicies: [ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
        },
      );
    });
  }
}

/** Each address once, with every fund that lists it, in config order. */
export function emailRecipients(funds: readonly FundConfig[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const fund of funds) {
    for (const raw of fund.notifications.emails) {
      const email = raw.toLowerCase();
      const ids = out.get(email) ?? [];
      if (!ids.includes(fund.fundId)) ids.push(fund.fundId);
      out.set(email, ids);
    }
  }
  return out;
}

/** Each Slack channel once. */
function slackChannels(funds: readonly FundConfig[]): SlackChannel[] {
  const seen = new Map<string, SlackChannel>();
  for (const fund of funds) {
    const slack = fund.notifications.slack;
    if (slack !== undefined) seen.set(`${slack.workspaceId}/${slack.channelId}`, slack);
  }
  return [...seen.values()];
}

/** A construct id that does not change when other channels are added or reordered. */
function stableId(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}
