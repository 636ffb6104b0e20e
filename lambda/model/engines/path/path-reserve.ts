/**
 * The v2 reserve with the path engine (docs/MODEL.md §2–§5): ES of the net fund loss with an unlimited
 * fund, every stress path replayed (unlimited for the requirement, limited for its outcome), cover-2
 * with the two largest accounts liquidated through the engine on every path, the reverse stress test against the effective balance, and the v1 gap model's
 * requirement as the conservative bound.
 *
 * requiredReserveUsd = (1 + buffer)·max(0, ES, worst stress net loss, cover-2);
 * coverage = effective balance / required, the effective balance being the balance after its own
 * mean revaluation over the tail scenarios.
 */
import { coverageRatio, coverageStatus, coverageThresholds, recommend } from '../../coverage.ts';
import type { PreparedCorrelation } from '../../linalg/psd-repair.ts';
import type { ComputeReserveOptions } from '../../reserve-options.ts';
import { reverseStress } from '../../reverse-stress.ts';
import type { LargeAccount, MarketSnapshot, ReserveResult, StressScenario } from '../../schemas.ts';
import { computeGapReserve } from '../gap/gap-reserve.ts';
import { createPathEngine, monteCarloSetup, PATH_DEFAULTS } from './path-engine.ts';
import { type PathMonteCarloEstimate, runPathMonteCarlo } from './path-monte-carlo.ts';

/** Version of the path model's equations and conventions, stored with every v2 result. */
export const PATH_MODEL_VERSION = '2.1.0';
/** Paths of the gap model's conservative bound when the snapshot does not fix `paths`. */
export const BOUND_PATHS = 200_000;
/** ES standard error above this fraction of ES earns a warning. */
const ES_PRECISION_WARNING = 0.1;

/**
 * What large accounts cost the fund along one scenario, liquidated through the same engine as the
 * rest of the book (queue, throughput, depth, impact): the replay with the accounts carved into
 * their sides at their own margins, minus the replay with them removed. Unlimited fund.
 */
function accountsLoss(
  snapshot: MarketSnapshot,
  cholesky: Float64Array,
  accounts: readonly LargeAccount[],
  scenario: StressScenario,
): number {
  const carved = createPathEngine(snapshot, cholesky, { accounts, mode: 'carve' }).replay(scenario);
  const removed = createPathEngine(snapshot, cholesky, { accounts, mode: 'remove' }).replay(scenario);
  return carved.netLossUsd - removed.netLossUsd;
}

/**
 * Path-aware cover-2: per stress scenario the two accounts that cost the fund most on their own,
 * then both together through the engine (their sizes against the book's depth and throughput, so a
 * market held mostly by two accounts costs what liquidating them costs); the largest over the
 * scenarios, floored at 0.
 */
function pathCover2(
  snapshot: MarketSnapshot,
  cholesky: Float64Array,
  accounts: readonly LargeAccount[],
): number {
  let worst = 0;
  for (const scenario of snapshot.model.stressScenarios) {
    const alone = accounts
      .map((account) => ({ account, loss: accountsLoss(snapshot, cholesky, [account], scenario) }))
      .sort((a, b) => b.loss - a.loss);
    const two = alone.slice(0, 2).map((a) => a.account);
    worst = Math.max(worst, accountsLoss(snapshot, cholesky, two, scenario));
  }
  return worst;
}

function resultWarnings(
  snapshot: MarketSnapshot,
  mc: PathMonteCarloEstimate,
  bookWarnings: readonly string[],
): string[] {
  const warnings = [...bookWarnings];
  if (snapshot.fundBalanceUsd === null) {
    warnings.push('fund balance unknown: status UNKNOWN, shortfall counts the whole requirement');
  }
  const noDepth = snapshot.markets.filter((m) => m.depthUsd === undefined).map((m) => m.id);
  if (noDepth.length > 0) {
    warnings.push(
      `no order-book depth for ${noDepth.join(', ')}: execution slippage follows the square-root law`,
    );
  }
  const noTiers = snapshot.markets.filter((m) => m.maxLeverage === undefined).map((m) => m.id);
  if (noTiers.length > 0) {
    warnings.push(
      `no maxLeverage for ${noTiers.join(', ')}: no leverage floor beyond the maintenance margin`,
    );
  }
  if (mc.esUsd > 0 && mc.esStdErrorUsd > ES_PRECISION_WARNING * mc.esUsd) {
    warnings.push(
      `ES standard error is ${((100 * mc.esStdErrorUsd) / mc.esUsd).toFixed(0)}% of ES: run more paths before relying on it`,
    );
  }
  return warnings;
}

