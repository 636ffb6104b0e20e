/**
 * The v1 reserve (docs/MODEL.md §9) with the gap engine: Monte Carlo ES, deterministic stress and cover-2
 * combine into the required reserve, its coverage, status and recommendation. Its numbers for
 * schemaVersion 1 snapshots are unchanged from v1, so stored v1 runs replay exactly.
 */
import { coverageRatio, coverageStatus, coverageThresholds, recommend } from '../../coverage.ts';
import type { PreparedCorrelation } from '../../linalg/psd-repair.ts';
import type { ComputeReserveOptions } from '../../reserve-options.ts';
import type { MarketSnapshot, ReserveResult } from '../../schemas.ts';
import { InvalidInputError } from '../../validation.ts';
import { buildLiquidationBook, cascadeTable } from './liquidation-book.ts';
import { MIN_BATCH_TAIL, type MonteCarloEstimate, runMonteCarlo, tailSizes } from './monte-carlo.ts';
import { cover2, runStress } from './stress.ts';

/** Version of the gap model's equations and conventions, stored with every v1 result. */
export const GAP_MODEL_VERSION = '1.0.0';
/** Paths of the gap engine when a snapshot does not say (only v2 snapshots may omit them). */
export const DEFAULT_GAP_PATHS = 1_000_000;
/** Hours per year: τ = horizonHours / 8760. */
const HOURS_PER_YEAR = 8760;
/** ES standard error above this fraction of ES earns a warning. */
const ES_PRECISION_WARNING = 0.1;
/** Most per-market tail losses kept in memory (8 bytes each: 256 MB). */
const MAX_TAIL_CELLS = 2 ** 25;

/**
 * The gap model's ReserveResult of a validated snapshot.
 *
 * requiredReserveUsd = (1 + buffer)·max(ES, worst stress loss, cover-2); all USD, losses positive.
 *
 * @param correlation - the snapshot's correlation, prepared (repaired if needed)
 * @param paths - Monte Carlo paths (the snapshot's own, or the caller's choice for a v2 bound)
 * @throws InvalidInputError (field `model.confidence`) when the ES tail would not fit in memory
 */
export function computeGapReserve(
  snapshot: MarketSnapshot,
  correlation: PreparedCorrelation,
  paths: number,
  options: ComputeReserveOptions = {},
): ReserveResult {
  const { model, markets } = snapshot;
  checkTailFits(paths, model.confidence, markets.length);
  const books = markets.map((m) => buildLiquidationBook(m, model.impactCoefficient));
  const ids = markets.map((m) => m.id);
  const tau = model.horizonHours / HOURS_PER_YEAR;

  const started = options.timer?.() ?? 0;
  const mc = runMonteCarlo({
    books,
    tables: books.map((b) => cascadeTable(b, 1)),
    windowVols: Float64Array.from(markets, (m) => m.impliedVol * Math.sqrt(tau)),
    cholesky: correlation.cholesky,
    tailDof: model.tailDof,
    paths,
    seed: model.seed,
    confidence: model.confidence,
    onProgress: options.onProgress,
  });
  const seconds = options.timer === undefined ? 0 : Math.max(0, options.timer() - started);

  const stress = runStress(model.stressScenarios, ids, books);
  const worstStress = stress.worstIndex < 0 ? 0 : (stress.results[stress.worstIndex]?.lossUsd ?? 0);
  const cover2Usd = cover2(model.largestAccounts, stress);

  const base = Math.max(mc.esUsd, worstStress, cover2Usd ?? 0);
  const binding: ReserveResult['binding'] =
    base === mc.esUsd ? 'expectedShortfall' : base === worstStress ? 'stress' : 'cover2';
  const requiredReserveUsd = (1 + model.buffer) * base;
  const balance = snapshot.fundBalanceUsd;
  const coverage = coverageStatus(balance, requiredReserveUsd, coverageThresholds(model));

  return {
    fundId: snapshot.fundId,
    asOf: snapshot.asOf,
    modelVersion: GAP_MODEL_VERSION,
    fundBalanceUsd: balance,
    requiredReserveUsd,
    coverageRatio: coverageRatio(balance, requiredReserveUsd),
    coverageStatus: coverage,
    status: snapshot.dataQuality?.degraded === true ? 'DEGRADED' : coverage,
    monteCarlo: {
      paths,
      seed: model.seed,
      confidence: model.confidence,
      tailDof: model.tailDof,
      varUsd: mc.varUsd,
      esUsd: mc.esUsd,
      esStdErrorUsd: mc.esStdErrorUsd,
      tailCount: mc.tailCount,
      seconds,
    },
    stress: stress.results,
    cover2Usd,
    byMarket: ids.map((id, i) => ({
      id,
      esContributionUsd: mc.esContributions[i]!,
      worstStressLossUsd: stress.worstIndex < 0 ? 0 : (stress.results[stress.worstIndex]?.byMarket[id] ?? 0),
    })),
    binding,
    recommendation: recommend(snapshot, requiredReserveUsd),
    warnings: [...correlation.warnings, ...resultWarnings(snapshot, mc, cover2Usd)],
  };
}

/** A low confidence on many paths would keep most paths' per-market losses: refuse it as bad input. */
function checkTailFits(paths: number, confidence: number, marketCount: number): void {
  const { varRankFromTop, tailCount } = tailSizes(paths, confidence);
  const cells = Math.max(varRankFromTop, tailCount) * marketCount;
  if (cells > MAX_TAIL_CELLS) {
    throw new InvalidInputError(
      `model.confidence: ES at ${confidence} over ${paths} paths keeps ${tailCount} tail paths of ${marketCount} markets (${cells} losses, limit ${MAX_TAIL_CELLS}); raise confidence or lower paths`,
      'model.confidence',
    );
  }
}

function resultWarnings(
  snapshot: MarketSnapshot,
  { esUsd, esStdErrorUsd, tailCount }: Pick<MonteCarloEstimate, 'esUsd' | 'esStdErrorUsd' | 'tailCount'>,
  cover2Usd: number | null,
): string[] {
  const warnings: string[] = [];
  if (snapshot.fundBalanceUsd === null) {
    warnings.push('fund balance unknown: status UNKNOWN, shortfall counts the whole requirement');
  }
  if (tailCount < 2 * MIN_BATCH_TAIL) {
    warnings.push(
      `ES averages only ${tailCount} tail scenario${tailCount === 1 ? '' : 's'}: too few for ES or its standard error; raise paths to at least ${Math.ceil((2 * MIN_BATCH_TAIL) / (1 - snapshot.model.confidence))}`,
    );
  } else if (esUsd > 0 && esStdErrorUsd > ES_PRECISION_WARNING * esUsd) {
    warnings.push(
      `ES standard error is ${((100 * esStdErrorUsd) / esUsd).toFixed(0)}% of ES: run more paths before relying on it`,
    );
  }
  const accounts = snapshot.model.largestAccounts ?? [];
  if (accounts.length > 0 && cover2Usd === null) {
    warnings.push('cover-2 not computed: largestAccounts need at least one stress scenario');
  }
  return warnings;
}
