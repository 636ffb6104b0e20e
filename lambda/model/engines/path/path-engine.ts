/**
 * The v2 path engine behind the {@link LossEngine} seam: the snapshot's book prepared once, replays
 * of any scenario through the kernel, and the Monte Carlo setup of the snapshot's dynamics.
 */

import { defaultFactorCount, fitFactorModel } from '../../linalg/factor-model.ts';
import { pathSeedWords } from '../../random/path-streams.ts';
import type { MarketSnapshot, ModelParams, StressScenario } from '../../schemas.ts';
import type {
  LossEngine,
  ReplayOptions,
  SampledScenario,
  ScenarioReplay,
  SideOutcome,
} from '../loss-engine.ts';
import { type BookAccounts, type PathBook, preparePathBook } from './path-book.ts';
import {
  createGeneratorBuffers,
  generateScenario,
  type PathGeneratorSetup,
  pathGeneratorSetup,
} from './path-generator.ts';
import { createWorkspace, type KernelWorkspace, runScenario } from './path-kernel.ts';
import { scenarioPath } from './scenario-path.ts';

/** Defaults of the path engine's window and dynamics; docs/MODEL.md says where each comes from. */
export const PATH_DEFAULTS = {
  windowHours: 4,
  stepMinutes: 10,
  pathDynamics: { jumpRatePerDay: 0.05, jumpMeanSize: 0.03, jumpDownShare: 0.6 },
  precision: { targetRelativeStdError: 0.03, maxPaths: 1_048_576 },
  reverseStressLiquidity: [0.3, 0.1, 0.03],
} as const;

/** The engine's window and step of a snapshot's model. */
export function pathWindow(model: ModelParams): {
  windowMinutes: number;
  steps: number;
  stepMinutes: number;
} {
  const windowMinutes = 60 * (model.windowHours ?? PATH_DEFAULTS.windowHours);
  const step = model.stepMinutes ?? PATH_DEFAULTS.stepMinutes;
  const steps = Math.max(1, Math.ceil(windowMinutes / step - 1e-9));
  return { windowMinutes, steps, stepMinutes: windowMinutes / steps };
}

/**
 * The Monte Carlo setup of a snapshot (its window, vols, correlation — the Cholesky factor, or the
 * factor model when `model.correlationModel` is `"factor"` — and dynamics).
 */
export function monteCarloSetup(
  snapshot: MarketSnapshot,
  book: PathBook,
  cholesky: Float64Array,
  importanceSampling = true,
): PathGeneratorSetup {
  const { model, markets } = snapshot;
  const { steps, stepMinutes } = pathWindow(model);
  const dynamics = model.pathDynamics ?? PATH_DEFAULTS.pathDynamics;
  return pathGeneratorSetup({
    vols: markets.map((m) => m.impliedVol),
    cholesky,
    factor:
      model.correlationModel === 'factor'
        ? fitFactorModel(
            snapshot.correlation,
            Math.min(markets.length, model.factors ?? defaultFactorCount(markets.length)),
          )
        : null,
    tailDof: model.tailDof,
    steps,
    stepMinutes,
    jumpRatePerDay: dynamics.jumpRatePerDay,
    jumpMeanSize: dynamics.jumpMeanSize,
    jumpDownShare: dynamics.jumpDownShare,
    betas: markets.map((m) => m.beta ?? 1),
    liquidityVolElasticity: book.liquidityVolElasticity,
    importanceSampling,
  });
}

/** The path engine bound to a snapshot. */
export interface PathEngine extends LossEngine {
  readonly name: 'path';
  readonly book: PathBook;
}

function sideOutcomes(snapshot: MarketSnapshot, ws: KernelWorkspace): SideOutcome[] {
  const o = ws.outcome;
  return snapshot.markets.flatMap((m, i) =>
    (['long', 'short'] as const).map((side, k) => {
      const s = 2 * i + k;
      return {
        marketId: m.id,
        side,
        badDebtUsd: o.badDebtBySide[s]!,
        liquidationIncomeUsd: o.incomeBySide[s]!,
        liquidatedNotionalUsd: o.liquidatedBySide[s]!,
        adlNotionalUsd: o.adlNotionalBySide[s]!,
        maxAdverseMove: o.maxAdverseBySide[s]!,
      };
    }),
  );
}

/**
 * Binds the path engine to a validated snapshot.
 *
 * @param cholesky - lower Cholesky factor of the (repaired) correlation, for {@link sampleScenarios}
 * @param concentration - large accounts carved into (or removed from) the book (cover-2)
 */
export function createPathEngine(
  snapshot: MarketSnapshot,
  cholesky: Float64Array,
  concentration?: BookAccounts,
): PathEngine {
  const book = preparePathBook(snapshot, concentration);
  const ws = createWorkspace(book);
  const { windowMinutes, stepMinutes } = pathWindow(snapshot.model);
  const ids = snapshot.markets.map((m) => m.id);

  function replay(scenario: StressScenario, options: ReplayOptions = {}): ScenarioReplay {
    const path = scenarioPath(snapshot, scenario, {
      stepMinutes,
      windowMinutes,
      ...(options.scale === undefined ? {} : { scale: options.scale }),
      ...(options.liquidityFactor === undefined ? {} : { liquidityFactor: options.liquidityFactor }),
    });
    const netLossUsd = runScenario(book, { ...path, limited: options.limited ?? false }, ws);
    const o = ws.outcome;
    const byMarket: Record<string, number> = {};
    ids.forEach((id, i) => {
      byMarket[id] = o.badDebtByMarket[i]! - o.incomeByMarket[i]!;
    });
    return {
      netLossUsd,
      byMarket,
      outcome: {
        badDebtUsd: o.badDebtUsd,
        liquidationIncomeUsd: o.incomeUsd,
        netFundLossUsd: o.netLossUsd,
        fundAfterUsd: book.fund.balanceUsd === null ? null : o.fundAfterUsd,
        adlLossUsd: o.adlLossUsd,
        adlNotionalUsd: o.adlNotionalUsd,
        liquidatedNotionalUsd: o.liquidatedUsd,
      },
      bySide: sideOutcomes(snapshot, ws),
    };
  }

  function sampleScenarios(count: number): SampledScenario[] {
    const setup = monteCarloSetup(snapshot, book, cholesky);
    const buf = createGeneratorBuffers(setup);
    const seedWords = pathSeedWords(snapshot.model.seed);
    const n = ids.length;
    const sampled: SampledScenario[] = [];
    for (let p = 0; p < count; p++) {
      generateScenario(setup, seedWords, p, buf);
      const lossUsd = runScenario(
        book,
        {
          cumulativeReturn: buf.cumulativeReturn,
          steps: setup.steps,
          stepMinutes: setup.stepMinutes,
          liquidityFactor: buf.liquidityFactor,
          limited: false,
          gapSteps: null,
          impactIncluded: false,
        },
        ws,
      );
      const path: [number, Record<string, number>][] = [[0, Object.fromEntries(ids.map((id) => [id, 0]))]];
      for (let t = 0; t < setup.steps; t++) {
        const point: Record<string, number> = {};
        ids.forEach((id, i) => {
          point[id] = buf.cumulativeReturn[t * n + i]!;
        });
        path.push([(t + 1) * setup.stepMinutes, point]);
      }
      sampled.push({
        scenario: {
          name: `Monte Carlo scenario ${p}`,
          path,
          liquidityFactor: buf.liquidityFactor,
        },
        lossUsd,
        weight: buf.weight,
      });
    }
    return sampled;
  }

  return { name: 'path', snapshot, book, replay, sampleScenarios };
}
