import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { noRunWindow } from '../../lib/constructs/fund-monitoring.ts';
import { deployment, fastStacks, fundInput } from './support/fixtures.ts';

describe('noRunWindow', () => {
  it.each([
    [1, { periodMinutes: 2, evaluationPeriods: 1 }],
    [15, { periodMinutes: 30, evaluationPeriods: 1 }],
    [720, { periodMinutes: 1440, evaluationPeriods: 1 }],
    [1440, { periodMinutes: 60, evaluationPeriods: 48 }],
    [5000, { periodMinutes: 60, evaluationPeriods: 167 }],
    [5040, { periodMinutes: 60, evaluationPeriods: 168 }],
  ])('covers two intervals of %i min with %o', (interval, window) => {
    expect(noRunWindow(interval)).toEqual(window);
  });

  it('refuses an interval whose two runs do not fit CloudWatch’s 7-day evaluation range', () => {
    expect(() => noRunWindow(5041)).toThrow(
      "schedule.intervalMinutes 5041 is too long to alarm on: two intervals must fit cloudwatch's 7-day " +
        'evaluation range, so use an interval of at most 5040 minutes',
    );
  });
});

describe('a daily fund', () => {
  it('alarms only when all 48 hourly periods of two days saw no completed run', () => {
    const daily = {
      path: 'config/funds/daily.json',
      json: fundInput('daily', {
        schedule: { expression: 'cron(0 6 * * ? *)', timeZone: 'Asia/Singapore', intervalMinutes: 1440 },
        alerts: { thresholds: { warnBelow: 1.2, breachBelow: 0.9 } },
      }),
    };
    const template = Template.fromStack(fastStacks(deployment('test', {}, [daily])).stateless);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'RunSeconds',
      Dimensions: [
        { Name: 'fundId', Value: 'daily' },
        { Name: 'stage', Value: 'test' },
      ],
      Period: 3600,
      EvaluationPeriods: 48,
      DatapointsToAlarm: 48,
      TreatMissingData: 'breaching',
    });
    // The coverage alarm follows the fund's own warn threshold.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'CoverageRatio',
      Dimensions: [
        { Name: 'fundId', Value: 'daily' },
        { Name: 'stage', Value: 'test' },
      ],
      Period: 86_400,
      Threshold: 1.2,
    });
  });
});
