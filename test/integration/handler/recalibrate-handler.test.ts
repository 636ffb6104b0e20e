/**
 * The Lambda handler end to end: middy + Powertools (logger, metrics, tracer, idempotency,
 * parameters) around the pipeline, against dynalite (snapshot table AND idempotency table), a local
 * S3 holding the fund config objects, the venue replay server, and an SNS client mocked only to
 * capture the exact publishes.
 */

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { readHandlerEnvironment } from '../../../lambda/handlers/handler-environment.ts';
import {
  createRecalibrateHandler,
  type RecalibrateHandler,
  type RecalibrateResponse,
} from '../../../lambda/handlers/recalibrate-handler.ts';
import { type ReplayServer, startReplayServer } from '../../../lambda/ingest/replay/replay-server.ts';
import type { MarketSource } from '../../../lambda/pipeline/ports.ts';
import { DynamoSnapshotStore } from '../../../lambda/store/dynamo-snapshot-store.ts';
import { startTestDynamo, type TestDynamo } from '../../support/dynalite.ts';
import { startTestS3, type TestS3 } from '../../support/s3-server.ts';
import {
  ALWAYS_ALERT_THRESHOLDS,
  REPO_ROOT,
  replaySource,
  TEST_PATHS,
  testClock,
} from '../pipeline/support.ts';

const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:backstop-alerts';
const TICK = '2026-11-22T05:00:00Z';
const ASOF = '2026-11-22T05:00:00.000Z';
const BUCKET = 'backstop-test-fund-configs';

