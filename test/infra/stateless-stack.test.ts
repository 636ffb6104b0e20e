import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FundConfigSchema } from '../../lambda/config/fund-config.ts';
import { fundConfigVersion } from '../../lib/constructs/fund-config-bucket.ts';
import type { BackstopStatelessStack } from '../../lib/stateless-stack.ts';
import { CHANNEL_KEY_ARN, fastStacks, TWO_FUNDS } from './support/fixtures.ts';

/** `arn:<partition>:<service>:<region>:<account><rest>` as CloudFormation joins it. */
function regionalArn(service: string, rest: string): unknown {
  return {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        `:${service}:`,
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        rest,
      ],
    ],
  };
}

/** A template fragment: CloudFormation JSON is untyped, as `Template.findResources` returns it. */
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation templates are untyped JSON
type Json = any;

describe('BackstopStatelessStack', () => {
  let template: Template;
  let topicImport: unknown;
  let stack: BackstopStatelessStack;
  let assemblyDir: string;

  beforeAll(() => {
    const { app, stateless } = fastStacks();
    stack = stateless;
    template = Template.fromStack(stateless);
    assemblyDir = app.outdir;
    topicImport = { 'Fn::ImportValue': 'Backstop-test-Stateful:ExportsOutputRefAlertTopic2720D5359ADB6D3E' };
  });

  function only(type: string, props?: Json): Record<string, Json> {
    const resources = Object.values(template.findResources(type, props && { Properties: props }));
    expect(resources).toHaveLength(1);
    return resources[0]!.Properties;
  }
  /** The recalibration function (the other function is aws-cdk-lib's bucket-deployment handler). */
  const recalibrate = () => only('AWS::Lambda::Function', { Runtime: 'nodejs24.x' });

  describe('the recalibration function', () => {
    it('runs Node 24 on arm64 with 3538 MB (two vCPUs), 120 s, active tracing and JSON logs into its own log group', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 3538,
        Timeout: 120,
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: {
          LogFormat: 'JSON',
          LogGroup: { Ref: Match.stringLikeRegexp('^RecalibrateFunctionLogs') },
        },
      });
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
      template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
    });

    it('receives exactly the environment the handler reads', () => {
      const env = recalibrate().Environment.Variables;
      expect(Object.keys(env).sort()).toEqual([
        'BACKSTOP_FUND_CONFIG_BUCKET',
        'BACKSTOP_FUND_CONFIG_VERSION',
        'BACKSTOP_HISTORY_BUCKET',
        'BACKSTOP_IDEMPOTENCY_TABLE_NAME',
        'BACKSTOP_SITE_BUCKET',
        'BACKSTOP_STAGE',
        'BACKSTOP_TABLE_NAME',
        'BACKSTOP_TOPIC_ARN',
        'NODE_OPTIONS',
        'POWERTOOLS_METRICS_NAMESPACE',
        'POWERTOOLS_SERVICE_NAME',
      ]);
      expect(env.BACKSTOP_STAGE).toBe('test');
      expect(env.POWERTOOLS_SERVICE_NAME).toBe('backstop');
      expect(env.POWERTOOLS_METRICS_NAMESPACE).toBe('Backstop');
      expect(env.NODE_OPTIONS).toBe('--enable-source-maps');
      expect(env.BACKSTOP_TABLE_NAME).toEqual({
        'Fn::ImportValue': 'Backstop-test-Stateful:ExportsOutputRefSnapshotTableDA0E0D8279B61E9B',
      });
      expect(env.BACKSTOP_TOPIC_ARN).toEqual(topicImport);
      expect(env.BACKSTOP_IDEMPOTENCY_TABLE_NAME).toEqual({
        Ref: expect.stringMatching(/^IdempotencyTable/),
      });
      expect(env.BACKSTOP_FUND_CONFIG_BUCKET).toEqual({ Ref: expect.stringMatching(/^FundConfigsBucket/) });
      expect(env.BACKSTOP_FUND_CONFIG_VERSION).toBe(fundConfigVersion(stack.fundConfigs.objects));
      expect(env.BACKSTOP_FUND_CONFIG_VERSION).toMatch(/^[0-9a-f]{16}$/);
    });

    it('is updated only after the fund config objects are in place', () => {
      const [fn] = Object.values(
        template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs24.x' } }),
      );
      const [deploymentId] = Object.keys(template.findResources('Custom::CDKBucketDeployment'));
      expect(fn?.DependsOn).toContain(deploymentId);
    });
  });

  describe('fund configs', () => {
    it('deploys one object per fund, funds/<fundId>.json, from one asset, pruning removed funds', () => {
      const deployment = only('Custom::CDKBucketDeployment');
      expect(deployment).toMatchObject({
        DestinationBucketName: { Ref: expect.stringMatching(/^FundConfigsBucket/) },
        DestinationBucketKeyPrefix: 'funds/',
        Prune: true,
        RetainOnDelete: false,
        SystemMetadata: { 'content-type': 'application/json' },
      });
      expect(deployment.SourceObjectKeys).toHaveLength(1);
      const assetDir = join(
        assemblyDir,
        `asset.${String(deployment.SourceObjectKeys[0]).replace(/\.zip$/, '')}`,
      );
      expect(readdirSync(assetDir).sort()).toEqual(['alpha-perps.json', 'beta-lending.json']);
      // Each object is the config as written, which the handler's schema reads back.
      for (const [file, name] of [
        [TWO_FUNDS[0]!, 'alpha-perps.json'],
        [TWO_FUNDS[1]!, 'beta-lending.json'],
      ] as const) {
        const body = readFileSync(join(assetDir, name), 'utf8');
        expect(JSON.parse(body)).toEqual(file.json);
        expect(FundConfigSchema.parse(JSON.parse(body))).toEqual(FundConfigSchema.parse(file.json));
      }
    });

    it('keeps them in a private, TLS-only, S3-encrypted bucket', () => {
      const [bucket] = Object.entries(template.findResources('AWS::S3::Bucket'))
        .filter(([id]) => id.startsWith('FundConfigsBucket'))
        .map(([, r]) => r.Properties);
      expect(bucket).toEqual({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        Tags: expect.any(Array),
      });
      const policy = only('AWS::S3::BucketPolicy', {
        Bucket: { Ref: Match.stringLikeRegexp('^FundConfigsBucket') },
      }).PolicyDocument.Statement;
      expect(policy).toEqual([
        expect.objectContaining({
          Effect: 'Deny',
          Action: 's3:*',
          Principal: { AWS: '*' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      ]);
    });

    it('sends failed asynchronous runs to the failed-run queue after two retries, within one interval', () => {
      expect(only('AWS::Lambda::EventInvokeConfig')).toEqual({
        FunctionName: { Ref: expect.stringMatching(/^RecalibrateFunction/) },
        Qualifier: '$LATEST',
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 15 * 60,
        DestinationConfig: {
          OnFailure: { Destination: { 'Fn::GetAtt': [expect.stringMatching(/^FailedRunQueue/), 'Arn'] } },
        },
      });
    });
  });

  describe('least privilege', () => {
    it('gives the function no managed policy and only statements on its own table, topic, key, log group, queue, parameter and channel secrets', () => {
      const roles = template.findResources('AWS::IAM::Role', {
        Properties: {
          AssumeRolePolicyDocument: {
            Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
          },
        },
      });
      // The recalibration function's and the bucket deployment's.
      expect(Object.values(roles).map((r) => r.Properties.ManagedPolicyArns)).toEqual([undefined, undefined]);
      const policies = template.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^RecalibrateFunctionRole') }] },
      });
      const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
      expect(statements).toEqual([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [expect.stringMatching(/^RecalibrateFunctionLogs/), 'Arn'] },
        },
        { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
        {
          Effect: 'Allow',
          Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
          Resource: { 'Fn::GetAtt': [expect.stringMatching(/^FailedRunQueue/), 'Arn'] },
        },
        {
          Effect: 'Allow',
          Action: [
            'dynamodb:GetItem',
            'dynamodb:PutItem',
            'dynamodb:UpdateItem',
            'dynamodb:DeleteItem',
            'dynamodb:Query',
          ],
          Resource: [
            {
              'Fn::ImportValue':
                'Backstop-test-Stateful:ExportsOutputFnGetAttSnapshotTableDA0E0D82ArnD409C9B8',
            },
          ],
        },
        {
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*'],
          Resource: {
            'Fn::ImportValue': 'Backstop-test-Stateful:ExportsOutputFnGetAttDataKey17AFBB84ArnCE2A1BC6',
          },
        },
        {
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
          Resource: [{ 'Fn::GetAtt': [expect.stringMatching(/^IdempotencyTable/), 'Arn'] }],
        },
        { Effect: 'Allow', Action: 'sns:Publish', Resource: topicImport },
        {
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: {
            'Fn::Join': [
              '',
              [{ 'Fn::GetAtt': [expect.stringMatching(/^FundConfigsBucket/), 'Arn'] }, '/funds/*'],
            ],
          },
        },
        {
          Effect: 'Allow',
          Action: 'ssm:GetParameter',
          Resource: {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':ssm:',
                { Ref: 'AWS::Region' },
                ':',
                { Ref: 'AWS::AccountId' },
                ':parameter/treasury/beta/balance-usd',
              ],
            ],
          },
        },
        // The alert channels' secrets of alpha-perps, exactly (lib/fund-secrets.ts).
        {
          Effect: 'Allow',
          Action: 'ssm:GetParameter',
          Resource: [
            regionalArn('ssm', ':parameter/backstop/test/pagerduty-routing-key'),
            regionalArn('ssm', ':parameter/aws/reference/secretsmanager/backstop/test/telegram-bot'),
            regionalArn('ssm', ':parameter/backstop/test/webhook-signing-key'),
          ],
        },
        {
          Effect: 'Allow',
          Action: 'secretsmanager:GetSecretValue',
          Resource: regionalArn('secretsmanager', ':secret:backstop/test/telegram-bot-??????'),
        },
        {
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: CHANNEL_KEY_ARN,
          Condition: {
            StringEquals: {
              'kms:ViaService': ['ssm.eu-west-1.amazonaws.com', 'secretsmanager.eu-west-1.amazonaws.com'],
            },
          },
        },
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject'],
          Resource: {
            'Fn::Join': [
              '',
              [{ 'Fn::GetAtt': [expect.stringMatching(/^TransparencySiteBucket/), 'Arn'] }, '/*'],
            ],
          },
        },
        {
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: { 'Fn::GetAtt': [expect.stringMatching(/^TransparencySiteBucket/), 'Arn'] },
        },
        {
          Effect: 'Allow',
          Action: 's3:PutObject',
          Resource: ['/runs/*', '/markets/*'].map((prefix) => ({
            'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^RunHistoryBucket/), 'Arn'] }, prefix]],
          })),
        },
      ]);
    });

    it('lets the scheduler role invoke this function only, and write to the schedule dead-letter queue', () => {
      const policies = template.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^SchedulerRole') }] },
      });
      const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
      const fnArn = { 'Fn::GetAtt': [expect.stringMatching(/^RecalibrateFunction[0-9A-F]{8}$/), 'Arn'] };
      expect(statements).toEqual([
        {
          Effect: 'Allow',
          Action: 'lambda:InvokeFunction',
          Resource: [fnArn, { 'Fn::Join': ['', [fnArn, ':*']] }],
        },
        {
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ScheduleDeadLetterQueue/), 'Arn'] },
        },
      ]);
    });
  });

  describe('schedules', () => {
    it.each([
      ['alpha-perps', 'rate(15 minutes)', 'UTC', 900],
      ['beta-lending', 'cron(0 * * * ? *)', 'Europe/London', 3600],
    ])(
      'runs %s on %s in %s with the fund and tick as payload, 3 retries and a DLQ',
      (fundId, expression, tz, maxAge) => {
        const schedules = Object.values(
          template.findResources('AWS::Scheduler::Schedule', {
            Properties: { ScheduleExpression: expression },
          }),
        );
        expect(schedules).toHaveLength(1);
        const props = schedules[0]!.Properties;
        expect(props.ScheduleExpressionTimezone).toBe(tz);
        expect(props.State).toBe('ENABLED');
        expect(props.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
        expect(JSON.parse(props.Target.Input)).toEqual({
          fundId,
          scheduledTime: '<aws.scheduler.scheduled-time>',
        });
        expect(props.Target.RetryPolicy).toEqual({
          MaximumRetryAttempts: 3,
          MaximumEventAgeInSeconds: maxAge,
        });
        expect(props.Target.DeadLetterConfig).toEqual({
          Arn: { 'Fn::GetAtt': [expect.stringMatching(/^ScheduleDeadLetterQueue/), 'Arn'] },
        });
        expect(props.Target.Arn).toEqual({
          'Fn::GetAtt': [expect.stringMatching(/^RecalibrateFunction[0-9A-F]{8}$/), 'Arn'],
        });
      },
    );

    it('has one schedule per fund and nothing else', () => {
      expect(Object.keys(template.findResources('AWS::Scheduler::Schedule'))).toHaveLength(2);
    });
  });

  describe('alarms', () => {
    it.each([
      ['alpha-perps', 1800],
      ['beta-lending', 7200],
    ])(
      'alarms when %s has no completed run in two intervals (%i s), missing data breaching',
      (fundId, period) => {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'Backstop',
          MetricName: 'RunSeconds',
          Dimensions: [
            { Name: 'fundId', Value: fundId },
            { Name: 'stage', Value: 'test' },
          ],
          Statistic: 'SampleCount',
          Period: period,
          EvaluationPeriods: 1,
          DatapointsToAlarm: 1,
          ComparisonOperator: 'LessThanThreshold',
          Threshold: 1,
          TreatMissingData: 'breaching',
        });
      },
    );

    it.each([
      ['alpha-perps', 900],
      ['beta-lending', 3600],
    ])('alarms when the minimum CoverageRatio of %s over an interval (%i s) is below 1', (fundId, period) => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'Backstop',
        MetricName: 'CoverageRatio',
        Dimensions: [
          { Name: 'fundId', Value: fundId },
          { Name: 'stage', Value: 'test' },
        ],
        Statistic: 'Minimum',
        Period: period,
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
        TreatMissingData: 'notBreaching',
      });
    });

    it.each([
      ['AWS/Lambda', 'Errors', 'Sum'],
      ['AWS/Lambda', 'Throttles', 'Sum'],
    ])('alarms on any %s %s of the function', (namespace, metric, statistic) => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: namespace,
        MetricName: metric,
        Statistic: statistic,
        Dimensions: [
          { Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^RecalibrateFunction') } },
        ],
        Period: 300,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
      });
    });

    it.each(['ScheduleDeadLetterQueue', 'FailedRunQueue', 'UndeliveredAlertQueue'])(
      'alarms when %s holds a message',
      (queue) => {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [
            {
              Name: 'QueueName',
              Value: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${queue}`), 'QueueName'] },
            },
          ],
          Statistic: 'Maximum',
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          Threshold: 1,
        });
      },
    );

    it('has eleven alarms, each notifying the alert topic on ALARM and on OK', () => {
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
      // Per fund: coverage, no run, transparency page not published; shared: five.
      expect(alarms).toHaveLength(2 * 3 + 5);
      for (const alarm of alarms) {
        expect(alarm.Properties.AlarmActions).toEqual([topicImport]);
        expect(alarm.Properties.OKActions).toEqual([topicImport]);
      }
    });
  });

  describe('dashboards', () => {
    /** The dashboard body with every CloudFormation expression replaced by a placeholder. */
    function dashboardBody(name: string): { widgets: { properties: Record<string, Json> }[] } {
      const [dashboard] = Object.values(
        template.findResources('AWS::CloudWatch::Dashboard', { Properties: { DashboardName: name } }),
      );
      expect(dashboard).toBeDefined();
      const body = dashboard!.Properties.DashboardBody;
      const text =
        typeof body === 'string'
          ? body
          : (body['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('');
      return JSON.parse(text);
    }

    it.each(['alpha-perps', 'beta-lending'])(
      'shows coverage, balance vs required, run time, degraded markets and cold starts for %s, all of stage test',
      (fundId) => {
        const body = dashboardBody(`Backstop-test-${fundId}`);
        const titles = body.widgets.map((w) => w.properties.title);
        expect(titles).toEqual([
          'Coverage now (balance / required)',
          'Coverage ratio',
          'Fund balance vs required reserve (USD)',
          'Run time (s)',
          'Degraded markets',
          'Alarms',
          'Cold starts',
        ]);
        const metricsOf = (title: string) =>
          body.widgets
            .find((w) => w.properties.title === title)!
            .properties.metrics.map((m: unknown[]) => m.filter((part) => typeof part === 'string'));
        const stageAndFund = ['fundId', fundId, 'stage', 'test']; // CDK sorts dimensions by name
        expect(metricsOf('Coverage ratio')).toEqual([['Backstop', 'CoverageRatio', ...stageAndFund]]);
        expect(metricsOf('Fund balance vs required reserve (USD)')).toEqual([
          ['Backstop', 'FundBalanceUsd', ...stageAndFund],
          ['Backstop', 'RequiredReserveUsd', ...stageAndFund],
        ]);
        expect(metricsOf('Degraded markets')).toEqual([['Backstop', 'DegradedMarkets', ...stageAndFund]]);
        expect(metricsOf('Run time (s)')[0]).toEqual(['Backstop', 'RunSeconds', ...stageAndFund]);
        // The function's name is a deploy-time token in the body.
        expect(metricsOf('Cold starts')).toEqual([
          ['Backstop', 'ColdStart', 'function_name', 'TOKEN', 'service', 'backstop', 'stage', 'test'],
        ]);
        const singleValue = body.widgets.find(
          (w) => w.properties.title === 'Coverage now (balance / required)',
        );
        expect(singleValue!.properties.metrics.map((m: unknown[]) => m.slice(0, 6))).toEqual([
          ['Backstop', 'CoverageRatio', ...stageAndFund],
        ]);
        const annotations = body.widgets.find((w) => w.properties.title === 'Coverage ratio')!.properties
          .annotations;
        expect(annotations.horizontal.map((a: { value: number }) => a.value)).toEqual([1, 0.8]);
      },
    );

    it('has exactly one dashboard per fund', () => {
      expect(Object.keys(template.findResources('AWS::CloudWatch::Dashboard'))).toHaveLength(2);
    });
  });

  describe('alert channels', () => {
    it('subscribes each address once, filtered to its funds plus messages without a fundId (alarms)', () => {
      const subs = Object.values(template.findResources('AWS::SNS::Subscription')).map((s) => s.Properties);
      expect(subs.map((s) => [s.Endpoint, s.FilterPolicy]).sort()).toEqual([
        ['alpha-desk@example.com', { fundId: ['alpha-perps', { exists: false }] }],
        ['risk@example.com', { fundId: ['alpha-perps', 'beta-lending', { exists: false }] }],
      ]);
      for (const sub of subs) {
        expect(sub.Protocol).toBe('email');
        expect(sub.TopicArn).toEqual(topicImport);
        expect(sub.RedrivePolicy).toEqual({
          deadLetterTargetArn: { 'Fn::GetAtt': [expect.stringMatching(/^UndeliveredAlertQueue/), 'Arn'] },
        });
      }
    });

    it('connects the configured Slack channel through Chatbot with a read-only guardrail', () => {
      expect(only('AWS::Chatbot::SlackChannelConfiguration')).toMatchObject({
        ConfigurationName: 'backstop-test-C0RISK01',
        SlackWorkspaceId: 'T0123ABCD',
        SlackChannelId: 'C0RISK01',
        SnsTopicArns: [topicImport],
        GuardrailPolicies: [
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/ReadOnlyAccess']] },
        ],
      });
    });
  });

  describe('queues and the idempotency table', () => {
    it('encrypts every dead-letter queue, keeps messages 14 days and refuses plain HTTP', () => {
      const queues = template.findResources('AWS::SQS::Queue');
      expect(Object.keys(queues)).toHaveLength(3);
      for (const queue of Object.values(queues)) {
        expect(queue.Properties).toMatchObject({
          SqsManagedSseEnabled: true,
          MessageRetentionPeriod: 14 * 24 * 3600,
        });
      }
      const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
      expect(policies).toHaveLength(3);
      for (const policy of policies) {
        expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
          expect.objectContaining({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        );
      }
    });

    it('lets only the alert topic drop undeliverable emails into UndeliveredAlertQueue', () => {
      const [policy] = Object.values(
        template.findResources('AWS::SQS::QueuePolicy', {
          Properties: { Queues: [{ Ref: Match.stringLikeRegexp('^UndeliveredAlertQueue') }] },
        }),
      );
      expect(policy?.Properties.PolicyDocument.Statement[1]).toEqual({
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^UndeliveredAlertQueue/), 'Arn'] },
        Condition: { ArnEquals: { 'aws:SourceArn': topicImport } },
      });
    });

    it('keys idempotency records by id with TTL on expiration, on demand, destroyed with the stack', () => {
      template.hasResource('AWS::DynamoDB::Table', {
        Properties: {
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
          TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
        },
        DeletionPolicy: 'Delete',
      });
    });
  });

  describe('run history in S3 and Athena', () => {
    it('keeps the Parquet history in a private, TLS-only, encrypted bucket retained with the stack gone', () => {
      const [bucket] = Object.entries(template.findResources('AWS::S3::Bucket')).filter(([id]) =>
        id.startsWith('RunHistoryBucket'),
      );
      expect(bucket?.[1]).toMatchObject({
        DeletionPolicy: 'Retain',
        Properties: {
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
            ],
          },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
        },
      });
    });

    it('declares the runs and markets tables, partitioned by fund and date with projection', () => {
      template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'backstop_test' } });
      const tables = Object.values(template.findResources('AWS::Glue::Table')).map(
        (t) => t.Properties.TableInput,
      );
      expect(tables.map((t) => t.Name)).toEqual(['runs', 'markets']);
      const [runs, markets] = tables;
      expect(runs.PartitionKeys).toEqual([
        { Name: 'fund_id', Type: 'string' },
        { Name: 'date', Type: 'string' },
      ]);
      expect(
        runs.StorageDescriptor.Columns.map((c: { Name: string; Type: string }) => `${c.Name}:${c.Type}`),
      ).toEqual([
        'as_of:timestamp',
        'run_id:string',
        'model_version:string',
        'engine:string',
        'status:string',
        'coverage_status:string',
        'fund_balance_usd:double',
        'required_reserve_usd:double',
        'coverage_ratio:double',
        'binding:string',
        'var_usd:double',
        'es_usd:double',
        'es_std_error_usd:double',
        'confidence:double',
        'paths:int',
        'worst_stress:string',
        'worst_stress_loss_usd:double',
        'cover2_usd:double',
        'shortfall_usd:double',
        'fee_bps_to_close_30d:double',
        'releasable_usd:double',
        'market_count:int',
        'open_interest_usd:double',
        'degraded:boolean',
        'flag_count:int',
      ]);
      expect(markets.StorageDescriptor.Columns).toHaveLength(9);
      const bucketName = { Ref: expect.stringMatching(/^RunHistoryBucket/) };
      expect(runs.Parameters).toEqual({
        classification: 'parquet',
        'projection.enabled': 'true',
        'projection.fund_id.type': 'enum',
        'projection.fund_id.values': 'alpha-perps,beta-lending',
        'projection.date.type': 'date',
        'projection.date.format': 'yyyy-MM-dd',
        'projection.date.range': '2026-01-01,NOW',
        'projection.date.interval': '1',
        'projection.date.interval.unit': 'DAYS',
        'storage.location.template': {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: Athena's projection placeholders
          'Fn::Join': ['', ['s3://', bucketName, '/runs/fund_id=${fund_id}/date=${date}/']],
        },
      });
      expect(runs.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe(
        'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
      );
    });
  });

  it('owns no stateful resource: no key, no topic, and only the transient idempotency table', () => {
    expect(template.findResources('AWS::KMS::Key')).toEqual({});
    expect(template.findResources('AWS::SNS::Topic')).toEqual({});
    expect(Object.keys(template.findResources('AWS::DynamoDB::Table'))).toEqual([
      expect.stringMatching(/^IdempotencyTable/),
    ]);
  });
});
