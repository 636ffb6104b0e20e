/**
 * The verdict of a backtest run: exceedances against expectation, Kupiec, Christoffersen and
 * conditional coverage, the Basel traffic-light zone, the Acerbi–Székely ES test and the worst days —
 * what a risk committee reads.
 */
import type { BacktestDay, BacktestRun } from './run-backtest.ts';
import {
  christoffersenIndependence,
  conditionalCoverage,
  kupiecPof,
  type LrTest,
  transitionCounts,
} from './stats/coverage-tests.ts';
import { type EsTestResult, esBacktest, type UniformSource } from './stats/es-test.ts';
import { type TrafficLight, trafficLight } from './stats/traffic-light.ts';

/** The summary of a run (the `--json` output's `summary`). */
export interface BacktestSummary {
  readonly from: string;
  readonly to: string;
  readonly days: number;
  readonly confidence: number;
  readonly exceedances: number;
  readonly expectedExceedances: number;
  readonly exceedanceRate: number;
  readonly kupiec: LrTest;
  readonly christoffersen: LrTest & { readonly clusteredExceedances: number };
  readonly conditionalCoverage: LrTest;
  readonly trafficLight: TrafficLight;
  readonly expectedShortfall: EsTestResult;
  /** The largest realised losses, largest first. */
  readonly worstDays: readonly BacktestDay[];
  /** Mean forecast VaR and ES over the run (USD). */
  readonly meanVarUsd: number;
  readonly meanEsUsd: number;
  readonly skippedGaps: number;
}

/** Number of worst days reported. */
export const WORST_DAYS = 10;

/** The largest move of a day across its markets (absolute simple return). */
function largestMove(day: BacktestDay): number {
  return Math.max(0, ...Object.values(day.returns).map(Math.abs));
}

/**
 * Worst first: by realised loss, then — bad debt is zero on most days — by the day's largest move,
 * so a calm history lists its wildest days rather than its first ones.
 */
function byWorst(a: BacktestDay, b: BacktestDay): number {
  return b.realizedLossUsd - a.realizedLossUsd || largestMove(b) - largestMove(a);
}

/**
 * Summarises a run.
 *
 * @param uniform - a seeded uniform source for the ES test's simulated critical values
 * @param tailDof - the model's ν (sets the tail of the ES test's null distribution)
 */
export function summarizeBacktest(
  run: BacktestRun,
  tailDof: number | null,
  uniform: UniformSource,
): BacktestSummary {
  const { days } = run;
  const alpha = run.settings.confidence;
  const p = 1 - alpha;
  const hits = days.map((d) => d.exceeded);
  const x = hits.filter(Boolean).length;
  const counts = transitionCounts(hits);
  const kupiec = kupiecPof(x, days.length, p);
  const ind = christoffersenIndependence(counts);
  const mean = (f: (d: BacktestDay) => number) =>
    days.reduce((a, d) => a + f(d), 0) / Math.max(1, days.length);
  return {
    from: days[0]?.date ?? '',
    to: days[days.length - 1]?.date ?? '',
    days: days.length,
    confidence: alpha,
    exceedances: x,
    expectedExceedances: days.length * p,
    exceedanceRate: days.length === 0 ? 0 : x / days.length,
    kupiec,
    christoffersen: { ...ind, clusteredExceedances: counts.n11 },
    conditionalCoverage: conditionalCoverage(kupiec, ind),
    trafficLight: trafficLight(x, days.length, p),
    expectedShortfall: esBacktest(days, alpha, tailDof, uniform),
    worstDays: [...days].sort(byWorst).slice(0, WORST_DAYS),
    meanVarUsd: mean((d) => d.varUsd),
    meanEsUsd: mean((d) => d.esUsd),
    skippedGaps: run.skippedGaps,
  };
}
