/**
 * The stage's fund configs as S3 objects, `funds/<fundId>.json` (the config as written plus the
 * stage's overrides), deployed from one asset of config/funds/. The function reads the one it
 * runs, so any number of funds deploy (the Lambda environment, 4 KB in all, carries only the
 * bucket's name and the configs' content hash).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CfnElement, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { FUND_CONFIG_PREFIX, fundConfigKey } from '../../lambda/config/fund-config-objects.ts';
import type { DeployedFund } from '../deployment-config.ts';

/** Props of {@link FundConfigBucket}. */
export interface FundConfigBucketProps {
  readonly funds: readonly DeployedFund[];
}

/** One object of the bucket: its key and its exact content. */
export interface FundConfigObject {
  readonly key: string;
  readonly body: string;
}

/** The objects a stage deploys, in fund order: `funds/<fundId>.json`, pretty JSON. */
export function fundConfigObjects(funds: readonly DeployedFund[]): FundConfigObject[] {
  return funds.map((f) => ({
    key: fundConfigKey(f.config.fundId),
    body: `${JSON.stringify(f.input, null, 2)}\n`,
  }));
}

/** 16 hex digits of SHA-256 over every key and body: changes exactly when an object does. */
export function fundConfigVersion(objects: readonly FundConfigObject[]): string {
  const hash = createHash('sha256');
  for (const o of [...objects].sort((a, b) => a.key.localeCompare(b.key))) {
    hash.update(o.key).update('\0').update(o.body).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Writes the objects into a directory named by their version under the OS temp directory (the
 * asset's source; CDK copies it into the cloud assembly). Written aside and renamed into place, so
 * synths running in parallel never see a half-written directory; the content is fixed by the name.
 */
function writeAssetDirectory(objects: readonly FundConfigObject[], version: string): string {
  const dir = join(tmpdir(), `backstop-fund-configs-${version}`);
  const scratch = mkdtempSync(join(tmpdir(), 'backstop-fund-configs-'));
  for (const o of objects) {
    const path = join(scratch, o.key.slice(FUND_CONFIG_PREFIX.length));
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, o.body);
  }
  try {
    renameSync(scratch, dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    rmSync(scratch, { recursive: true, force: true }); // already there, with the same content
  }
  return dir;
}

/** A private bucket holding one config object per fund, kept in step with the stage on deploy. */
export class FundConfigBucket extends Construct {
  readonly bucket: Bucket;
  readonly deployment: BucketDeployment;
  /** The configs' content hash ({@link fundConfigVersion}). */
  readonly version: string;
  readonly objects: readonly FundConfigObject[];

  constructor(scope: Construct, id: string, props: FundConfigBucketProps) {
    super(scope, id);
    this.objects = fundConfigObjects(props.funds);
    this.version = fundConfigVersion(this.objects);
    // Derived from the repository on every deploy, so nothing here needs keeping: the deployment
    // deletes its objects when the stack goes (retainOnDelete false), then the empty bucket goes.
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason:
        'holds copies of the fund config files in the repository, written only by the stack and read ' +
        'only by the recalibration function; their history is the repository history',
    });
    // Its own role and log group instead of the defaults: the default role carries the managed
    // AWSLambdaBasicExecutionRole (write to every log group in the account).
    const logGroup = new LogGroup(this, 'DeploymentLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(this, 'DeploymentRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the fund config objects into their bucket on deploy',
    });
    logGroup.grantWrite(role);
    this.deployment = new BucketDeployment(this, 'Deployment', {
      role,
      logGroup,
      sources: [Source.asset(writeAssetDirectory(this.objects, this.version))],
      // Bucket declares isWebsite as `boolean | undefined`, IBucket as optional: the same thing, but
      // not under exactOptionalPropertyTypes.
      destinationBucket: this.bucket as unknown as IBucket,
      destinationKeyPrefix: FUND_CONFIG_PREFIX,
      // A fund removed from the stage loses its object, so a stray tick cannot run a stale config.
      prune: true,
      retainOnDelete: false,
      contentType: 'application/json',
    });
    this.acknowledgeDeploymentFindings(role);
  }

  /** The copy function is aws-cdk-lib's own (a singleton per stack); what it is cannot be chosen. */
  private acknowledgeDeploymentFindings(role: Role): void {
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnElement);
    const wildcards = [
      'Action::s3:GetObject*',
      'Action::s3:GetBucket*',
      'Action::s3:List*',
      'Action::s3:DeleteObject*',
      'Action::s3:Abort*',
      'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
      `Resource::<${bucketId}.Arn>/*`,
    ];
    for (const finding of wildcards) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[${finding}]`,
        reason:
          "aws-cdk-lib's BucketDeployment grants these to copy its source asset (read from the CDK " +
          'asset bucket) into the fund config bucket and prune it; no other bucket',
      });
    }
    const handler = Stack.of(this).node.children.find((c) =>
      c.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    if (handler === undefined) throw new Error('BucketDeployment created no handler function');
    const reason =
      "aws-cdk-lib's BucketDeployment handler (a CloudFormation custom resource that runs only during a " +
      'deploy, invoked synchronously by CloudFormation, which reports its failure): its runtime is ' +
      'the one aws-cdk-lib ships, and a dead-letter queue or tracing has nothing to catch';
    for (const id of [
      'AwsSolutions::AwsSolutions-L1',
      'Serverless::Serverless-LambdaLatestVersion',
      'Serverless::Serverless-LambdaDLQ',
      'Serverless::Serverless-LambdaTracing',
    ]) {
      Validations.of(handler).acknowledge({ id, reason });
    }
  }
}