/**
 * The path engine's ReserveResult of a validated snapshot.
 *
 * @param correlation - the snapshot's correlation, prepared (repaired if needed)
 */
export function computePathReserve(
  snapshot: MarketSnapshot,
  correlation: PreparedCorrelation,
  options: ComputeReserveOptions = {},
): ReserveResult {
  const { model, markets } = snapshot;
  const engine = createPathEngine(snapshot, correlation.cholesky);
  const precision = model.precision ?? PATH_DEFAULTS.precision;

  const started = options.timer?.() ?? 0;
  const mc = runPathMonteCarlo({
    book: engine.book,
    setup: monteCarloSetup(snapshot, engine.book, correlation.cholesky),
    seed: model.seed,
    confidence: model.confidence,
    count: model.paths === undefined ? precision : { paths: model.paths },
    onProgress: options.onProgress,
    runBatches: options.pathRunner?.(snapshot),
  });
  const seconds = options.timer === undefined ? 0 : Math.max(0, options.timer() - started);

  const replays = model.stressScenarios.map((scenario) => engine.replay(scenario));
  const stress = model.stressScenarios.map((scenario, k) => ({
    name: scenario.name,
    lossUsd: replays[k]!.netLossUsd,
    liquidityFactor: scenario.liquidityFactor,
    byMarket: replays[k]!.byMarket,
    outcome: engine.replay(scenario, { limited: true }).outcome,
  }));
  let worstIndex = -1;
  stress.forEach((s, k) => {
    if (worstIndex < 0 || s.lossUsd > stress[worstIndex]!.lossUsd) worstIndex = k;
  });
  const worstStress = worstIndex < 0 ? 0 : stress[worstIndex]!.lossUsd;
  const accounts = model.largestAccounts ?? [];
  const cover2Usd =
    accounts.length === 0 || worstIndex < 0 ? null : pathCover2(snapshot, correlation.cholesky, accounts);

  const base = Math.max(0, mc.esUsd, worstStress, cover2Usd ?? 0);
  const binding: ReserveResult['binding'] =
    base === Math.max(0, mc.esUsd) ? 'expectedShortfall' : base === worstStress ? 'stress' : 'cover2';
  const requiredReserveUsd = (1 + model.buffer) * base;
  const balance = snapshot.fundBalanceUsd;
  const effectiveBalanceUsd = balance === null ? null : Math.max(0, balance - mc.revaluationLossUsd);
  const coverage = coverageStatus(effectiveBalanceUsd, requiredReserveUsd, coverageThresholds(model));
  const bound = computeGapReserve(snapshot, correlation, model.paths ?? BOUND_PATHS);

  return {
    fundId: snapshot.fundId,
    asOf: snapshot.asOf,
    modelVersion: PATH_MODEL_VERSION,
    engine: 'path',
    fundBalanceUsd: balance,
    requiredReserveUsd,
    coverageRatio: coverageRatio(effectiveBalanceUsd, requiredReserveUsd),
    coverageStatus: coverage,
    status: snapshot.dataQuality?.degraded === true ? 'DEGRADED' : coverage,
    monteCarlo: {
      paths: mc.paths,
      seed: model.seed,
      confidence: model.confidence,
      tailDof: model.tailDof,
      varUsd: mc.varUsd,
      esUsd: mc.esUsd,
      esStdErrorUsd: mc.esStdErrorUsd,
      tailCount: mc.tailCount,
      seconds,
    },
    stress,
    cover2Usd,
    byMarket: markets.map((m, i) => ({
      id: m.id,
      esContributionUsd: mc.esContributions[i]!,
      worstStressLossUsd: worstIndex < 0 ? 0 : (stress[worstIndex]!.byMarket[m.id] ?? 0),
    })),
    binding,
    recommendation: recommend({ ...snapshot, fundBalanceUsd: effectiveBalanceUsd }, requiredReserveUsd),
    lossBreakdown: {
      badDebtUsd: mc.badDebtUsd,
      liquidationIncomeUsd: mc.incomeUsd,
      netLossUsd: mc.esUsd,
    },
    effectiveBalanceUsd,
    exhaustionProbability: mc.exhaustionProbability,
    adl: { probability: mc.adlProbability, expectedNotionalUsd: mc.adlExpectedNotionalUsd },
    reverseStress:
      effectiveBalanceUsd === null
        ? []
        : reverseStress(
            engine,
            model.stressScenarios,
            model.reverseStressLiquidity ?? PATH_DEFAULTS.reverseStressLiquidity,
            effectiveBalanceUsd,
          ),
    conservativeBoundUsd: bound.requiredReserveUsd,
    warnings: [...correlation.warnings, ...resultWarnings(snapshot, mc, engine.book.warnings)],
  };
}
