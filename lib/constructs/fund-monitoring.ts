/**
 * What CloudWatch watches for one fund of one stage: that it keeps being recalibrated (no completed
 * run within two intervals — missing data is the failure), that its coverage stays above target, and
 * a dashboard of coverage, balance against the required reserve, run time, degraded markets and the
 * function's cold starts. Every metric is the stage's own (dimension `stage`).
 */
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IAlarm,
  type IAlarmAction,
  type Metric,
  SingleValueWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { FundConfig } from '../../lambda/config/fund-config.ts';
import { coldStartMetric, fundMetric, RunMetric } from '../run-metrics.ts';

/** CloudWatch caps an alarm's evaluation range at 7 days when its period is an hour or more. */
const MAX_EVALUATION_MINUTES = 7 * 24 * 60;
/** Alarm periods above this use hourly periods instead of one long one. */
const MAX_SINGLE_PERIOD_MINUTES = 24 * 60;

/** How the "no run" alarm spans two intervals: one period, or hourly periods that must all be empty. */
export interface NoRunWindow {
  readonly periodMinutes: number;
  readonly evaluationPeriods: number;
}

/**
 * Splits two schedule intervals into alarm periods CloudWatch accepts.
 *
 * @param intervalMinutes - minutes between scheduled runs
 * @throws Error when two intervals exceed CloudWatch's 7-day evaluation range
 */
export function noRunWindow(intervalMinutes: number): NoRunWindow {
  const minutes = 2 * intervalMinutes;
  if (minutes <= MAX_SINGLE_PERIOD_MINUTES) return { periodMinutes: minutes, evaluationPeriods: 1 };
  if (minutes > MAX_EVALUATION_MINUTES) {
    throw new Error(
      `schedule.intervalMinutes ${intervalMinutes} is too long to alarm on: two intervals must fit ` +
        `cloudwatch's 7-day evaluation range, so use an interval of at most ${MAX_EVALUATION_MINUTES / 2} minutes`,
    );
  }
  return { periodMinutes: 60, evaluationPeriods: Math.ceil(minutes / 60) };
}

/** Props of {@link FundMonitoring}. */
export interface FundMonitoringProps {
  readonly fund: FundConfig;
  readonly stage: string;
  /** Where alarms notify (the alert topic). */
  readonly alarmAction: IAlarmAction;
  /** Alarms shared by every fund (function errors, queues), shown on each fund's dashboard. */
  readonly sharedAlarms: readonly IAlarm[];
  /** The function's duration, for the run-time graph. */
  readonly functionDuration: Metric;
  /** The function's name, for its cold-start graph. */
  readonly functionName: string;
}

/** Alarms and a dashboard for one fund. */
export class FundMonitoring extends Construct {
  /** No completed run within two schedule intervals. */
  readonly noRecentRunAlarm: Alarm;
  /** Coverage below the fund's warn threshold (default 1.0: balance below the required reserve). */
  readonly coverageAlarm: Alarm;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: FundMonitoringProps) {
    super(scope, id);
    const { fund } = props;
    const interval = Duration.minutes(fund.schedule.intervalMinutes);
    const window = noRunWindow(fund.schedule.intervalMinutes);

    this.noRecentRunAlarm = new Alarm(this, 'NoRecentRunAlarm', {
      alarmDescription:
        `Backstop ${props.stage}: no completed recalibration of ${fund.fundId} for two intervals ` +
        `(${2 * fund.schedule.intervalMinutes} min). See docs/OPERATIONS.md#no-recent-run.`,
      // RunSeconds is emitted once per completed run: no sample = no run.
      metric: fundMetric(
        RunMetric.RunSeconds,
        props.stage,
        fund.fundId,
        'SampleCount',
        Duration.minutes(window.periodMinutes),
      ),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: window.evaluationPeriods,
      datapointsToAlarm: window.evaluationPeriods,
      treatMissingData: TreatMissingData.BREACHING,
    });

    const warnBelow = fund.alerts.thresholds.warnBelow;
    this.coverageAlarm = new Alarm(this, 'CoverageAlarm', {
      alarmDescription:
        `Backstop ${props.stage}: ${fund.fundId} holds less than ${warnBelow} x its required reserve. ` +
        'See docs/OPERATIONS.md#coverage-below-target.',
      metric: fundMetric(
        RunMetric.CoverageRatio,
        props.stage,
        fund.fundId,
        'Minimum',
        Duration.minutes(Math.min(fund.schedule.intervalMinutes, MAX_SINGLE_PERIOD_MINUTES)),
      ),
      threshold: warnBelow,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // A missing run is the no-recent-run alarm's business; this one judges runs that happened.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    for (const alarm of [this.noRecentRunAlarm, this.coverageAlarm]) {
      alarm.addAlarmAction(props.alarmAction);
      alarm.addOkAction(props.alarmAction);
    }

    this.dashboard = this.buildDashboard(props, interval);
  }

  private buildDashboard(props: FundMonitoringProps, interval: Duration): Dashboard {
    const { fund } = props;
    const metric = (name: (typeof RunMetric)[keyof typeof RunMetric], statistic: string, label: string) =>
      fundMetric(name, props.stage, fund.fundId, statistic, interval, label);
    const { warnBelow, breachBelow } = fund.alerts.thresholds;
    const dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `Backstop-${props.stage}-${fund.fundId}`,
      defaultInterval: Duration.days(7),
    });
    dashboard.addWidgets(
      new SingleValueWidget({
        title: 'Coverage now (balance / required)',
        metrics: [metric(RunMetric.CoverageRatio, 'Minimum', 'coverage')],
        width: 6,
      }),
      new GraphWidget({
        title: 'Coverage ratio',
        left: [metric(RunMetric.CoverageRatio, 'Minimum', 'coverage')],
        leftYAxis: { min: 0 },
        leftAnnotations: [
          { value: warnBelow, label: `WARN below ${warnBelow}`, color: '#ff7f0e' },
          { value: breachBelow, label: `BREACH below ${breachBelow}`, color: '#d62728' },
        ],
        width: 18,
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Fund balance vs required reserve (USD)',
        left: [
          metric(RunMetric.FundBalanceUsd, 'Average', 'fund balance'),
          metric(RunMetric.RequiredReserveUsd, 'Average', 'required reserve'),
        ],
        leftYAxis: { min: 0 },
        width: 12,
      }),
      new GraphWidget({
        title: 'Run time (s)',
        left: [metric(RunMetric.RunSeconds, 'Maximum', 'run seconds (max)')],
        // The function's duration covers every fund's runs: context for this fund's run time.
        right: [
          props.functionDuration.with({ statistic: 'Maximum', period: interval, label: 'function (ms)' }),
        ],
        width: 6,
      }),
      new GraphWidget({
        title: 'Degraded markets',
        left: [metric(RunMetric.DegradedMarkets, 'Maximum', 'stale or missing markets')],
        leftYAxis: { min: 0 },
        width: 6,
      }),
    );
    dashboard.addWidgets(
      new AlarmStatusWidget({
        title: 'Alarms',
        alarms: [this.noRecentRunAlarm, this.coverageAlarm, ...props.sharedAlarms],
        width: 18,
      }),
      // Shared by every fund of the stage, like the function duration: cold starts lengthen runs.
      new GraphWidget({
        title: 'Cold starts',
        left: [coldStartMetric(props.stage, props.functionName, interval, 'cold starts')],
        leftYAxis: { min: 0 },
        width: 6,
      }),
    );
    return dashboard;
  }
}
