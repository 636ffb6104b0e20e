/**
 * The deployed function publishes the fund's transparency site after every run: the real handler
 * (middy + Powertools) against dynalite, the venue replay server and a local S3 server that stores
 * what it is sent — the page and the feed land under `<fundId>/` with their content types and the
 * one-minute cache lifetime, the second run carries the first run's day in its history, each run's
 * rows land in the Parquet history (docs/EXPORT.md), and a failing S3 never fails the run.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { readHandlerEnvironment } from '../../../lambda/handlers/handler-environment.ts';
import { createRecalibrateHandler } from '../../../lambda/handlers/recalibrate-handler.ts';
import { type ReplayServer, startReplayServer } from '../../../lambda/ingest/replay/replay-server.ts';
import { TransparencyFeedSchema } from '../../../lambda/present/transparency/feed-schema.ts';
import { startTestDynamo, type TestDynamo } from '../../support/dynalite.ts';
import { startTestS3, type TestS3 } from '../../support/s3-server.ts';
import { REPO_ROOT, TEST_PATHS, testClock } from '../pipeline/support.ts';

const CONFIGS = 'backstop-test-fund-configs';
const SITE = 'backstop-test-site';
const HISTORY = 'backstop-test-history';

function context(awsRequestId: string): Context {
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

describe('the recalibrate handler publishes the transparency site', () => {
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
    s3.put(CONFIGS, 'funds/demo-perps.json', JSON.stringify(demo));
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

  async function handlerWith(s3Client: S3Client, now: string) {
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
      BACKSTOP_FUND_CONFIG_BUCKET: CONFIGS,
      BACKSTOP_FUND_CONFIG_VERSION: '0123456789abcdef',
      BACKSTOP_SITE_BUCKET: SITE,
      BACKSTOP_HISTORY_BUCKET: HISTORY,
      BACKSTOP_STAGE: 'test',
      BACKSTOP_TABLE_NAME: tableName,
      BACKSTOP_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:backstop-alerts',
      BACKSTOP_IDEMPOTENCY_TABLE_NAME: idempotencyTable,
      ...replay.env(),
    });
    const clock = testClock(now);
    const handler = createRecalibrateHandler({
      environment,
      dynamoClient: dynamo.client,
      snsClient: new SNSClient({
        region: 'eu-west-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      }),
      s3Client,
      clock,
    });
    return { handler, clock };
  }

  const emfMetric = (name: string): number[] =>
    output
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('{') && l.includes('"_aws"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => name in l)
      .map((l) => l[name] as number);

  it('writes the page and feed under the fund’s folder after each run, history carried in the feed', async () => {
    const { handler, clock } = await handlerWith(s3.client, '2026-11-21T05:00:30Z');
    await handler({ fundId: 'demo-perps', scheduledTime: '2026-11-21T05:00:00Z' }, context('req-1'));
    clock.set('2026-11-22T05:00:30Z');
    const second = await handler(
      { fundId: 'demo-perps', scheduledTime: '2026-11-22T05:00:00Z' },
      context('req-2'),
    );

    const feedObject = s3.object(SITE, 'demo-perps/feed.json');
    const pageObject = s3.object(SITE, 'demo-perps/index.html');
    expect([feedObject?.contentType, feedObject?.cacheControl]).toEqual([
      'application/json; charset=utf-8',
      'public, max-age=60',
    ]);
    expect([pageObject?.contentType, pageObject?.cacheControl]).toEqual([
      'text/html; charset=utf-8',
      'public, max-age=60',
    ]);
    const feed = TransparencyFeedSchema.parse(JSON.parse(feedObject?.body ?? ''));
    expect(feed).toMatchObject({
      fundId: 'demo-perps',
      lastRunAt: '2026-11-22T05:00:00.000Z',
      requiredReserveUsd: second.requiredReserveUsd,
      coverageRatio: second.coverageRatio,
      generatedAt: '2026-11-22T05:00:30.000Z',
    });
    // Each run read the feed back first: absent (404) for the first, which then read the table;
    // the second took the first run's day from that feed.
    expect(s3.requests.filter((r) => r === `GET /${SITE}/demo-perps/feed.json`)).toHaveLength(2);
    expect(feed.history.map((h) => h.asOf)).toEqual(['2026-11-21T05:00:00.000Z', '2026-11-22T05:00:00.000Z']);
    expect(pageObject?.body).toContain(
      `data-field="requiredReserveUsd" data-value="${second.requiredReserveUsd}"`,
    );
    expect(emfMetric('SitePublishFailures')).toEqual([0, 0]);

    // Each run's row in the Parquet history, under its fund and day.
    const rows = [];
    for (const day of ['2026-11-21', '2026-11-22']) {
      const bytes = s3.object(
        HISTORY,
        `runs/fund_id=demo-perps/date=${day}/${day}T050000.000Z.parquet`,
      )?.bytes;
      if (bytes === undefined) throw new Error(`no history object for ${day}`);
      const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      rows.push(
        ...((await parquetReadObjects({ file, columns: ['as_of', 'required_reserve_usd'] })) as object[]),
      );
    }
    expect(rows.at(-1)).toEqual({
      as_of: new Date('2026-11-22T05:00:00.000Z'),
      required_reserve_usd: second.requiredReserveUsd,
    });
    expect(rows).toHaveLength(2);
    expect(
      s3.object(HISTORY, 'markets/fund_id=demo-perps/date=2026-11-22/2026-11-22T050000.000Z.parquet'),
    ).toBeDefined();
    expect(emfMetric('HistoryExportFailures')).toEqual([0, 0]);
  });

  it('does not fail the run when S3 refuses, and counts the failure', async () => {
    // The same local S3, but every write is refused (as a missing s3:PutObject grant would be);
    // the fund config is still read.
    const broken = new S3Client({
      endpoint: s3.endpoint,
      forcePathStyle: true,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    broken.middlewareStack.add(
      (next, ctx) => async (args) => {
        if (ctx.commandName === 'PutObjectCommand') throw new Error('AccessDenied: s3:PutObject');
        return next(args);
      },
      { step: 'initialize', name: 'refuseWrites' },
    );
    const { handler } = await handlerWith(broken, '2026-11-22T06:00:30Z');
    const response = await handler(
      { fundId: 'demo-perps', scheduledTime: '2026-11-22T06:00:00Z' },
      context('req-3'),
    );
    expect(response).toMatchObject({ fundId: 'demo-perps', stored: true });
    expect(emfMetric('SitePublishFailures')).toEqual([1]);
    expect(emfMetric('HistoryExportFailures')).toEqual([1]);
    expect(output.join('')).toContain('run history not exported to S3; the table keeps the run');
    expect(output.join('')).toContain('transparency site not published; the next run publishes again');
  });
});
