import 'aws-sdk-client-mock-vitest/extend';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../lambda/model/validation.ts';
import { ConsoleNotifier } from '../../../lambda/notify/console-notifier.ts';
import { NotifierOptionsError } from '../../../lambda/notify/errors.ts';
import { SnsNotifier } from '../../../lambda/notify/sns-notifier.ts';
import { BREACH_EMAIL, outboxItem } from '../alert/result-fixtures.ts';

const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:backstop-alerts';
const sns = mockClient(SNSClient);
const client = () =>
  new SNSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });

beforeEach(() => {
  sns.reset();
});

describe('SnsNotifier', () => {
  it('publishes one json message per protocol with filterable attributes', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const notifier = new SnsNotifier({ topicArn: TOPIC_ARN, client: client() });

    await notifier.publish(outboxItem());

    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input).toEqual({
      TopicArn: TOPIC_ARN,
      Subject: '[BREACH] demo-perps insurance fund at 72.0% of required reserve',
      MessageStructure: 'json',
      Message: expect.any(String),
      MessageAttributes: {
        fundId: { DataType: 'String', StringValue: 'demo-perps' },
        severity: { DataType: 'String', StringValue: 'BREACH' },
        kind: { DataType: 'String', StringValue: 'COVERAGE' },
        messageId: { DataType: 'String', StringValue: 'demo-perps/2026-11-22T04:00:00.000Z/COVERAGE/BREACH' },
      },
    });
    const message = JSON.parse(input?.Message ?? '') as Record<string, unknown>;
    expect(Object.keys(message).sort()).toEqual(['default', 'email']);
    // SNS requires every protocol value to be a string: Chatbot gets its JSON as a string.
    expect(typeof message.default).toBe('string');
    expect(message.email).toBe(BREACH_EMAIL);
    const chatbot = JSON.parse(message.default as string);
    expect(chatbot.version).toBe('1.0');
    expect(chatbot.source).toBe('custom');
    expect(chatbot.content.textType).toBe('client-markdown');
    expect(chatbot.content.title).toBe(
      ':rotating_light: [BREACH] demo-perps insurance fund at 72.0% of required reserve',
    );
    expect(chatbot.content.description).toContain(
      '*Top ES contributors* BTC-PERP $90.0M (56%), ETH-PERP $50.0M (31%), SOL-PERP $20.0M (13%)',
    );
    expect(chatbot.content.nextSteps).toHaveLength(3);
    expect(chatbot.metadata.relatedResources).toEqual(['FUND#demo-perps / SNAP#2026-11-22T04:00:00.000Z']);
  });

  it('sets severity and kind of a recovery for subscription filters', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-2' });
    const notifier = new SnsNotifier({ topicArn: TOPIC_ARN, client: client() });

    await notifier.publish(
      outboxItem({
        kind: 'RECOVERY',
        severity: 'INFO',
        status: 'OK',
        reason: 'recovery',
        headline: 'demo-perps insurance fund at 110.0% of required reserve',
      }),
    );

    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      Subject: '[RECOVERED] demo-perps insurance fund at 110.0% of required reserve',
      MessageAttributes: {
        fundId: { DataType: 'String', StringValue: 'demo-perps' },
        severity: { DataType: 'String', StringValue: 'INFO' },
        kind: { DataType: 'String', StringValue: 'RECOVERY' },
        messageId: { DataType: 'String', StringValue: 'demo-perps/2026-11-22T04:00:00.000Z/RECOVERY/OK' },
      },
    });
  });

  it('rejects when SNS does not accept the message', async () => {
    sns.on(PublishCommand).rejects(new Error('Throttling: Rate exceeded'));
    const notifier = new SnsNotifier({ topicArn: TOPIC_ARN, client: client() });
    await expect(notifier.publish(outboxItem())).rejects.toThrow('Throttling: Rate exceeded');
  });

  it('rejects a bad topic ARN showing it, as bad input', () => {
    const make = () => new SnsNotifier({ topicArn: 'backstop-alerts' });
    expect(make).toThrow(NotifierOptionsError);
    expect(make).toThrow(InvalidInputError);
    expect(make).toThrow(
      'SnsNotifier: topicArn: expected arn:aws:sns:<region>:<account>:<name>, got "backstop-alerts"',
    );
  });
});

describe('ConsoleNotifier', () => {
  it('writes the same email text SNS would deliver', async () => {
    const written: string[] = [];
    const notifier = new ConsoleNotifier({ write: (text) => written.push(text) });

    await notifier.publish(outboxItem());

    expect(written).toEqual([BREACH_EMAIL]);
  });

  it('requires a write function', () => {
    expect(() => new ConsoleNotifier({ write: 'stdout' as unknown as (text: string) => void })).toThrow(
      'ConsoleNotifier: write: expected a function, got string',
    );
  });
});