function lambdaContext(awsRequestId: string): Context {
  return {
    awsRequestId,
    functionName: 'backstop-recalibrate',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:backstop-recalibrate',
    memoryLimitInMB: '3538',
    logGroupName: '/aws/lambda/backstop-recalibrate',
    logStreamName: 'test',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 120_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

describe('recalibrate handler', () => {
  const sns = mockClient(SNSClient);
  let dynamo: TestDynamo;
  let replay: ReplayServer;
  let s3: TestS3;
  let output: string[];

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    replay = await startReplayServer();
    s3 = await startTestS3();
    const demo = JSON.parse(await readFile(resolve(REPO_ROOT, 'config/funds/demo.json'), 'utf8'));
    demo.model.paths = TEST_PATHS;
    demo.alerts.thresholds = { ...ALWAYS_ALERT_THRESHOLDS };
    s3.put(BUCKET, 'funds/demo-perps.json', JSON.stringify(demo));
    s3.put(
      BUCKET,
      'funds/broken-fund.json',
      JSON.stringify({ ...demo, fundId: 'broken-fund', description: 42 }),
    );
  });
  afterAll(async () => {
    await s3.close();
    await replay.close();
    await dynamo.close();
  });
  beforeEach(() => {
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    output = [];
    // Powertools writes logs and EMF to the process streams (ERROR lines and warnings to stderr).
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        output.push(String(chunk));
        return true;
      });
    }
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  async function freshHandler(
    marketSource?: MarketSource,
  ): Promise<{ handler: RecalibrateHandler; store: DynamoSnapshotStore }> {
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
    const environment = readHandlerEnvironment({
      BACKSTOP_FUND_CONFIG_BUCKET: BUCKET,
      BACKSTOP_FUND_CONFIG_VERSION: '0123456789abcdef',
      BACKSTOP_STAGE: 'test',
      BACKSTOP_TABLE_NAME: tableName,
      BACKSTOP_TOPIC_ARN: TOPIC_ARN,
      BACKSTOP_IDEMPOTENCY_TABLE_NAME: idempotencyTable,
      ...replay.env(),
    });
    const handler = createRecalibrateHandler({
      environment,
      dynamoClient: dynamo.client,
      snsClient: new SNSClient({
        region: 'eu-west-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      }),
      s3Client: s3.client,
      clock: testClock('2026-11-22T05:00:41Z'),
      ...(marketSource === undefined ? {} : { marketSource }),
    });
    return { handler, store: new DynamoSnapshotStore({ tableName, client: dynamo.client }) };
  }

  const jsonLines = () =>
    output
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  it('runs the same scheduled tick once: two deliveries, one snapshot, one alert, the same answer', async () => {
    const { handler, store } = await freshHandler();
    const event = { fundId: 'demo-perps', scheduledTime: TICK };

    const first = await handler(event, lambdaContext('req-1'));
    const second = await handler(event, lambdaContext('req-2'));

    expect(first).toMatchObject({ fundId: 'demo-perps', asOf: ASOF, runId: 'req-1', stored: true });
    expect(second).toEqual(first);
    expect(await store.summaries('demo-perps')).toHaveLength(1);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(first.notifications.sent);
    expect(first.notifications.sent).toBe(first.notifications.decided.length);
    expect(first.notifications.decided.length).toBeGreaterThanOrEqual(1);
    for (const call of sns.commandCalls(PublishCommand)) {
      expect(call.args[0].input.TopicArn).toBe(TOPIC_ARN);
      expect(call.args[0].input.MessageAttributes?.fundId).toEqual({
        DataType: 'String',
        StringValue: 'demo-perps',
      });
    }
  });

  it("reads the fund's config object from S3 once and serves later runs from the cache", async () => {
    const { handler } = await freshHandler();
    const before = s3.requests.length;
    await handler({ fundId: 'demo-perps', scheduledTime: TICK }, lambdaContext('req-c1'));
    // An earlier tick: one after the test clock's now (05:00:41) would be refused as from the future.
    await handler({ fundId: 'demo-perps', scheduledTime: '2026-11-22T04:45:00Z' }, lambdaContext('req-c2'));
    expect(s3.requests.slice(before)).toEqual([`GET /${BUCKET}/funds/demo-perps.json`]);
  });

  it('logs fundId, runId and asOf on every line of a run, and emits the EMF metrics per stage and fund', async () => {
    // What Lambda sets in an on-demand execution environment: Powertools counts its first run as cold.
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'backstop'); // as the stack sets it
    const { handler } = await freshHandler();
    const response: RecalibrateResponse = await handler(
      { fundId: 'demo-perps', scheduledTime: TICK },
      lambdaContext('req-logs'),
    );
    vi.unstubAllEnvs();
    const lines = jsonLines();
    const logs = lines.filter((l) => !('_aws' in l));
    expect(logs.map((l) => l.message)).toContain('run finished');
    for (const line of logs) {
      expect(line).toMatchObject({
        fundId: 'demo-perps',
        runId: 'req-logs',
        asOf: ASOF,
        fundConfigVersion: '0123456789abcdef',
        service: 'backstop',
      });
    }
    const emf = lines.filter((l) => '_aws' in l);
    expect(emf).toHaveLength(2);
    const [coldStart, metrics] = emf;
    expect(coldStart).toEqual({
      _aws: {
        Timestamp: expect.any(Number),
        CloudWatchMetrics: [
          {
            Namespace: 'Backstop',
            Dimensions: [['service', 'stage', 'function_name']],
            Metrics: [{ Name: 'ColdStart', Unit: 'Count' }],
          },
        ],
      },
      service: 'backstop',
      stage: 'test',
      function_name: 'backstop-recalibrate',
      ColdStart: 1,
    });
    expect(metrics?._aws).toMatchObject({
      CloudWatchMetrics: [
        {
          Namespace: 'Backstop',
          Dimensions: [['stage', 'fundId']],
          Metrics: expect.arrayContaining([
            { Name: 'CoverageRatio', Unit: 'None' },
            { Name: 'RequiredReserveUsd', Unit: 'None' },
            { Name: 'FundBalanceUsd', Unit: 'None' },
            { Name: 'RunSeconds', Unit: 'Seconds' },
            { Name: 'DegradedMarkets', Unit: 'Count' },
          ]),
        },
      ],
    });
    expect(metrics).toMatchObject({
      stage: 'test',
      fundId: 'demo-perps',
      CoverageRatio: response.coverageRatio,
      RequiredReserveUsd: response.requiredReserveUsd,
      FundBalanceUsd: response.fundBalanceUsd,
      RunSeconds: response.runSeconds,
      DegradedMarkets: 0,
    });
    expect(metrics).not.toHaveProperty('service');
  });

  it('logs a failed run with its keys and rethrows, so the retry of the tick can run it', async () => {
    let outage = true;
    const real = replaySource(replay);
    const flaky: MarketSource = {
      collect: (config, asOf, lastGood) =>
        outage ? Promise.reject(new Error('every venue timed out')) : real.collect(config, asOf, lastGood),
    };
    const { handler, store } = await freshHandler(flaky);
    const event = { fundId: 'demo-perps', scheduledTime: TICK };

    await expect(handler(event, lambdaContext('req-fail'))).rejects.toThrow(
      `ingest failed for fund demo-perps at ${ASOF}: every venue timed out`,
    );
    const errors = jsonLines().filter((l) => l.level === 'ERROR');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      message: 'recalibrate failed',
      fundId: 'demo-perps',
      asOf: ASOF,
      runId: 'req-fail',
      error: { name: 'PipelineStepError', step: 'ingest' },
    });
    expect(await store.summaries('demo-perps')).toEqual([]);

    outage = false;
    const retried = await handler(event, lambdaContext('req-retry'));
    expect(retried).toMatchObject({ runId: 'req-retry', asOf: ASOF, stored: true });
    expect(await store.summaries('demo-perps')).toHaveLength(1);
  });

  it.each([
    [{}, 'scheduler payload: fundId: expected string, received undefined, got nothing'],
    [
      { fundId: 'demo-perps', scheduledTime: 'every 15 minutes' },
      'scheduler payload: scheduledTime: Invalid ISO datetime, got "every 15 minutes"',
    ],
    [
      { fundId: 'someone-else' },
      `fundId: no fund config is deployed for this fund (no s3://${BUCKET}/funds/someone-else.json), got "someone-else"`,
    ],
    [
      { fundId: 'broken-fund' },
      `fund config s3://${BUCKET}/funds/broken-fund.json: description: expected string, received number, got 42`,
    ],
    // Finding 3: a tick from the future would be the store's latest run for good.
    [
      { fundId: 'demo-perps', scheduledTime: '9999-12-31T00:00:00Z' },
      'scheduler payload: scheduledTime: "9999-12-31T00:00:00Z" is in the future (more than 5 minutes after now, 2026-11-22T05:00:41.000Z)',
    ],
    [
      { fundId: 'demo-perps', scheduledTime: '2026-11-22T03:59:00Z' },
      "scheduler payload: scheduledTime: the tick of 2026-11-22T03:59:00.000Z is older than the schedule's maximum tick age of 60 minutes (now 2026-11-22T05:00:41.000Z)",
    ],
  ])('rejects the bad payload %j with a clear error, logged, and runs nothing', async (event, message) => {
    const { handler, store } = await freshHandler();
    await expect(handler(event, lambdaContext('req-bad'))).rejects.toThrow(message);
    expect(await store.summaries('demo-perps')).toEqual([]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    const errors = jsonLines().filter((l) => l.level === 'ERROR');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      message: 'recalibrate failed',
      error: { name: 'InvalidInputError', message },
    });
  });
});

