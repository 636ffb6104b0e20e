/**
 * Lambda entries of the fan-out state machine (lib/constructs/fan-out-state-machine.ts): the
 * coordinator (`coordinate`) and the batch worker (`batch`), bundled as two functions from this
 * file. Both run the steps of lambda/scale/fan-out/fan-out-steps.ts — the same code the in-process
 * map runs in the tests — with the real AWS clients from the environment.
 */
import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { s3FundConfigs } from '../config/s3-fund-configs.ts';
import { createVenueMarketSource } from '../ingest/venue-market-source.ts';
import { ssmSecretReader } from '../notify/channel-secrets.ts';
import { channelEndpointsFromEnv, channelNotifiers } from '../notify/configured-channels.ts';
import { SnsNotifier } from '../notify/sns-notifier.ts';
import type { StoredRun } from '../run/stored-run.ts';
import { readBatchEnvironment, readFanOutEnvironment } from '../scale/fan-out/fan-out-environment.ts';
import { parseBatchTask, parseCoordinateEvent } from '../scale/fan-out/fan-out-events.ts';
import {
  type CoordinateResult,
  coordinate as coordinateStep,
  DEFAULT_BATCH_PATHS,
  simulateBatch,
} from '../scale/fan-out/fan-out-steps.ts';
import { s3Scratch } from '../scale/fan-out/scratch-store.ts';
import { lambdaPathRunner } from '../scale/lambda-workers.ts';
import { DynamoSnapshotStore } from '../store/dynamo-snapshot-store.ts';
import { publishAfterRun } from './publish-after-run.ts';
import { createMetrics, recordMetrics } from './recalibrate-handler.ts';

const logger = new Logger({ serviceName: 'backstop' });
const tracer = new Tracer({ serviceName: 'backstop' });
const s3 = tracer.captureAWSv3Client(new S3Client({}));

/** Built on the first coordination: a batch worker has none of these variables. */
let coordinator: ReturnType<typeof coordinatorPorts> | null = null;

function coordinatorPorts() {
  const env = readFanOutEnvironment(process.env);
  return {
    env,
    configs: s3FundConfigs({ bucket: env.fundConfigBucket, client: s3 }),
    metrics: createMetrics(env.stage),
    secrets: ssmSecretReader((region) =>
      tracer.captureAWSv3Client(new SSMClient(region === undefined ? {} : { region })),
    ),
    channelEndpoints: channelEndpointsFromEnv(process.env),
    ports: {
      source: createVenueMarketSource({ env: env.venueEnv }),
      store: new DynamoSnapshotStore({
        tableName: env.tableName,
        client: tracer.captureAWSv3Client(new DynamoDBClient({})),
      }),
      notifiers: [
        new SnsNotifier({
          topicArn: env.topicArn,
          client: tracer.captureAWSv3Client(new SNSClient({})),
        }),
      ],
      clock: { now: () => new Date() },
      scratch: s3Scratch({ bucket: env.scratchBucket, client: s3 }),
    },
  };
}

/** The coordinator: a tick `{fundId, scheduledTime?}` or a continuation `{run}` in, the next step out. */
export async function coordinate(event: unknown, context: Context): Promise<CoordinateResult> {
  coordinator ??= coordinatorPorts();
  const parsed = parseCoordinateEvent(event, new Date());
  const run = parsed.first
    ? { fundId: parsed.fundId, asOf: parsed.asOf, runId: context.awsRequestId || randomUUID() }
    : parsed.run;
  logger.appendKeys({ ...run, fundConfigVersion: coordinator.env.fundConfigVersion });
  const config = await coordinator.configs.get(run.fundId);
  const { env, metrics } = coordinator;
  const ports = {
    ...coordinator.ports,
    notifiers: [
      ...coordinator.ports.notifiers,
      ...channelNotifiers(config, { secrets: coordinator.secrets, endpoints: coordinator.channelEndpoints }),
    ],
  };
  const publish = async (stored: StoredRun) => {
    if (env.siteBucket === undefined) return;
    const published = await publishAfterRun({
      run: stored,
      store: ports.store,
      bucket: env.siteBucket,
      client: s3,
      now: ports.clock.now().toISOString(),
      log: { error: (message, extra) => logger.error(message, extra ?? {}) },
    });
    metrics.addMetric('SitePublishFailures', MetricUnit.Count, published ? 0 : 1);
  };
  const batchPaths = config.execution?.batchPaths ?? DEFAULT_BATCH_PATHS;
  const result = await coordinateStep(ports, config, run, batchPaths, publish);
  if (result.status === 'done') {
    recordMetrics(coordinator.metrics, result.outcome);
    coordinator.metrics.publishStoredMetrics();
    logger.info('fan-out run finished', { status: result.outcome.status, stored: result.outcome.stored });
  } else {
    logger.info('fan-out round', {
      batches: result.batches.length,
      from: result.batches[0]?.from,
      to: result.batches.at(-1)?.to,
    });
  }
  return result;
}

let batchScratch: ReturnType<typeof s3Scratch> | null = null;
let lanes: ReturnType<typeof lambdaPathRunner> | null = null;

/** A batch worker: a {@link parseBatchTask} batch in, the key of its stored partial out. */
export async function batch(event: unknown): Promise<{ key: string; paths: number }> {
  batchScratch ??= s3Scratch({ bucket: readBatchEnvironment(process.env).scratchBucket, client: s3 });
  lanes ??= lambdaPathRunner();
  return simulateBatch(batchScratch, parseBatchTask(event), lanes.pathRunner);
}
