/**
 * cdk-nag v3 runs as a CDK validation plugin: synthesis fails on any finding — error or warning —
 * that is not acknowledged on (or above) the resource, and the cloud assembly's
 * validation-report.json lists every finding that was acknowledged, with its reason.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addBackstop } from '../../lib/backstop-app.ts';
import { deployment } from './support/fixtures.ts';

interface PluginReport {
  pluginName: string;
  conclusion: string;
  violations: unknown[];
  suppressedViolations: {
    ruleName: string;
    acknowledgedId: string;
    reason: string;
    violatingConstructs: { constructPath: string }[];
  }[];
}

/** Every finding the app acknowledges, by rule and the construct it is acknowledged on. */
const EXPECTED_ACKNOWLEDGEMENTS = [
  'AwsSolutions::AwsSolutions-CFR1 @ Backstop-test-Stateless/TransparencySite/Distribution',
  'AwsSolutions::AwsSolutions-CFR2 @ Backstop-test-Stateless/TransparencySite/Distribution',
  'AwsSolutions::AwsSolutions-CFR4 @ Backstop-test-Stateless/TransparencySite/Distribution',
  'AwsSolutions::AwsSolutions-IAM5[Action::kms:GenerateDataKey*] @ Backstop-test-Stateless/RecalibrateFunctionRole',
  'AwsSolutions::AwsSolutions-IAM5[Action::s3:Abort*] @ Backstop-test-Stateless/FundConfigs/DeploymentRole',
  'AwsSolutions::AwsSolutions-IAM5[Action::s3:DeleteObject*] @ Backstop-test-Stateless/FundConfigs/DeploymentRole',
  'AwsSolutions::AwsSolutions-IAM5[Action::s3:GetBucket*] @ Backstop-test-Stateless/FundConfigs/DeploymentRole',
  'AwsSolutions::AwsSolutions-IAM5[Action::s3:GetObject*] @ Backstop-test-Stateless/FundConfigs/DeploymentRole',
  'AwsSolutions::AwsSolutions-IAM5[Action::s3:List*] @ Backstop-test-Stateless/FundConfigs/DeploymentRole',
  'AwsSolutions::AwsSolutions-IAM5[Resource::*] @ Backstop-test-Stateless/RecalibrateFunctionRole',
  'AwsSolutions::AwsSolutions-IAM5[Resource::<FundConfigsBucket70E0ACFC.Arn>/*] @ Backstop-test-Stateless/FundConfigs/DeploymentRole',
  'AwsSolutions::AwsSolutions-IAM5[Resource::<FundConfigsBucket70E0ACFC.Arn>/funds/*] @ Backstop-test-Stateless/RecalibrateFunctionRole',
  'AwsSolutions::AwsSolutions-IAM5[Resource::<RecalibrateFunctionC44BEEA1.Arn>:*] @ Backstop-test-Stateless/SchedulerRole',
  'AwsSolutions::AwsSolutions-IAM5[Resource::<RunHistoryBucket25C991A4.Arn>/markets/*] @ Backstop-test-Stateless/RecalibrateFunctionRole',
  'AwsSolutions::AwsSolutions-IAM5[Resource::<RunHistoryBucket25C991A4.Arn>/runs/*] @ Backstop-test-Stateless/RecalibrateFunctionRole',
  'AwsSolutions::AwsSolutions-IAM5[Resource::<TransparencySiteBucket9E966237.Arn>/*] @ Backstop-test-Stateless/RecalibrateFunctionRole',
  'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*] @ Backstop-test-Stateless/FundConfigs/DeploymentRole',
  'AwsSolutions::AwsSolutions-L1 @ Backstop-test-Stateless/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C',
  'AwsSolutions::AwsSolutions-S1 @ Backstop-test-Stateless/FundConfigs/Bucket',
  'AwsSolutions::AwsSolutions-S1 @ Backstop-test-Stateless/RunHistory/Bucket',
  'AwsSolutions::AwsSolutions-S1 @ Backstop-test-Stateless/TransparencySite/LogBucket',
  'AwsSolutions::AwsSolutions-SQS3 @ Backstop-test-Stateless/FailedRunQueue',
  'AwsSolutions::AwsSolutions-SQS3 @ Backstop-test-Stateless/ScheduleDeadLetterQueue',
  'AwsSolutions::AwsSolutions-SQS3 @ Backstop-test-Stateless/UndeliveredAlertQueue',
  // aws-cdk-lib's own acknowledgement on a bucket that receives CloudFront standard logs (an ACL).
  'CloudFormation-Validate::W3045 @ Backstop-test-Stateless/TransparencySite/LogBucket',
  'Serverless::Serverless-LambdaDLQ @ Backstop-test-Stateless/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C',
  'Serverless::Serverless-LambdaDLQ @ Backstop-test-Stateless/RecalibrateFunction',
  'Serverless::Serverless-LambdaLatestVersion @ Backstop-test-Stateless/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C',
  'Serverless::Serverless-LambdaTracing @ Backstop-test-Stateless/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C',
  'Serverless::Serverless-SQSRedrivePolicy @ Backstop-test-Stateless/FailedRunQueue',
  'Serverless::Serverless-SQSRedrivePolicy @ Backstop-test-Stateless/ScheduleDeadLetterQueue',
  'Serverless::Serverless-SQSRedrivePolicy @ Backstop-test-Stateless/UndeliveredAlertQueue',
];