describe('handler environment', () => {
  it('names the missing variable', () => {
    expect(() =>
      readHandlerEnvironment({
        BACKSTOP_FUND_CONFIG_BUCKET: 'configs',
        BACKSTOP_FUND_CONFIG_VERSION: '0123456789abcdef',
        BACKSTOP_STAGE: 'test',
        BACKSTOP_TABLE_NAME: 'backstop',
      }),
    ).toThrow('environment: BACKSTOP_TOPIC_ARN: expected string, received undefined, got nothing (+1 more)');
    expect(() =>
      readHandlerEnvironment({
        BACKSTOP_FUND_CONFIG_BUCKET: 'configs',
        BACKSTOP_FUND_CONFIG_VERSION: 'latest',
        BACKSTOP_STAGE: 'test',
        BACKSTOP_TABLE_NAME: 'backstop',
        BACKSTOP_TOPIC_ARN: TOPIC_ARN,
        BACKSTOP_IDEMPOTENCY_TABLE_NAME: 'backstop-idem',
      }),
    ).toThrow('environment: BACKSTOP_FUND_CONFIG_VERSION: must be 16 hex digits, got "latest"');
  });

  it('names a bad topic ARN and a bad venue URL with their values', () => {
    const base = {
      BACKSTOP_FUND_CONFIG_BUCKET: 'configs',
      BACKSTOP_FUND_CONFIG_VERSION: '0123456789abcdef',
      BACKSTOP_STAGE: 'test',
      BACKSTOP_TABLE_NAME: 'backstop',
      BACKSTOP_IDEMPOTENCY_TABLE_NAME: 'backstop-idem',
    };
    expect(() => readHandlerEnvironment({ ...base, BACKSTOP_TOPIC_ARN: 'alerts' })).toThrow(
      'environment: BACKSTOP_TOPIC_ARN: must be an SNS topic ARN, got "alerts"',
    );
    expect(() =>
      readHandlerEnvironment({ ...base, BACKSTOP_TOPIC_ARN: TOPIC_ARN, BACKSTOP_OKX_URL: 'not a url' }),
    ).toThrow('environment: BACKSTOP_OKX_URL: expected an https URL, got "not a url"');
  });
});

describe('recalibrate entry (cold start)', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  const stubEnvironment = async (overrides: Record<string, string>) => {
    const env: Record<string, string> = {
      BACKSTOP_FUND_CONFIG_BUCKET: 'backstop-prod-stateless-fundconfigsbucket-1abc',
      BACKSTOP_FUND_CONFIG_VERSION: '0123456789abcdef',
      BACKSTOP_STAGE: 'test',
      BACKSTOP_TABLE_NAME: 'backstop-prod',
      BACKSTOP_TOPIC_ARN: TOPIC_ARN,
      BACKSTOP_IDEMPOTENCY_TABLE_NAME: 'backstop-prod-idempotency',
      AWS_REGION: 'eu-west-1',
      ...overrides,
    };
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  };

  it('validates the environment at import and exports the handler Lambda calls', async () => {
    await stubEnvironment({});
    const entry = await import('../../../lambda/handlers/recalibrate.ts');
    expect(entry.handler).toBeTypeOf('function');
    expect(entry.fromEnvironment().environment).toMatchObject({
      fundConfigBucket: 'backstop-prod-stateless-fundconfigsbucket-1abc',
      tableName: 'backstop-prod',
      topicArn: TOPIC_ARN,
      idempotencyTableName: 'backstop-prod-idempotency',
      venueEnv: {},
    });
  });

  it('fails the cold start with one line naming a bad fund config bucket', async () => {
    await stubEnvironment({ BACKSTOP_FUND_CONFIG_BUCKET: 'Fund_Configs' });
    await expect(import('../../../lambda/handlers/recalibrate.ts')).rejects.toThrow(
      'environment: BACKSTOP_FUND_CONFIG_BUCKET: must be an S3 bucket name, got "Fund_Configs"',
    );
  });
});
