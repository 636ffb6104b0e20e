/**
 * The v1 gap model behind the {@link LossEngine} seam: every bankrupt position rides the whole
 * window's move before it is closed (docs/MODEL.md §9). A path scenario is read at its most extreme point
 * per market. The engine has no liquidation income and no fund path: its outcome's bad debt is the
 * loss, and with a limited fund what exceeds the balance is the ADL loss.
 */
import { chiSquareConstants, chiSquareDraw, independentStreams } from '../../random/samplers.ts';
import { normalDraw } from '../../random/ziggurat.ts';
import type { MarketSnapshot, StressScenario } from '../../schemas.ts';
import type { LossEngine, ReplayOptions, SampledScenario, ScenarioReplay } from '../loss-engine.ts';
import { buildLiquidationBook } from './liquidation-book.ts';
import { shockMarket } from './scenario-loss.ts';
import { scenarioReturn } from './stress.ts';

/** Hours per year: τ = horizonHours / 8760. */
const HOURS_PER_YEAR = 8760;

/**
 * Binds the gap engine to a validated snapshot.
 *
 * @param cholesky - lower Cholesky factor of the (repaired) correlation, for {@link sampleScenarios}
 */
export function createGapEngine(snapshot: MarketSnapshot, cholesky: Float64Array): LossEngine {
  const books = snapshot.markets.map((m) => buildLiquidationBook(m, snapshot.model.impactCoefficient));
  const balance = snapshot.fundBalanceUsd;

  function replay(scenario: StressScenario, options: ReplayOptions = {}): ScenarioReplay {
    const scale = options.scale ?? 1;
    const liquidityFactor = options.liquidityFactor ?? scenario.liquidityFactor;
    const byMarket: Record<string, number> = {};
    let loss = 0;
    const bySide = snapshot.markets.flatMap((m, i) => {
      const r = Math.max(-1, scale * scenarioReturn(scenario, m.id));
      const move = shockMarket(books[i]!, r, liquidityFactor);
      byMarket[m.id] = move.lossUsd;
      loss += move.lossUsd;
      return (['long', 'short'] as const).map((side) => ({
        marketId: m.id,
        side,
        badDebtUsd: move.side === side ? move.lossUsd : 0,
        liquidationIncomeUsd: 0,
        liquidatedNotionalUsd: 0,
        adlNotionalUsd: 0,
        maxAdverseMove: move.side === side ? move.move : 0,
      }));
    });
    const limited = options.limited ?? false;
    const excess = balance === null ? 0 : Math.max(0, loss - balance);
    return {
      netLossUsd: loss,
      byMarket,
      outcome: {
        badDebtUsd: loss,
        liquidationIncomeUsd: 0,
        netFundLossUsd: loss,
        fundAfterUsd: balance === null ? null : Math.max(0, balance - loss),
        adlLossUsd: limited ? excess : 0,
        adlNotionalUsd: 0,
        liquidatedNotionalUsd: 0,
      },
      bySide,
    };
  }

  /** Redraws the Monte Carlo's streams exactly as its kernel does (stream 0: χ², stream i + 1: market i). */
  function sampleScenarios(count: number): SampledScenario[] {
    const { model, markets } = snapshot;
    const n = markets.length;
    const streams = independentStreams(model.seed, n + 1);
    const chi = model.tailDof === null ? null : chiSquareConstants(model.tailDof);
    const vols = markets.map((m) => m.impliedVol * Math.sqrt(model.horizonHours / HOURS_PER_YEAR));
    const z = new Float64Array(n);
    const sampled: SampledScenario[] = [];
    for (let p = 0; p < count; p++) {
      const scale =
        chi === null || model.tailDof === null
          ? 1
          : Math.sqrt((model.tailDof - 2) / chiSquareDraw(streams[0]!.state, 0, chi.d, chi.c));
      const shocks: Record<string, number> = {};
      for (let i = 0; i < n; i++) {
        z[i] = normalDraw(streams[i + 1]!.state, 0);
        let y0 = 0;
        let y1 = 0;
        let y2 = 0;
        let y3 = 0;
        let k = 0;
        // The kernel's summation order (four accumulators), so the return is bit-identical.
        for (; k + 3 <= i; k += 4) {
          y0 += cholesky[i * n + k]! * z[k]!;
          y1 += cholesky[i * n + k + 1]! * z[k + 1]!;
          y2 += cholesky[i * n + k + 2]! * z[k + 2]!;
          y3 += cholesky[i * n + k + 3]! * z[k + 3]!;
        }
        for (; k <= i; k++) y0 += cholesky[i * n + k]! * z[k]!;
        shocks[markets[i]!.id] = vols[i]! * (y0 + y1 + (y2 + y3)) * scale;
      }
      const scenario = { name: `Monte Carlo scenario ${p}`, shocks, liquidityFactor: 1 };
      sampled.push({ scenario, lossUsd: replay(scenario).netLossUsd, weight: 1 });
    }
    return sampled;
  }

  return { name: 'gap', snapshot, replay, sampleScenarios };
}
