/**
 * The recalibrate function, as a factory of its ports: the Lambda entry (recalibrate.ts) wires the
 * real AWS clients from the environment, the tests wire dynalite, the venue replay server and a
 * mocked SNS client — the middleware stack and the pipeline are the same.
 *
 * Middleware order (middy runs `before` in this order, `after`/`onError` in reverse):
 * logger context → tracer → metrics → error log → payload validation → idempotency. Validation
 * runs before idempotency because the idempotency key is the validated `[fundId, asOf]`: a payload
 * without `scheduledTime` gets `asOf` = now truncated to the minute, and the raw payload alone would
 * make every such invocation look like the same one.
 *
 * Idempotency runs on Powertools' DynamoDBPersistenceLayer, also against dynalite in the tests: its
 * conditional put works there; dynalite ignores `ReturnValuesOnConditionCheckFailure`, so on a
 * duplicate Powertools does not get the existing record with the error and falls back to reading it
 * (GetItem) — same outcome, one extra read. The snapshot's own conditional put is the second guard:
 * a tick redelivered after the idempotency record expired still stores nothing twice.
 */
import { randomUUID } from 'node:crypto';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { FundConfigSource } from '../config/fund-config-objects.ts';
import { s3FundConfigs } from '../config/s3-fund-configs.ts';
import { createVenueMarketSource } from '../ingest/venue-market-source.ts';
import { ssmSecretReader } from '../notify/channel-secrets.ts';
import { channelNotifiers } from '../notify/configured-channels.ts';
import { SnsNotifier } from '../notify/sns-notifier.ts';
import type { Clock, MarketSource } from '../pipeline/ports.ts';
import type { RunOutcome } from '../pipeline/run-outcome.ts';
import { type RunPipelineInput, runPipeline } from '../pipeline/run-pipeline.ts';
import { DynamoSnapshotStore } from '../store/dynamo-snapshot-store.ts';
import { exportAfterRun } from './export-after-run.ts';
import type { HandlerEnvironment } from './handler-environment.ts';
import { publishAfterRun } from './publish-after-run.ts';
import { checkTickAge, parseSchedulerPayload, type RecalibrateRequest } from './scheduler-payload.ts';

/** Metric namespace of the EMF metrics (the dashboard and alarms read it). */
export const METRICS_NAMESPACE = 'Backstop';
/** Idempotency records outlive any Scheduler redelivery (its maximum event age is 24 h). */
export const IDEMPOTENCY_EXPIRY_SECONDS = 24 * 3600;

/** What the function returns (and the idempotency record stores): the outcome without the flag list. */
export type RecalibrateResponse = Omit<RunOutcome, 'flags'> & { readonly flagCount: number };

/** The ports and observability tools of the function. */
export interface RecalibrateDeps {
  readonly environment: HandlerEnvironment;
  /** Used for the snapshot table and the idempotency table. */
  readonly dynamoClient: DynamoDBClient;
  readonly snsClient: SNSClient;
  /** Reads the fund config objects from the environment's bucket (and writes the transparency sites). */
  readonly s3Client: S3Client;
  /** The SSM client of a region (undefined: the function's own), for the alert channels' secrets. */
  readonly ssmClient?: (region: string | undefined) => SSMClient;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  readonly tracer?: Tracer;
  readonly clock?: Clock;
  /** Defaults to the venue adapters with the environment's base-URL overrides. */
  readonly marketSource?: MarketSource;
  /** Where the Monte Carlo runs (the function's vCPUs as worker threads); default one thread. */
  readonly pathRunner?: RunPipelineInput['pathRunner'];
}

/** The Lambda handler signature: any event in, a summary out (never `undefined`). */
export type RecalibrateHandler = (event: unknown, context: Context) => Promise<RecalibrateResponse>;

const systemClock: Clock = { now: () => new Date() };

/**
 * Builds the recalibrate handler around `deps`.
 *
 * @example
 * export const handler = createRecalibrateHandler(fromEnvironment());
 */
