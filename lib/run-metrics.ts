/**
 * The CloudWatch metrics the recalibration function emits (EMF through Powertools Metrics), as the
 * alarms and dashboards read them. A metric is identified by namespace, name AND the full dimension
 * set: the handler clears Powertools' default `service` dimension, so `fundId` is the only one — an
 * alarm naming any other dimension would watch an empty metric (and the no-run alarm would fire
 * forever).
 */
import type { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';

/** POWERTOOLS_METRICS_NAMESPACE of the function. */
export const METRICS_NAMESPACE = 'Backstop';
/** POWERTOOLS_SERVICE_NAME of the function (logs and traces; not a metric dimension). */
export const SERVICE_NAME = 'backstop';

/** Names of the per-fund metrics (dimension `fundId`), with their units. */
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
} as const;

/** One of {@link RunMetric}. */
export type RunMetricName = (typeof RunMetric)[keyof typeof RunMetric];

/**
 * A per-fund metric as the function emits it.
 *
 * @param statistic - e.g. `Minimum`, `Average`, `SampleCount`
 * @param period - the aggregation period
 */
export function fundMetric(
  name: RunMetricName,
  fundId: string,
  statistic: string,
  period: Duration,
  label?: string,
): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { fundId },
    statistic,
    period,
    ...(label === undefined ? {} : { label }),
  });
}
