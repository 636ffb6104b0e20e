/**
 * The fan-out for funds one Lambda cannot finish (docs/OPERATIONS.md, "Fan-out"): a Step Functions
 * state machine over the same steps the tests run in one process (lambda/scale/fan-out/):
 *
 *   Coordinate ──paths──▶ Batches (Distributed Map → worker Lambda per batch) ──▶ Continue ─┐
 *       ▲  └──done──▶ Done                                                                │
 *       └──────────────────────────────────────────────────────────────────────────────────┘
 *   any failure ──▶ NotifyFailure (SNS) ──▶ Failed         + an alarm on failed/timed-out runs
 *
 * The coordinator runs the ordinary pipeline (ingest, recalibrate, reserve, persist, alert); the
 * workers compute batches of paths on their vCPUs; they hand each other data through a scratch
 * bucket whose objects expire after a day.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  MathExpression,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import {
  Choice,
  Condition,
  DefinitionBody,
  DistributedMap,
  Fail,
  JsonPath,
  LogLevel,
  Pass,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke, SnsPublish } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { SCRATCH_BUCKET_ENV_VAR } from '../../lambda/scale/fan-out/fan-out-environment.ts';
import { BackstopFunction } from './backstop-function.ts';
import type { DeadLetterQueue } from './dead-letter-queue.ts';

/** Lambda allocates one vCPU per this many MB. */
const MB_PER_VCPU = 1769;
/** Retries of a failed step (a throttled or crashed Lambda), with backoff. */
export const FAN_OUT_RETRY_ATTEMPTS = 3;
/** One batch's time limit: a batch is seconds of work; past this it is retried. */
export const BATCH_TIMEOUT = Duration.minutes(5);
/** One coordination's time limit: the venues, the store and the tail replays of the last round. */
export const COORDINATE_TIMEOUT = Duration.minutes(15);
/** A whole run's time limit. */
export const RUN_TIMEOUT = Duration.hours(2);

/** Props of {@link FanOutStateMachine}. */
export interface FanOutStateMachineProps {
  readonly stage: string;
  readonly entry: string;
  readonly projectRoot: string;
  readonly logRetention: RetentionDays;
  /** Environment of the coordinator besides what the bindings add (stage, Powertools). */
  readonly environment: Readonly<Record<string, string>>;
  /** Where an asynchronous invocation that failed goes (unused by the state machine's sync calls). */
  readonly onFailure: DeadLetterQueue;
  readonly table: Table;
  readonly topic: ITopic;
  readonly alarmAction: IAlarmAction;
  /** Worker Lambdas at once. */
  readonly maxConcurrency: number;
  /** vCPUs of each worker (memory = 1769 MB per vCPU). @default 2 */
  readonly workerVcpus?: number;
}

/** The fan-out state machine, its two functions and its scratch bucket. */
export class FanOutStateMachine extends Construct {
  readonly coordinator: BackstopFunction;
  readonly worker: BackstopFunction;
  readonly scratch: Bucket;
  readonly stateMachine: StateMachine;
  readonly failureAlarm: Alarm;

  constructor(scope: Construct, id: string, props: FanOutStateMachineProps) {
    super(scope, id);
    this.scratch = new Bucket(this, 'Scratch', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      lifecycleRules: [{ expiration: Duration.days(1) }],
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    Validations.of(this.scratch).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason:
        'scratch between the steps of one run (its snapshot and partial Monte Carlo results), expiring ' +
        'after a day; the run itself is audited in the snapshot table and the execution history',
    });

    const common = {
      entry: props.entry,
      projectRoot: props.projectRoot,
      logRetention: props.logRetention,
      logRemovalPolicy: RemovalPolicy.RETAIN,
      onFailure: props.onFailure,
      // The state machine invokes synchronously and retries itself: no asynchronous retries.
      retryAttempts: 0,
      maxEventAge: Duration.minutes(1),
    };
    this.coordinator = new BackstopFunction(this, 'Coordinator', {
      ...common,
      handler: 'coordinate',
      description: `Backstop ${props.stage}: coordinates a fan-out run (ingest, rounds of paths, persist, alert)`,
      memorySize: 2 * MB_PER_VCPU,
      timeout: COORDINATE_TIMEOUT,
      environment: { ...props.environment, [SCRATCH_BUCKET_ENV_VAR]: this.scratch.bucketName },
    });
    const vcpus = props.workerVcpus ?? 2;
    this.worker = new BackstopFunction(this, 'Worker', {
      ...common,
      handler: 'batch',
      description: `Backstop ${props.stage}: computes one batch of Monte Carlo paths of a fan-out run`,
      memorySize: vcpus * MB_PER_VCPU,
      timeout: BATCH_TIMEOUT,
      environment: { [SCRATCH_BUCKET_ENV_VAR]: this.scratch.bucketName },
    });
    this.bindScratch();

