/**
 * The stateless half of Backstop: the recalibration function, its idempotency table, one schedule
 * per fund, the alarms and dashboards, and who hears the alert topic. Everything here can be
 * destroyed and redeployed without losing a stored run.
 */
import { fileURLToPath } from 'node:url';
import {
  type CfnElement,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IAlarm, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { BalanceSource, FundConfig } from '../lambda/config/fund-config.ts';
import {
  FUND_CONFIG_BUCKET_ENV_VAR,
  FUND_CONFIG_VERSION_ENV_VAR,
  HISTORY_BUCKET_ENV_VAR,
  SITE_BUCKET_ENV_VAR,
  STAGE_ENV_VAR,
} from '../lambda/handlers/handler-environment.ts';
import { executionModeOf } from '../lambda/scale/execution-mode.ts';
import { AlertChannels } from './constructs/alert-channels.ts';
import { BackstopFunction } from './constructs/backstop-function.ts';
import { DeadLetterQueue } from './constructs/dead-letter-queue.ts';
import { FanOutStateMachine } from './constructs/fan-out-state-machine.ts';
import { FundConfigBucket } from './constructs/fund-config-bucket.ts';
import { FundMonitoring } from './constructs/fund-monitoring.ts';
import { FundSchedule } from './constructs/fund-schedule.ts';
import { RunHistory } from './constructs/run-history.ts';
import { TransparencySite, transparencyOutputId } from './constructs/transparency-site.ts';
import type { DeployedFund } from './deployment-config.ts';
import { secretRefsOf } from './fund-secrets.ts';
import { METRICS_NAMESPACE, SERVICE_NAME } from './run-metrics.ts';

/** The handler every schedule invokes (lambda/handlers/recalibrate.ts, export `handler`). */
export const RECALIBRATE_ENTRY = fileURLToPath(new URL('../lambda/handlers/recalibrate.ts', import.meta.url));
/** The fan-out functions' entry (exports `coordinate` and `batch`). */
export const FAN_OUT_ENTRY = fileURLToPath(new URL('../lambda/handlers/fan-out.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Lambda allocates one vCPU per this many MB of memory. */
export const MB_PER_VCPU = 1769;
/**
 * Sized for vCPUs, not space (the path buffers are ~100 MB): the Monte Carlo runs one worker thread
 * per vCPU (lambda/scale/lambda-workers.ts), so two full vCPUs, as many as the benchmark machine
 * class has. docs/OPERATIONS.md ("Sizing") has the table behind it.
 */
export const RECALIBRATE_MEMORY_MB = 2 * MB_PER_VCPU;
/**
 * Venue calls dominate the worst case: four venues with a 10 s timeout and three attempts each, in
 * parallel, then the Monte Carlo (a few seconds) and the store. 120 s leaves room for a slow day and
 * stays far below the shortest schedule interval, so runs of one fund never overlap.
 */
export const RECALIBRATE_TIMEOUT = Duration.seconds(120);

/** Environment variable names the handler reads. */
export const FunctionEnv = {
  fundConfigBucket: FUND_CONFIG_BUCKET_ENV_VAR,
  fundConfigVersion: FUND_CONFIG_VERSION_ENV_VAR,
  stage: STAGE_ENV_VAR,
  table: 'BACKSTOP_TABLE_NAME',
  topic: 'BACKSTOP_TOPIC_ARN',
  idempotencyTable: 'BACKSTOP_IDEMPOTENCY_TABLE_NAME',
} as const;

/** Props of {@link BackstopStatelessStack}. */
export interface BackstopStatelessStackProps extends StackProps {
  readonly stage: string;
  readonly funds: readonly DeployedFund[];
  /** The function's log retention, days (a value CloudWatch Logs accepts). */
  readonly logRetentionDays: number;
  /** From the stateful stack. */
  readonly table: Table;
  readonly topic: ITopic;
  /** The handler's entry file. @default {@link RECALIBRATE_ENTRY} */
  readonly entry?: string;
}

/** Function, schedules, alarms, dashboards and subscriptions for one stage. */
export class BackstopStatelessStack extends Stack {
  readonly recalibrate: BackstopFunction;
  readonly fundConfigs: FundConfigBucket;
  readonly transparency: TransparencySite;
  /** Each run's rows as Parquet, with Athena tables over them. */
  readonly history: RunHistory;
  readonly idempotencyTable: Table;
  readonly schedules: ReadonlyMap<string, FundSchedule>;
  readonly monitoring: ReadonlyMap<string, FundMonitoring>;
  /** The fan-out state machine, when any fund runs that way. */
  readonly fanOut: FanOutStateMachine | undefined;

  constructor(scope: Construct, id: string, props: BackstopStatelessStackProps) {
    super(scope, id, props);
    const funds = props.funds.map((f) => f.config);
    const shortestInterval = Math.min(...funds.map((f) => f.schedule.intervalMinutes));

    const scheduleDlq = new DeadLetterQueue(this, 'ScheduleDeadLetterQueue', {
      purpose: 'scheduler ticks that could not be delivered to the function',
    });
    const failedRuns = new DeadLetterQueue(this, 'FailedRunQueue', {
      purpose: 'recalibration runs that failed after Lambda retried them (on-failure destination)',
    });
    const undeliveredEmail = new DeadLetterQueue(this, 'UndeliveredAlertQueue', {
      purpose: 'alert emails SNS gave up delivering',
    });

    // Powertools keeps a record per tick for the idempotency window (a day), then TTL removes it. It
    // is encrypted with the data key like the snapshots (a record holds a run's summary) and has
    // point-in-time recovery: restoring it after an incident keeps redelivered ticks from running twice.
    this.idempotencyTable = new Table(this, 'IdempotencyTable', {
      partitionKey: { name: 'id', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiration',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      ...(props.table.encryptionKey === undefined
        ? {}
        : { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey: props.table.encryptionKey }),
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.fundConfigs = new FundConfigBucket(this, 'FundConfigs', { funds: props.funds });

    this.recalibrate = new BackstopFunction(this, 'RecalibrateFunction', {
      entry: props.entry ?? RECALIBRATE_ENTRY,
      projectRoot: PROJECT_ROOT,
      description: `Backstop ${props.stage}: recalibrates and recomputes each fund's required reserve`,
      memorySize: RECALIBRATE_MEMORY_MB,
      timeout: RECALIBRATE_TIMEOUT,
      logRetention: props.logRetentionDays as RetentionDays,
      logRemovalPolicy: RemovalPolicy.RETAIN,
      onFailure: failedRuns,
      // A run that has waited longer than the shortest interval is superseded by the next tick.
      maxEventAge: Duration.minutes(Math.min(Math.max(shortestInterval, 1), 360)),
      environment: {
        [FunctionEnv.stage]: props.stage,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      },
    });
    this.recalibrate
      // What the store's repositories do: get/put (conditional) items, update step records and outbox
      // claims, delete overflow parts and old outbox tombstones, query runs (test/infra/iam-from-code).
      .bindTable(props.table, FunctionEnv.table, [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:Query',
      ])
      // What Powertools' DynamoDBPersistenceLayer does.
      .bindTable(this.idempotencyTable, FunctionEnv.idempotencyTable, [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
      ])
      .bindTopic(props.topic, FunctionEnv.topic)
      .bindFundConfigs(this.fundConfigs, FunctionEnv.fundConfigBucket, FunctionEnv.fundConfigVersion)
      .bindParameters(funds.flatMap((f) => balanceParameters(f.balance)))
      // RPC URLs with keys and the alert channels' secrets (lib/fund-secrets.ts).
      .bindSecrets(funds.flatMap(secretRefsOf));
    Validations.of(this.recalibrate).acknowledge({
      id: 'Serverless::Serverless-LambdaDLQ',
      reason:
        'asynchronous failures go to an on-failure destination (FailedRunQueue), which supersedes a ' +
        'dead-letter queue and also records the error',
    });

    const alarmAction = new SnsAction(props.topic);
    // Each run publishes its fund's public page; the URLs are outputs (docs/OPERATIONS.md).
    this.transparency = new TransparencySite(this, 'TransparencySite', {
      stage: props.stage,
      funds,
      alarmAction,
    });
    this.recalibrate.bindSite(this.transparency.bucket, SITE_BUCKET_ENV_VAR);
    this.history = new RunHistory(this, 'RunHistory', {
      stage: props.stage,
      fundIds: funds.map((f) => f.fundId),
    });
    this.recalibrate.bindHistory(this.history.bucket, HISTORY_BUCKET_ENV_VAR);
    new CfnOutput(this, 'RunHistoryBucketName', {
      description: 'Parquet history of every run (runs/ and markets/, by fund_id and date)',
      value: this.history.bucket.bucketName,
    });
    new CfnOutput(this, 'RunHistoryDatabase', {
      description: 'Glue database of the Athena tables runs and markets',
      value: this.history.databaseName,
    });
    for (const fund of funds) {
      new CfnOutput(this, transparencyOutputId(fund.fundId), {
        description: `Public transparency page of fund ${fund.fundId}`,
        value: this.transparency.pageUrl(fund.fundId),
      });
    }
    this.fanOut = this.fanOutFor(funds, props, failedRuns, alarmAction);
    const sharedAlarms = this.sharedAlarms(alarmAction, [
      [scheduleDlq, 'ScheduleDeadLetterAlarm', 'scheduler ticks were not delivered to the function'],
      [failedRuns, 'FailedRunAlarm', 'recalibration runs failed after all retries'],
      [undeliveredEmail, 'UndeliveredAlertAlarm', 'alert emails could not be delivered'],
    ]);

    // One role for every schedule, granted invoke on this function alone.
    const schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: 'Lets EventBridge Scheduler invoke the recalibration function',
    });
    const functionLogicalId = this.getLogicalId(this.recalibrate.node.defaultChild as CfnElement);
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
      reason:
        "Lambda's invoke grant covers the function's own versions and aliases (ARN:*); no other function",
    });

    const schedules = new Map<string, FundSchedule>();
    const monitoring = new Map<string, FundMonitoring>();
    for (const fund of funds) {
      // The fund id is the construct id: stable while the fund exists, unique by the config rules.
      const id = `Fund-${fund.fundId}`;
      const fanOut =
        this.fanOut !== undefined && executionModeOf(fund) === 'fan-out' ? this.fanOut : undefined;
      schedules.set(
        fund.fundId,
        new FundSchedule(this, `${id}-Schedule`, {
          fund,
          target: this.recalibrate,
          ...(fanOut === undefined ? {} : { stateMachine: fanOut.stateMachine }),
          role: schedulerRole,
          deadLetterQueue: scheduleDlq,
        }),
      );
      monitoring.set(
        fund.fundId,
        new FundMonitoring(this, `${id}-Monitoring`, {
          fund,
          stage: props.stage,
          alarmAction,
          sharedAlarms,
          functionDuration: (fanOut?.coordinator ?? this.recalibrate).metricDuration(),
          functionName: (fanOut?.coordinator ?? this.recalibrate).functionName,
        }),
      );
    }
    this.schedules = schedules;
    this.monitoring = monitoring;
    new CfnOutput(this, 'RecalibrateFunctionName', { value: this.recalibrate.functionName });

    new AlertChannels(this, 'AlertChannels', {
      stage: props.stage,
      topic: props.topic,
      funds,
      deadLetterQueue: undeliveredEmail,
    });
  }

  /**
   * The fan-out state machine, when a fund runs that way (`execution.mode`, or `"auto"` for a large
   * fund): its coordinator gets exactly the recalibrate function's bindings.
   */
  private fanOutFor(
    funds: readonly FundConfig[],
    props: BackstopStatelessStackProps,
    failedRuns: DeadLetterQueue,
    alarmAction: SnsAction,
  ): FanOutStateMachine | undefined {
    const fanned = funds.filter((f) => executionModeOf(f) === 'fan-out');
    if (fanned.length === 0) return undefined;
    const fanOut = new FanOutStateMachine(this, 'FanOut', {
      stage: props.stage,
      entry: FAN_OUT_ENTRY,
      projectRoot: PROJECT_ROOT,
      logRetention: props.logRetentionDays as RetentionDays,
      environment: {
        [FunctionEnv.stage]: props.stage,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      },
      onFailure: failedRuns,
      table: props.table,
      topic: props.topic,
      alarmAction,
      maxConcurrency: Math.max(...fanned.map((f) => f.execution?.maxConcurrency ?? 40)),
    });
    fanOut.coordinator
      .bindTable(props.table, FunctionEnv.table, [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:DeleteItem',
        'dynamodb:Query',
      ])
      .bindTopic(props.topic, FunctionEnv.topic)
      .bindFundConfigs(this.fundConfigs, FunctionEnv.fundConfigBucket, FunctionEnv.fundConfigVersion)
      .bindParameters(fanned.flatMap((f) => balanceParameters(f.balance)))
      .bindSecrets(fanned.flatMap(secretRefsOf))
      .bindSite(this.transparency.bucket, SITE_BUCKET_ENV_VAR);
    for (const fn of [fanOut.coordinator, fanOut.worker]) {
      Validations.of(fn).acknowledge({
        id: 'Serverless::Serverless-LambdaDLQ',
        reason:
          'invoked synchronously by the fan-out state machine, which retries, catches and alarms on ' +
          'failures itself; asynchronous invocations (none expected) go to the FailedRunQueue destination',
      });
    }
    return fanOut;
  }

  /** Function errors and throttles, and any message in a dead-letter queue. */
  private sharedAlarms(action: SnsAction, queues: readonly [DeadLetterQueue, string, string][]): IAlarm[] {
    const period = Duration.minutes(5);
    const alarms = [
      new Alarm(this, 'FunctionErrorAlarm', {
        alarmDescription:
          'Backstop: the recalibration function failed. See docs/OPERATIONS.md#function-errors.',
        metric: this.recalibrate.metricErrors({ period, statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'FunctionThrottleAlarm', {
        alarmDescription:
          'Backstop: the recalibration function was throttled. See docs/OPERATIONS.md#throttles.',
        metric: this.recalibrate.metricThrottles({ period, statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      ...queues.map(
        ([queue, id, what]) =>
          new Alarm(this, id, {
            alarmDescription: `Backstop: ${what}. See docs/OPERATIONS.md#dead-letter-queues.`,
            metric: queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
            threshold: 1,
            comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluationPeriods: 1,
            treatMissingData: TreatMissingData.NOT_BREACHING,
          }),
      ),
    ];
    for (const alarm of alarms) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    return alarms;
  }
}

/**
 * The SSM parameters a balance source reads at run time: a treasury-maintained balance (secrets,
 * such as an EVM RPC URL with a key, are granted by {@link secretRefsOf}).
 */
function balanceParameters(balance: BalanceSource): { name: string; region?: string }[] {
  if (balance.type === 'sum') return balance.sources.flatMap(balanceParameters);
  if (balance.type === 'ssm')
    return [
      { name: balance.parameterName, ...(balance.region === undefined ? {} : { region: balance.region }) },
    ];
  return [];
}
