/**
 * The house Lambda function: every Backstop function gets the same runtime, architecture, bundling,
 * tracing and log handling, and gets permissions only through the `bind*` helpers, which grant the
 * exact actions the code uses on exactly one resource and pass that resource's name in the
 * environment in the same call — so a permission and the variable that uses it cannot drift apart.
 */
import {
  ArnFormat,
  type CfnElement,
  type Duration,
  type RemovalPolicy,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { FUND_CONFIG_PREFIX } from '../../lambda/config/fund-config-objects.ts';
import { type SecretRef, ssmNameOf } from '../../lambda/config/secret-ref.ts';
import type { FundConfigBucket } from './fund-config-bucket.ts';

/** DynamoDB data-plane actions a binding may grant; no table management, no scans. */
export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:Query';

/** KMS actions a writer and reader of data encrypted under a customer-managed key needs. */
const KEY_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*'];

/** Props of {@link BackstopFunction}. */
export interface BackstopFunctionProps {
  /** Absolute path of the TypeScript entry file. */
  readonly entry: string;
  /** Name of the exported handler. @default 'handler' */
  readonly handler?: string;
  /** Root of the npm project (holds package-lock.json). */
  readonly projectRoot: string;
  readonly description: string;
  /** MB; CPU is allocated in proportion (1769 MB = 1 vCPU). */
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly logRetention: RetentionDays;
  /** Removal policy of the log group. */
  readonly logRemovalPolicy: RemovalPolicy;
  /** Environment besides what the `bind*` helpers add. */
  readonly environment: Readonly<Record<string, string>>;
  /** Where asynchronous invocations that failed after Lambda's retries go. */
  readonly onFailure: IQueue;
  /** Retries of a failed asynchronous invocation (0-2). @default 2 */
  readonly retryAttempts?: number;
  /** How long Lambda keeps an asynchronous invocation it could not run yet (60 s - 6 h). */
  readonly maxEventAge: Duration;
}

/** The esbuild command that bundles the path worker thread's entry beside a function's bundle. */
export function pathWorkerBundleCommand(inputDir: string, outputDir: string): string {
  const banner =
    "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";
  return [
    `"${inputDir}/node_modules/.bin/esbuild"`,
    `"${inputDir}/lambda/scale/path-worker.ts"`,
    '--bundle --platform=node --format=esm --target=node24 --minify',
    `--banner:js="${banner}"`,
    `--outfile="${outputDir}/path-worker.mjs"`,
  ].join(' ');
}

/** Node 24 on arm64, ESM bundle with source maps, X-Ray, JSON logs into an explicit log group. */
export class BackstopFunction extends NodejsFunction {
  /** Keys already granted: one statement per key, however many resources it protects. */
  private readonly grantedKeys = new Set<IKey>();

  constructor(scope: Construct, id: string, props: BackstopFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    // An own role instead of the default one with AWSLambdaBasicExecutionRole: that managed policy
    // lets the function write to every log group in the account; this one may write to its own only.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${id} function`,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      entry: props.entry,
      handler: props.handler ?? 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: Tracing.ACTIVE,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      // Stack traces point into the TypeScript sources rather than the minified bundle.
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      onFailure: new SqsDestination(props.onFailure),
      retryAttempts: props.retryAttempts ?? 2,
      maxEventAge: props.maxEventAge,
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        platform: 'node',
        mainFields: ['module', 'main'],
        // ESM output cannot `require`; CommonJS dependencies bundled into it still do.
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        minify: true,
        sourceMap: true,
        // DEFAULT = a linked map: the bundle names it, which is what --enable-source-maps follows.
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        // The deployed SDK is the one the tests ran against, not whatever the runtime ships.
        bundleAwsSDK: true,
        externalModules: [],
        // The Monte Carlo's worker threads load their own entry, next to the handler's bundle
        // (lambda/scale/worker-pool.ts looks for path-worker.mjs beside itself).
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) => [pathWorkerBundleCommand(inputDir, outputDir)],
        },
      },
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords (active tracing) do not support resource-level permissions',
    });
  }

  /**
   * Grants exactly `actions` on `table` (and its key, when it has one) and passes its name in
   * `envVar`.
   *
   * @example
   * fn.bindTable(table, 'BACKSTOP_TABLE_NAME', ['dynamodb:GetItem', 'dynamodb:PutItem']);
   */
  bindTable(table: Table, envVar: string, actions: readonly TableAction[]): this {
    table.grant(this, ...actions);
    if (table.encryptionKey !== undefined) this.grantKey(table.encryptionKey);
    this.addEnvironment(envVar, table.tableName);
    return this;
  }

  /** Grants `sns:Publish` on `topic` (and its key) and passes its ARN in `envVar`. */
  bindTopic(topic: ITopic, envVar: string): this {
    this.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
    if (topic.masterKey !== undefined) this.grantKey(topic.masterKey);
    this.addEnvironment(envVar, topic.topicArn);
    return this;
  }

  /**
   * Grants `ssm:GetParameter` on the named parameters (a treasury-maintained fund balance). Names
   * may start with `/` or not, as SSM accepts both.
   */
  bindParameters(names: readonly { name: string; region?: string }[]): this {
    if (names.length === 0) return this;
    const stack = Stack.of(this);
    const resources = names.map(({ name, region }) =>
      stack.formatArn({
        service: 'ssm',
        resource: 'parameter',
        resourceName: name.replace(/^\//, ''),
        ...(region === undefined ? {} : { region }),
      }),
    );
    this.addToRolePolicy(new PolicyStatement({ actions: ['ssm:GetParameter'], resources }));
    return this;
  }

  /**
   * Lets the function read exactly the referenced secrets, the way the code reads them (SSM
   * `GetParameter` with decryption): `ssm:GetParameter` on each parameter — for a Secrets Manager
   * secret its `/aws/reference/secretsmanager/` parameter — `secretsmanager:GetSecretValue` on
   * each such secret (SSM reads it with the caller's permissions; a name matches the secret's
   * six-character ARN suffix), and `kms:Decrypt` on each customer-managed key a reference names,
   * only through SSM or Secrets Manager.
   */
  bindSecrets(refs: readonly SecretRef[]): this {
    if (refs.length === 0) return this;
    const stack = Stack.of(this);
    this.bindParameters(
      refs.map((ref) => ({
        name: ssmNameOf(ref),
        ...(ref.region === undefined ? {} : { region: ref.region }),
      })),
    );
    const secrets = refs.flatMap((ref) => {
      if (!('secretsManager' in ref)) return [];
      if (ref.secretsManager.startsWith('arn:')) return [ref.secretsManager];
      return [
        stack.formatArn({
          service: 'secretsmanager',
          resource: 'secret',
          resourceName: `${ref.secretsManager}-??????`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          ...(ref.region === undefined ? {} : { region: ref.region }),
        }),
      ];
    });
    if (secrets.length > 0) {
      this.addToRolePolicy(
        new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [...new Set(secrets)] }),
      );
    }
    const keys = [...new Set(refs.flatMap((ref) => (ref.kmsKeyArn === undefined ? [] : [ref.kmsKeyArn])))];
    for (const key of keys) {
      const region = key.split(':')[3];
      this.addToRolePolicy(
        new PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [key],
          conditions: {
            StringEquals: {
              'kms:ViaService': [`ssm.${region}.amazonaws.com`, `secretsmanager.${region}.amazonaws.com`],
            },
          },
        }),
      );
    }
    return this;
  }

  /**
   * Grants `s3:GetObject` on the fund config objects, passes the bucket's name in `bucketEnvVar` and
   * the configs' content hash in `versionEnvVar` (a config change then replaces the warm functions
   * and their cached configs), and updates the function only after the objects are in place.
   */
  bindFundConfigs(configs: FundConfigBucket, bucketEnvVar: string, versionEnvVar: string): this {
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [configs.bucket.arnForObjects(`${FUND_CONFIG_PREFIX}*`)],
      }),
    );
    Validations.of(this.role!).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(configs.bucket.node.defaultChild as CfnElement)}.Arn>/${FUND_CONFIG_PREFIX}*]`,
      reason:
        'the function reads the config of whichever fund the schedule names; the prefix holds only ' +
        "the stage's fund configs, in a bucket of their own",
    });
    this.addEnvironment(bucketEnvVar, configs.bucket.bucketName);
    this.addEnvironment(versionEnvVar, configs.version);
    this.node.addDependency(configs.deployment);
    return this;
  }

  /**
   * Lets the function write and read back the transparency sites in `bucket` (one folder per fund),
   * list the bucket (so a missing feed reads as 404, not 403: the bucket holds only public pages) and
   * passes the bucket's name in `envVar`.
   */
  bindSite(bucket: Bucket, envVar: string): this {
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [bucket.arnForObjects('*')],
      }),
    );
    this.addToRolePolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
    Validations.of(this.role!).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(bucket.node.defaultChild as CfnElement)}.Arn>/*]`,
      reason:
        'the one function runs every fund and rewrites the page and feed of the fund it ran; the bucket ' +
        'holds nothing but those public pages',
    });
    this.addEnvironment(envVar, bucket.bucketName);
    return this;
  }

  /**
   * Lets the function write each run's Parquet rows under `runs/` and `markets/` of the history
   * bucket (nothing else: no read, no delete) and passes the bucket's name in `envVar`.
   */
  bindHistory(bucket: Bucket, envVar: string): this {
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects('runs/*'), bucket.arnForObjects('markets/*')],
      }),
    );
    const bucketId = Stack.of(this).getLogicalId(bucket.node.defaultChild as CfnElement);
    for (const prefix of ['runs', 'markets']) {
      Validations.of(this.role!).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}/*]`,
        reason:
          'one object per run, named by fund, date and valuation time; the bucket holds only the ' +
          "function's Parquet history",
      });
    }
    this.addEnvironment(envVar, bucket.bucketName);
    return this;
  }

  private grantKey(key: IKey): void {
    if (this.grantedKeys.has(key)) return;
    this.grantedKeys.add(key);
    key.grant(this, ...KEY_ACTIONS);
    Validations.of(this.role!).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'SNS server-side encryption and DynamoDB customer-managed keys document kms:GenerateDataKey* for ' +
        'writers; the statement is limited to the one Backstop key',
    });
  }
}
