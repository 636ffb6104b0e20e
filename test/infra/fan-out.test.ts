/**
 * The fan-out state machine as synthesised for a stage with one fan-out fund and one single-Lambda
 * fund: cdk-nag clean (the packs run on the whole app and synthesis fails on any finding not
 * acknowledged), and the definition's structure asserted on the template.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addBackstop } from '../../lib/backstop-app.ts';
import { deployment, fundInput } from './support/fixtures.ts';

const FILES = [
  {
    path: 'config/funds/big.json',
    json: fundInput('big-venue', { execution: { mode: 'fan-out', batchPaths: 8192, maxConcurrency: 20 } }),
  },
  { path: 'config/funds/small.json', json: fundInput('small-venue') },
];

interface StateJson {
  Type: string;
  [key: string]: unknown;
}

describe('the fan-out state machine', () => {
  let outdir: string;
  let template: Template;
  let definition: { StartAt: string; TimeoutSeconds: number; States: Record<string, StateJson> };
  let reports: { pluginName: string; conclusion: string; violations: unknown[] }[];

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'backstop-fan-out-'));
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    const { stateless } = addBackstop(app, deployment('test', {}, FILES));
    app.synth();
    reports = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')).pluginReports;
    template = Template.fromStack(stateless);
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    const body = machine?.Properties.DefinitionString['Fn::Join'][1] as unknown[];
    // The definition with its references (function ARNs, the topic) replaced by placeholders.
    definition = JSON.parse(body.map((part) => (typeof part === 'string' ? part : 'REF')).join(''));
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('passes cdk-nag with nothing unacknowledged', () => {
    expect(reports.map((r) => [r.pluginName, r.conclusion, r.violations])).toEqual([
      ['AwsSolutions', 'success', []],
      ['Serverless', 'success', []],
      ['CloudFormation Validate', 'success', []],
    ]);
  });

  it('loops coordinate → distributed map of batches → coordinate until the run is done', () => {
    expect(definition.StartAt).toBe('Coordinate');
    expect(definition.TimeoutSeconds).toBe(7200);
    const s = definition.States;
    expect(s.Coordinate).toMatchObject({ Type: 'Task', Next: 'PathsNeeded', TimeoutSeconds: 900 });
    expect(s.PathsNeeded).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.status', StringEquals: 'paths', Next: 'Batches' }],
      Default: 'Done',
    });
    expect(s.Batches).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.batches',
      MaxConcurrency: 20,
      ResultPath: null,
      Next: 'Continue',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'SimulateBatch',
      },
    });
    const batch = (s.Batches as unknown as { ItemProcessor: { States: Record<string, StateJson> } })
      .ItemProcessor.States.SimulateBatch;
    expect(batch).toMatchObject({ Type: 'Task', TimeoutSeconds: 300, End: true });
    expect(s.Continue).toMatchObject({ Type: 'Pass', Parameters: { 'run.$': '$.run' }, Next: 'Coordinate' });
    expect(s.Done).toEqual({ Type: 'Succeed' });
  });

  it('retries each step three times with backoff, and sends every failure to the alert topic, then fails', () => {
    const s = definition.States;
    for (const task of [
      s.Coordinate,
      (s.Batches as unknown as { ItemProcessor: { States: Record<string, StateJson> } }).ItemProcessor.States
        .SimulateBatch,
    ]) {
      expect(task?.Retry).toEqual([
        {
          ErrorEquals: [
            'Lambda.ServiceException',
            'Lambda.TooManyRequestsException',
            'Lambda.SdkClientException',
            'States.Timeout',
          ],
          IntervalSeconds: 5,
          MaxAttempts: 3,
          BackoffRate: 2,
        },
      ]);
    }
    for (const state of [s.Coordinate, s.Batches]) {
      expect(state?.Catch).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'NotifyFailure' },
      ]);
    }
    expect(s.NotifyFailure).toMatchObject({
      Type: 'Task',
      Resource: 'arn:REF:states:::sns:publish',
      Next: 'Failed',
    });
    expect(s.Failed).toEqual({
      Type: 'Fail',
      Error: 'FanOutFailed',
      Cause: 'a fan-out step failed after its retries',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('^Backstop: a fan-out run failed or timed out'),
      Threshold: 1,
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'failed + timedOut' })]),
      AlarmActions: Match.anyValue(),
    });
  });

  it('logs and traces executions, and sizes the functions in whole vCPUs', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.coordinate',
      MemorySize: 3538,
      Timeout: 900,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.batch',
      MemorySize: 3538,
      Timeout: 300,
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: 1, Status: 'Enabled' }] },
    });
  });

  it('has the fan-out fund’s schedule start the state machine and the other invoke the function', () => {
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')).map(
      (r) => r.Properties,
    );
    const targetOf = (fundId: string) =>
      JSON.stringify(schedules.find((p) => String(p.Target.Input).includes(fundId))?.Target.Arn);
    expect(targetOf('big-venue')).toMatch(/FanOutStateMachine/);
    expect(targetOf('small-venue')).toMatch(/RecalibrateFunction/);
  });
});
