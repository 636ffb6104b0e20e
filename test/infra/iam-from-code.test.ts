/**
 * IAM from the code (finding 6 of the reliability sweep: the function's role had no
 * dynamodb:UpdateItem on the snapshot table while the store's recordCompletion used it, and the
 * failure was swallowed). This test runs the real handler — against dynalite, the venue replay
 * server, a local S3 and mocked SNS/SSM clients — through every path that issues a distinct AWS
 * call (a fresh tick, a redelivered tick, a tick a day later that prunes delivered outbox items, a
 * failed run, an SSM-read balance, alerts on PagerDuty, Telegram and a signed webhook whose secrets
 * come from SSM and Secrets Manager), records each SDK command with the resource it addressed, and
 * checks against the synthesized stack that every one is granted on that resource — and that the
 * role is granted nothing else, apart from the actions the Lambda service uses on its behalf and
 * those SSM performs with the caller's permissions for a call the code made (reading a Secrets
 * Manager secret through its reference parameter, decrypting under a customer-managed key).
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FundConfigSchema } from '../../lambda/config/fund-config.ts';
import { ssmNameOf } from '../../lambda/config/secret-ref.ts';
import { readHandlerEnvironment } from '../../lambda/handlers/handler-environment.ts';
import { createRecalibrateHandler } from '../../lambda/handlers/recalibrate-handler.ts';
import { type ReplayServer, startReplayServer } from '../../lambda/ingest/replay/replay-server.ts';
import { createVenueMarketSource } from '../../lambda/ingest/venue-market-source.ts';
import type { MarketSource } from '../../lambda/pipeline/ports.ts';
import { secretRefsOf } from '../../lib/fund-secrets.ts';
import { type ChannelServer, startChannelServer } from '../support/channel-server.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';
import { startTestS3, type TestS3 } from '../support/s3-server.ts';
import { fastStacks, TWO_FUNDS } from './support/fixtures.ts';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation templates are untyped JSON
type Json = any;

const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:backstop-alerts';
const BUCKET = 'backstop-iam-fund-configs';
const SITE_BUCKET = 'backstop-iam-site';
const HISTORY_BUCKET = 'backstop-iam-history';
const T1 = '2026-11-22T05:00:00.000Z';

/**
 * Granted for the Lambda service itself, never called by the code: the runtime writes the logs,
 * X-Ray takes the traces, the on-failure destination is sent by Lambda with the function's role, and
 * KMS is called by DynamoDB and SNS on the function's behalf for the encrypted table and topic.
 */
const USED_BY_THE_PLATFORM: ReadonlySet<string> = new Set([
  'logs:CreateLogStream LogGroup',
  'logs:PutLogEvents LogGroup',
  'xray:PutTraceSegments *',
  'xray:PutTelemetryRecords *',
  'sqs:SendMessage FailedRunQueue',
  'sqs:GetQueueAttributes FailedRunQueue',
  'sqs:GetQueueUrl FailedRunQueue',
  'kms:Decrypt DataKey',
  'kms:DescribeKey DataKey',
  'kms:Encrypt DataKey',
  'kms:GenerateDataKey* DataKey',
  // Not a call either: S3 answers a GetObject of a missing key with 404 (NoSuchKey) rather than 403
  // only when the caller may list the bucket — the publisher reads the previous feed, absent at first.
  's3:ListBucket TransparencySiteBucket',
]);