describe('cdk-nag over the whole app', () => {
  let outdir: string;
  let app: App;
  let reports: PluginReport[];

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'backstop-nag-'));
    app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    addBackstop(app, deployment());
    app.synth();
    reports = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')).pluginReports;
  });

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('runs the AwsSolutions and Serverless packs and both find nothing unacknowledged', () => {
    expect(reports.map((r) => [r.pluginName, r.conclusion, r.violations])).toEqual([
      ['AwsSolutions', 'success', []],
      ['Serverless', 'success', []],
      // aws-cdk-lib's CloudFormation validation, present because of its acknowledgement above.
      ['CloudFormation Validate', 'success', []],
    ]);
  });

  it('acknowledges exactly the expected findings, each used by a real finding', () => {
    const acknowledged: string[] = [];
    for (const construct of app.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const id of Object.keys(entry.data as object))
          acknowledged.push(`${id} @ ${construct.node.path}`);
      }
    }
    expect(acknowledged.sort()).toEqual(EXPECTED_ACKNOWLEDGEMENTS);
    const used = new Set(reports.flatMap((r) => r.suppressedViolations.map((v) => v.acknowledgedId)));
    for (const ack of acknowledged) expect(used).toContain(ack.split(' @ ')[0]);
  });

  it('gives every acknowledgement a specific reason, not a placeholder', () => {
    const reasons = reports.flatMap((r) => r.suppressedViolations.map((v) => v.reason));
    // aws-cdk-lib's own CloudFormation-Validate acknowledgement has no cdk-nag reason.
    const ours = EXPECTED_ACKNOWLEDGEMENTS.filter((a) => !a.startsWith('CloudFormation-Validate'));
    expect(reasons.length).toBeGreaterThanOrEqual(ours.length);
    for (const reason of reasons) {
      expect(reason.length).toBeGreaterThan(60);
      expect(reason).not.toMatch(/\b(todo|tbd|n\/a|not needed|ok)\b/i);
    }
  });

  it('fails synthesis on a finding nobody acknowledged (the packs are really active)', () => {
    const dirty = new App({
      outdir: mkdtempSync(join(tmpdir(), 'backstop-nag-dirty-')),
      context: { 'aws:cdk:bundling-stacks': [] },
    });
    const { stateless } = addBackstop(dirty, deployment());
    new Queue(stateless, 'Unencrypted', { encryption: QueueEncryption.UNENCRYPTED });
    expect(() => dirty.synth()).toThrow(
      /server-side encryption[\s\S]*Backstop-test-Stateless\/Unencrypted\/Resource/,
    );
    rmSync(dirty.outdir, { recursive: true, force: true });
  });
});