export function createRecalibrateHandler(deps: RecalibrateDeps): RecalibrateHandler {
  const { environment } = deps;
  const logger = deps.logger ?? new Logger({ serviceName: 'backstop' });
  const metrics = deps.metrics ?? createMetrics(environment.stage);
  const tracer = deps.tracer ?? new Tracer({ serviceName: 'backstop' });
  const clock = deps.clock ?? systemClock;
  const store = new DynamoSnapshotStore({ tableName: environment.tableName, client: deps.dynamoClient });
  const notifier = new SnsNotifier({ topicArn: environment.topicArn, client: deps.snsClient });
  // Built once per cold start, so the secrets cache outlives an invocation.
  const secrets = ssmSecretReader(
    deps.ssmClient ?? ((region) => new SSMClient(region === undefined ? {} : { region })),
  );
  const source = deps.marketSource ?? createVenueMarketSource({ env: environment.venueEnv });
  const fundConfigs = s3FundConfigs({ bucket: environment.fundConfigBucket, client: deps.s3Client });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: environment.idempotencyTableName,
    awsSdkV3Client: deps.dynamoClient,
  });
  const idempotency = new IdempotencyConfig({
    eventKeyJmesPath: '[fundId, asOf]',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: IDEMPOTENCY_EXPIRY_SECONDS,
  });

  const recalibrate = async (tick: RecalibrateRequest, context: Context): Promise<RecalibrateResponse> => {
    // Fetched (and cached) once already by the payload validation.
    const config = await fundConfigs.get(tick.fundId);
    const runId = context.awsRequestId || randomUUID();
    logger.appendKeys({ runId });
    const { outcome, run } = await runPipeline({
      config,
      asOf: tick.asOf,
      runId,
      source,
      store,
      notifiers: [
        notifier,
        ...channelNotifiers(config, { secrets, endpoints: environment.channelEndpoints }),
      ],
      clock,
      ...(deps.pathRunner === undefined ? {} : { pathRunner: deps.pathRunner }),
      logger: {
        info: (message, extra) => logger.info(message, extra ?? {}),
        warn: (message, extra) => logger.warn(message, extra ?? {}),
        error: (message, extra) => logger.error(message, extra ?? {}),
      },
    });
    recordMetrics(metrics, outcome);
    if (environment.siteBucket !== undefined) {
      const published = await publishAfterRun({
        run,
        store,
        bucket: environment.siteBucket,
        client: deps.s3Client,
        now: clock.now().toISOString(),
        log: { error: (message, extra) => logger.error(message, extra ?? {}) },
      });
      metrics.addMetric('SitePublishFailures', MetricUnit.Count, published ? 0 : 1);
    }
    if (environment.historyBucket !== undefined) {
      const exported = await exportAfterRun({
        run,
        bucket: environment.historyBucket,
        client: deps.s3Client,
        log: { error: (message, extra) => logger.error(message, extra ?? {}) },
      });
      metrics.addMetric('HistoryExportFailures', MetricUnit.Count, exported ? 0 : 1);
    }
    logger.info('run finished', {
      status: outcome.status,
      coverageRatio: outcome.coverageRatio,
      stored: outcome.stored,
      notifications: outcome.notifications,
    });
    const { flags, ...rest } = outcome;
    return { ...rest, flagCount: flags.length };
  };

  const handler = middy<RecalibrateRequest, RecalibrateResponse, Error, Context>(recalibrate)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics, { throwOnEmptyMetrics: false, captureColdStartMetric: true }))
    .use(logErrors(logger))
    .use(validatePayload(fundConfigs, clock, logger, environment.fundConfigVersion))
    .use(makeHandlerIdempotent({ persistenceStore, config: idempotency }));
  // The validation middleware turns the raw Scheduler event into a RecalibrateRequest.
  return handler as unknown as RecalibrateHandler;
}

/**
 * EMF metrics whose one default dimension is the stage (instead of Powertools' `service`): run
 * metrics are per `stage` and `fundId`; the cold-start metric is per `service` (Powertools adds it
 * to that one regardless), `stage` and `function_name`.
 */
export function createMetrics(stage: string): Metrics {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'backstop' });
  metrics.clearDefaultDimensions();
  metrics.setDefaultDimensions({ stage });
  return metrics;
}

/** The run's metrics (the fan-out's coordinator records the same ones). */
export function recordMetrics(metrics: Metrics, outcome: Omit<RunOutcome, 'flags'>): void {
  metrics.addDimension('fundId', outcome.fundId);
  if (outcome.coverageRatio !== null)
    metrics.addMetric('CoverageRatio', MetricUnit.NoUnit, outcome.coverageRatio);
  metrics.addMetric('RequiredReserveUsd', MetricUnit.NoUnit, outcome.requiredReserveUsd);
  if (outcome.fundBalanceUsd !== null)
    metrics.addMetric('FundBalanceUsd', MetricUnit.NoUnit, outcome.fundBalanceUsd);
  metrics.addMetric('RunSeconds', MetricUnit.Seconds, outcome.runSeconds);
  metrics.addMetric('DegradedMarkets', MetricUnit.Count, outcome.degradedMarkets);
}

/**
 * Validates the Scheduler payload, derives `asOf`, checks that a config is deployed for the fund and
 * that the tick is not older than its schedule allows (before the idempotency record, so a refused
 * tick leaves none); the log keys fundId,
 * asOf and the configs' version come from here.
 */
function validatePayload(
  fundConfigs: FundConfigSource,
  clock: Clock,
  logger: Logger,
  fundConfigVersion: string,
): MiddlewareObj<RecalibrateRequest, RecalibrateResponse, Error, Context> {
  return {
    before: async (request) => {
      const tick = parseSchedulerPayload(request.event, clock.now());
      logger.appendKeys({ fundId: tick.fundId, asOf: tick.asOf, fundConfigVersion });
      checkTickAge(tick, await fundConfigs.get(tick.fundId), clock.now());
      request.event = tick;
    },
  };
}

/** Logs any error with the run's keys before middy rethrows it to Lambda (retries, on-failure destination). */
function logErrors(logger: Logger): MiddlewareObj<RecalibrateRequest, RecalibrateResponse, Error, Context> {
  return {
    onError: (request) => {
      logger.error('recalibrate failed', request.error ?? new Error('unknown error'));
    },
  };
}