function lambdaContext(awsRequestId: string): Context {
  return {
    awsRequestId,
    functionName: 'backstop-recalibrate',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:backstop-recalibrate',
    memoryLimitInMB: '2048',
    logGroupName: '/aws/lambda/backstop-recalibrate',
    logStreamName: 'test',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 120_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** Names a template resource the way the recorded calls name what they addressed. */
function resourceTag(resource: Json): string {
  const text = JSON.stringify(resource);
  if (resource === '*') return '*';
  const parameter = /:parameter\/([^"]+)"/.exec(text);
  if (parameter !== null) return `parameter/${parameter[1]}`;
  const secret = /:secret:([^"]+)-\?{6}"/.exec(text);
  if (secret !== null) return `secret/${secret[1]}`;
  const key = /^"arn:aws:kms:[^"]*:key\/([^"]+)"$/.exec(text);
  if (key !== null) return `key/${key[1]}`;
  for (const [needle, tag] of [
    ['SnapshotTable', 'SnapshotTable'],
    ['IdempotencyTable', 'IdempotencyTable'],
    ['AlertTopic', 'AlertTopic'],
    ['DataKey', 'DataKey'],
    ['FailedRunQueue', 'FailedRunQueue'],
    ['RecalibrateFunctionLogs', 'LogGroup'],
  ] as const) {
    if (text.includes(needle)) return tag;
  }
  if (text.includes('FundConfigsBucket') && text.includes('/funds/*')) return 'FundConfigsBucket/funds/*';
  if (text.includes('RunHistoryBucket')) return `RunHistoryBucket${/"(\/[a-z]+\/\*)"/.exec(text)?.[1] ?? ''}`;
  if (text.includes('TransparencySiteBucket'))
    return text.includes('/*') ? 'TransparencySiteBucket/*' : 'TransparencySiteBucket';
  return text;
}

/** `action resource` pairs the function's role grants. */
function grantedPairs(template: Template): Set<string> {
  const policies = template.findResources('AWS::IAM::Policy');
  const pairs = new Set<string>();
  for (const policy of Object.values(policies) as Json[]) {
    const roles = JSON.stringify(policy.Properties.Roles);
    if (!roles.includes('RecalibrateFunctionRole')) continue;
    for (const statement of policy.Properties.PolicyDocument.Statement as Json[]) {
      expect(statement.Effect).toBe('Allow');
      const actions = [statement.Action].flat() as string[];
      const resources = [statement.Resource].flat();
      for (const action of actions) for (const r of resources) pairs.add(`${action} ${resourceTag(r)}`);
    }
  }
  return pairs;
}

describe('IAM derived from the code', () => {
  const sns = mockClient(SNSClient);
  const ssm = mockClient(SSMClient);
  const calls = new Set<string>();
  let dynamo: TestDynamo;
  let replay: ReplayServer;
  let s3: TestS3;
  let channels: ChannelServer;
  let granted: Set<string>;

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    replay = await startReplayServer();
    s3 = await startTestS3();
    channels = await startChannelServer();
    for (const file of TWO_FUNDS) {
      const json = structuredClone(file.json) as Json;
      json.model.paths = 2000;
      // The webhook on 127.0.0.1 (PagerDuty and Telegram through the environment's overrides).
      for (const channel of json.alerts?.channels ?? [])
        if (channel.type === 'webhook') channel.url = `${channels.base}/hooks/backstop`;
      s3.put(BUCKET, `funds/${json.fundId}.json`, JSON.stringify(json));
    }
    granted = grantedPairs(Template.fromStack(fastStacks().stateless));
  });
  afterAll(async () => {
    await channels?.close();
    await s3?.close();
    await replay?.close();
    await dynamo?.close();
  });

  /** The customer-managed key of each secret reference of the deployed funds, by SSM name. */
  const keyOfParameter = new Map(
    TWO_FUNDS.flatMap((f) => secretRefsOf(FundConfigSchema.parse(f.json))).flatMap((ref) =>
      ref.kmsKeyArn === undefined ? [] : [[ssmNameOf(ref).replace(/^\//, ''), ref.kmsKeyArn] as const],
    ),
  );

  /** Records every command a client sends, with the resource it addressed. */
  function recording<C extends { middlewareStack: Json }>(
    client: C,
    service: string,
    resource: (input: Json) => string,
  ): C {
    client.middlewareStack.add(
      (next: Json, context: Json) => async (args: Json) => {
        calls.add(
          `${service}:${String(context.commandName).replace(/Command$/, '')} ${resource(args.input)}`,
        );
        return next(args);
      },
      { step: 'initialize', name: 'iamRecorder' },
    );
    return client;
  }

  it('grants every AWS call the handler path makes on the resource it makes it on, and nothing else', async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const tableName = await dynamo.newTable();
    const idempotencyTable = `${tableName}-idempotency`;
    await dynamo.client.send(
      new CreateTableCommand({
        TableName: idempotencyTable,
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const table = (input: Json) =>
      input.TableName === tableName
        ? 'SnapshotTable'
        : input.TableName === idempotencyTable
          ? 'IdempotencyTable'
          : `table ${input.TableName}`;
    const dynamoClient = recording(new DynamoDBClient(dynamo.clientConfig), 'dynamodb', table);
    recording(s3.client, 's3', (input) => {
      if (input.Bucket === HISTORY_BUCKET) return `RunHistoryBucket/${String(input.Key).split('/')[0]}/*`;
      if (input.Bucket === SITE_BUCKET)
        return input.Key === undefined ? 'TransparencySiteBucket' : 'TransparencySiteBucket/*';
      return input.Bucket === BUCKET && String(input.Key).startsWith('funds/')
        ? 'FundConfigsBucket/funds/*'
        : `bucket ${input.Bucket}`;
    });
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    ssm.reset();
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '150000000' } });
    const ssmClient = new SSMClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const venues = createVenueMarketSource({ env: replay.env(), ssmClient, sleep: async () => {} });
    let failIngest = false;
    const source: MarketSource = {
      collect: (config, asOf, last) => {
        if (failIngest) throw new Error('every venue timed out');
        return venues.collect(config, asOf, last);
      },
    };
    let now = new Date(Date.parse(T1) + 41_000);
    const handler = createRecalibrateHandler({
      environment: readHandlerEnvironment({
        BACKSTOP_FUND_CONFIG_BUCKET: BUCKET,
        BACKSTOP_FUND_CONFIG_VERSION: '0123456789abcdef',
        BACKSTOP_STAGE: 'test',
        BACKSTOP_SITE_BUCKET: SITE_BUCKET,
        BACKSTOP_HISTORY_BUCKET: HISTORY_BUCKET,
        BACKSTOP_TABLE_NAME: tableName,
        BACKSTOP_TOPIC_ARN: TOPIC_ARN,
        BACKSTOP_IDEMPOTENCY_TABLE_NAME: idempotencyTable,
        BACKSTOP_PAGERDUTY_URL: `${channels.base}/v2/enqueue`,
        BACKSTOP_TELEGRAM_API_URL: channels.base,
      }),
      dynamoClient,
      snsClient: new SNSClient({
        region: 'eu-west-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      }),
      s3Client: s3.client,
      ssmClient: () => ssmClient,
      clock: { now: () => now },
      marketSource: source,
    });
    const tick = (fundId: string, asOf: string, id: string) =>
      handler({ fundId, scheduledTime: asOf }, lambdaContext(id));

    await tick('alpha-perps', T1, 'fresh'); // a run, its alerts published and acknowledged
    await tick('alpha-perps', T1, 'redelivered'); // the idempotency record answers
    await tick('beta-lending', T1, 'ssm-balance'); // a balance read from SSM
    const T2 = new Date(Date.parse(T1) + 25 * 3_600_000).toISOString();
    now = new Date(Date.parse(T2) + 41_000);
    await tick('alpha-perps', T2, 'next-day'); // yesterday's delivered outbox items are pruned
    failIngest = true;
    const T3 = new Date(Date.parse(T2) + 15 * 60_000).toISOString();
    now = new Date(Date.parse(T3) + 41_000);
    await expect(tick('alpha-perps', T3, 'failing')).rejects.toThrow('every venue timed out');
    vi.restoreAllMocks();

    for (const call of sns.calls())
      calls.add(`sns:${call.args[0].constructor.name.replace(/Command$/, '')} AlertTopic`);
    for (const call of ssm.commandCalls(GetParameterCommand)) {
      const name = String(call.args[0].input.Name).replace(/^\//, '');
      calls.add(`ssm:GetParameter parameter/${name}`);
      // SSM reads a referenced secret, and decrypts under a customer-managed key, as the caller.
      if (name.startsWith('aws/reference/secretsmanager/'))
        calls.add(
          `secretsmanager:GetSecretValue secret/${name.slice('aws/reference/secretsmanager/'.length)}`,
        );
      const key = keyOfParameter.get(name);
      if (key !== undefined) calls.add(`kms:Decrypt key/${key.split('/')[1]}`);
    }
    // The channels were really used: both alerts of alpha-perps (the fresh tick, the next day) reached each.
    expect(channels.requests.map((r) => r.path.replace(/^\/bot[^/]+/, '/bot<token>'))).toEqual([
      '/v2/enqueue',
      '/bot<token>/sendMessage',
      '/hooks/backstop',
      '/v2/enqueue',
      '/bot<token>/sendMessage',
      '/hooks/backstop',
    ]);

    // What the code called, as recorded (not as listed anywhere by hand).
    expect([...calls].sort()).toEqual([
      'dynamodb:DeleteItem IdempotencyTable',
      'dynamodb:DeleteItem SnapshotTable',
      'dynamodb:GetItem IdempotencyTable',
      'dynamodb:GetItem SnapshotTable',
      'dynamodb:PutItem IdempotencyTable',
      'dynamodb:PutItem SnapshotTable',
      'dynamodb:Query SnapshotTable',
      'dynamodb:UpdateItem IdempotencyTable',
      'dynamodb:UpdateItem SnapshotTable',
      'kms:Decrypt key/1234abcd-12ab-34cd-56ef-1234567890ab',
      's3:GetObject FundConfigsBucket/funds/*',
      's3:GetObject TransparencySiteBucket/*',
      's3:PutObject RunHistoryBucket/markets/*',
      's3:PutObject RunHistoryBucket/runs/*',
      's3:PutObject TransparencySiteBucket/*',
      'secretsmanager:GetSecretValue secret/backstop/test/telegram-bot',
      'sns:Publish AlertTopic',
      'ssm:GetParameter parameter/aws/reference/secretsmanager/backstop/test/telegram-bot',
      'ssm:GetParameter parameter/backstop/test/pagerduty-routing-key',
      'ssm:GetParameter parameter/backstop/test/webhook-signing-key',
      'ssm:GetParameter parameter/treasury/beta/balance-usd',
    ]);
    const missing = [...calls].filter((c) => !granted.has(c));
    expect(missing).toEqual([]);
    const unused = [...granted].filter((g) => !calls.has(g) && !USED_BY_THE_PLATFORM.has(g));
    expect(unused).toEqual([]);
  });
});

describe('the idempotency table', () => {
  it('has point-in-time recovery and the customer-managed data key, like the snapshot table', () => {
    const template = Template.fromStack(fastStacks().stateless);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: {
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: { 'Fn::ImportValue': Match.stringLikeRegexp('DataKey') },
      },
    });
  });
});
