/**
 * A fund's one-year outlook from its latest stored run: the inflow (config or history), crisis days
 * at the historical rate priced by the run's own engine results, the simulated year, and the
 * recommendation aimed at the required reserve and the target exhaustion probability. Pure: the run,
 * the balance history and the settings come in as values. docs/MANAGEMENT.md explains it in words.
 */
import type { FundManagement } from '../config/fund-config.ts';
import type { MarketSnapshot, ReserveResult } from '../model/schemas.ts';
import { SHIPPED_CRISIS_RATES } from './crisis-rate.ts';
import { type BalanceSample, fundInflow, type Inflow } from './inflow.ts';
import { type FanPoint, OUTLOOK_DAYS, simulateYear } from './outlook-simulation.ts';
import { type CrisisSeverity, crisisSeverity } from './severity.ts';
import { recommendWithTarget, type TargetRecommendation } from './target-recommendation.ts';

/** The crisis process the outlook assumed. */
export interface CrisisAssumption {
  readonly ratePerDay: number;
  /** Share of crisis days priced with the stress library. */
  readonly extremeShare: number;
  readonly source: string;
  readonly severity: CrisisSeverity;
}

/** The outlook of one fund at one run. Money in USD. */
export interface FundOutlook {
  readonly fundId: string;
  /** The run it starts from. */
  readonly asOf: string;
  readonly horizonDays: number;
  readonly paths: number;
  readonly seed: number;
  readonly startBalanceUsd: number;
  readonly requiredReserveUsd: number;
  /** P(the fund is exhausted within one year). */
  readonly exhaustionProbability1y: number;
  readonly fundAfter1y: { readonly p5Usd: number; readonly medianUsd: number; readonly p95Usd: number };
  /** Days until the median path holds the required reserve (0: it does now; null: not within the year). */
  readonly daysToTarget: number | null;
  readonly inflow: Inflow;
  readonly crises: CrisisAssumption;
  readonly fan: readonly FanPoint[];
  readonly recommendation: TargetRecommendation;
}

/** What {@link fundOutlook} needs. */
export interface FundOutlookInput {
  readonly snapshot: MarketSnapshot;
  readonly result: ReserveResult;
  /** Stored balances of the fund (any order), for the inflow estimate. */
  readonly history: readonly BalanceSample[];
  readonly management: FundManagement;
}

/**
 * The outlook, or null when the run's fund balance is unknown (nothing to project from).
 *
 * @example
 * const outlook = fundOutlook({ snapshot: run.snapshot, result: run.result, history, management });
 */
export function fundOutlook(input: FundOutlookInput): FundOutlook | null {
  const { snapshot, result, management } = input;
  const start = result.fundBalanceUsd;
  if (start === null) return null;
  const volume = snapshot.markets.reduce((sum, m) => sum + m.dailyVolumeUsd, 0);
  const inflow = fundInflow(management.inflow, volume, input.history);
  const crises: CrisisAssumption = {
    ratePerDay: management.crisisRatePerDay ?? SHIPPED_CRISIS_RATES.crisisPerDay,
    extremeShare: SHIPPED_CRISIS_RATES.extremeShare,
    source:
      management.crisisRatePerDay === undefined
        ? SHIPPED_CRISIS_RATES.source
        : 'the fund config (management.crisisRatePerDay)',
    severity: crisisSeverity(snapshot, result),
  };
  const seed = result.monteCarlo.seed;
  const simulation = simulateYear({
    startBalanceUsd: start,
    dailyInflowUsd: inflow.dailyUsd,
    requiredReserveUsd: result.requiredReserveUsd,
    crisisPerDay: crises.ratePerDay,
    extremeShare: crises.extremeShare,
    severity: crises.severity,
    paths: management.outlookPaths,
    seed,
  });
  return {
    fundId: result.fundId,
    asOf: result.asOf,
    horizonDays: OUTLOOK_DAYS,
    paths: simulation.paths,
    seed,
    startBalanceUsd: start,
    requiredReserveUsd: result.requiredReserveUsd,
    exhaustionProbability1y: simulation.exhaustionProbability,
    fundAfter1y: simulation.fundAfter,
    daysToTarget: simulation.daysToTarget,
    inflow,
    crises,
    fan: simulation.fan,
    recommendation: recommendWithTarget({
      startBalanceUsd: start,
      dailyInflowUsd: inflow.dailyUsd,
      dailyVolumeUsd: volume,
      requiredReserveUsd: result.requiredReserveUsd,
      targetExhaustionProbability: management.targetExhaustionProbability,
      feeCeilingBps: management.feeCeilingBps,
      feeHorizonDays: management.feeHorizonDays,
      simulation,
    }),
  };
}

/** An outlook in brief, for a run's outcome: the figures a person reads first. */
export interface OutlookSummary {
  readonly exhaustionProbability1y: number;
  readonly fundAfter1yMedianUsd: number;
  readonly daysToTarget: number | null;
  readonly action: TargetRecommendation['action'];
  readonly recommendation: string;
}

/** The brief of an outlook, or null without one. */
export function outlookSummary(outlook: FundOutlook | undefined): OutlookSummary | null {
  if (outlook === undefined) return null;
  return {
    exhaustionProbability1y: outlook.exhaustionProbability1y,
    fundAfter1yMedianUsd: outlook.fundAfter1y.medianUsd,
    daysToTarget: outlook.daysToTarget,
    action: outlook.recommendation.action,
    recommendation: outlook.recommendation.text,
  };
}
