/**
 * The CloudWatch metrics the recalibration function emits (EMF through Powertools Metrics), as the
 * alarms and dashboards read them. A metric is identified by namespace, name AND the full dimension
 * set: the handler replaces Powertools' default `service` dimension with `stage`, so every run
 * metric has exactly `stage` and `fundId` — staging and prod in one account, with the same fund
 * ids, never mix — and an alarm naming any other dimension set would watch an empty metric (and the
 * no-run alarm would fire forever).
 */
import type { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';

/** POWERTOOLS_METRICS_NAMESPACE of the function. */
export const METRICS_NAMESPACE = 'Backstop';
/** POWERTOOLS_SERVICE_NAME of the function (logs and traces; not a metric dimension). */
export const SERVICE_NAME = 'backstop';

/** The dimension every Backstop metric carries: the stage that emitted it. */
export const STAGE_DIMENSION = 'stage';

/**
 * Powertools' cold-start metric: one sample per cold start. Powertools always gives it the `service`
 * dimension (POWERTOOLS_SERVICE_NAME), besides the default `stage` and `function_name`.
 */
export const COLD_START_METRIC = 'ColdStart';

/** Names of the per-fund metrics (dimensions `stage`, `fundId`), with their units. */
export const RunMetric = {
  /** fund balance / required reserve (ratio; < 1 = under-reserved). */
  CoverageRatio: 'CoverageRatio',
  /** The required reserve, USD. */
  RequiredReserveUsd: 'RequiredReserveUsd',
  /** The fund's balance, USD. */
  FundBalanceUsd: 'FundBalanceUsd',
  /** Wall time of one completed run, seconds; one sample per completed run. */
  RunSeconds: 'RunSeconds',
  /** Markets whose data was stale or missing in the run (count). */
  DegradedMarkets: 'DegradedMarkets',
  /** 1 when the run's transparency site could not be published, else 0 (count; one sample per run). */
  SitePublishFailures: 'SitePublishFailures',
} as const;

/** One of {@link RunMetric}. */
export type RunMetricName = (typeof RunMetric)[keyof typeof RunMetric];

/**
 * A per-fund metric of one stage, as the function emits it.
 *
 * @param statistic - e.g. `Minimum`, `Average`, `SampleCount`
 * @param period - the aggregation period
 */
export function fundMetric(
  name: RunMetricName,
  stage: string,
  fundId: string,
  statistic: string,
  period: Duration,
  label?: string,
): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { [STAGE_DIMENSION]: stage, fundId },
    statistic,
    period,
    ...(label === undefined ? {} : { label }),
  });
}

/**
 * Cold starts of one stage's function (Powertools names it by the Lambda function name).
 *
 * @param functionName - the function's name (a deploy-time token is fine)
 */
export function coldStartMetric(
  stage: string,
  functionName: string,
  period: Duration,
  label?: string,
): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: COLD_START_METRIC,
    dimensionsMap: { service: SERVICE_NAME, [STAGE_DIMENSION]: stage, function_name: functionName },
    statistic: 'Sum',
    period,
    ...(label === undefined ? {} : { label }),
  });
}