    this.stateMachine = this.buildStateMachine(props);
    this.failureAlarm = new Alarm(this, 'RunFailedAlarm', {
      alarmDescription:
        'Backstop: a fan-out run failed or timed out. See docs/OPERATIONS.md#fan-out-failures.',
      metric: new MathExpression({
        expression: 'failed + timedOut',
        usingMetrics: {
          failed: this.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
          timedOut: this.stateMachine.metricTimedOut({ period: Duration.minutes(5), statistic: 'Sum' }),
        },
        period: Duration.minutes(5),
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.failureAlarm.addAlarmAction(props.alarmAction);
    this.failureAlarm.addOkAction(props.alarmAction);
  }

  private bindScratch(): void {
    const objects = this.scratch.arnForObjects('fan-out/*');
    const stack = Stack.of(this);
    const bucketId = stack.getLogicalId(this.scratch.node.defaultChild as never);
    this.coordinator.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: [objects] }),
    );
    this.coordinator.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.scratch.bucketArn] }),
    );
    this.worker.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: [objects] }),
    );
    for (const fn of [this.coordinator, this.worker]) {
      Validations.of(fn.role!).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/fan-out/*]`,
        reason:
          'a run writes one object per batch under fan-out/<fund>/<asOf>/<run>/, names not known before ' +
          'the run; the prefix is in a scratch bucket of its own',
      });
    }
  }

  private buildStateMachine(props: FanOutStateMachineProps): StateMachine {
    const retry = {
      errors: [
        'Lambda.ServiceException',
        'Lambda.TooManyRequestsException',
        'Lambda.SdkClientException',
        'States.Timeout',
      ],
      interval: Duration.seconds(5),
      maxAttempts: FAN_OUT_RETRY_ATTEMPTS,
      backoffRate: 2,
    };
    const notifyFailure = new SnsPublish(this, 'NotifyFailure', {
      topic: props.topic,
      subject: `Backstop ${props.stage}: a fan-out run failed`,
      message: TaskInput.fromObject({
        kind: 'FAN_OUT_FAILED',
        stage: props.stage,
        execution: JsonPath.executionId,
        error: JsonPath.stringAt('$.error.Error'),
        cause: JsonPath.stringAt('$.error.Cause'),
      }),
      resultPath: JsonPath.DISCARD,
    }).next(
      new Fail(this, 'Failed', { error: 'FanOutFailed', cause: 'a fan-out step failed after its retries' }),
    );

    const coordinate = new LambdaInvoke(this, 'Coordinate', {
      lambdaFunction: this.coordinator,
      payload: TaskInput.fromJsonPathAt('$'),
      payloadResponseOnly: true,
      taskTimeout: Timeout.duration(COORDINATE_TIMEOUT),
      retryOnServiceExceptions: false,
    });
    coordinate.addRetry(retry);
    coordinate.addCatch(notifyFailure, { resultPath: '$.error' });

    const simulate = new LambdaInvoke(this, 'SimulateBatch', {
      lambdaFunction: this.worker,
      payload: TaskInput.fromJsonPathAt('$'),
      payloadResponseOnly: true,
      taskTimeout: Timeout.duration(BATCH_TIMEOUT),
      retryOnServiceExceptions: false,
    });
    simulate.addRetry(retry);
    const batches = new DistributedMap(this, 'Batches', {
      itemsPath: '$.batches',
      maxConcurrency: props.maxConcurrency,
      toleratedFailurePercentage: 0,
      resultPath: JsonPath.DISCARD,
    });
    batches.itemProcessor(simulate);
    batches.addCatch(notifyFailure, { resultPath: '$.error' });

    const next = new Pass(this, 'Continue', { parameters: { 'run.$': '$.run' } });
    const definition = coordinate.next(
      new Choice(this, 'PathsNeeded')
        .when(Condition.stringEquals('$.status', 'paths'), batches.next(next.next(coordinate)))
        .otherwise(new Succeed(this, 'Done')),
    );

    const logs = new LogGroup(this, 'ExecutionLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const machine = new StateMachine(this, 'StateMachine', {
      comment: `Backstop ${props.stage}: fan-out run of a large fund (see docs/OPERATIONS.md#fan-out)`,
      definitionBody: DefinitionBody.fromChainable(definition),
      stateMachineType: StateMachineType.STANDARD,
      timeout: RUN_TIMEOUT,
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
    });
    const stack = Stack.of(this);
    const idOf = (c: Construct) => stack.getLogicalId(c.node.defaultChild as never);
    const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${idOf(machine)}"}]}]}`;
    const acknowledgements: [string, string][] = [
      [
        'Resource::*',
        'X-Ray (PutTraceSegments, GetSampling*) and CloudWatch Logs delivery (CreateLogDelivery and its ' +
          'siblings) do not support resource-level permissions',
      ],
      [
        `Resource::<${idOf(this.coordinator)}.Arn>:*`,
        "Lambda's invoke grant covers the coordinator's own versions and aliases (ARN:*); no other function",
      ],
      [
        `Resource::<${idOf(this.worker)}.Arn>:*`,
        "Lambda's invoke grant covers the worker's own versions and aliases (ARN:*); no other function",
      ],
      [
        `Resource::${executions}:*`,
        "the Distributed Map describes and stops the child executions of this state machine's own runs",
      ],
      [
        `Resource::${executions}/*:*`,
        "the Distributed Map's map runs are named by Step Functions; only this state machine's",
      ],
    ];
    // The role's own statements, then the Distributed Map's policy (a child of the state machine).
    acknowledgements.forEach(([resource, reason], i) => {
      Validations.of(i < 3 ? machine.role : machine).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[${resource}]`,
        reason,
      });
    });
    return machine;
  }
}
