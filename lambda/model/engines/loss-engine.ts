/**
 * The loss-engine seam (docs/MODEL.md §2): one interface for "the loss of the book along a scenario",
 * used by the Monte Carlo, the stress scenarios, the reverse stress test, the backtest's realised
 * loss and `backstop stress`. Two engines implement it: the v1 gap model (`"gap"`, the conservative
 * bound) and the v2 path engine (`"path"`).
 *
 * The contract every engine passes (test/unit/model/loss-engine-contract.test.ts): the loss of
 * Monte Carlo scenario i equals the deterministic replay of that same scenario.
 */
import type { MarketSnapshot, PathOutcome, StressScenario } from '../schemas.ts';

/** Which engine. */
export type EngineName = 'gap' | 'path';

/** One side of one market in a replay's split. */
export interface SideOutcome {
  readonly marketId: string;
  readonly side: 'long' | 'short';
  readonly badDebtUsd: number;
  readonly liquidationIncomeUsd: number;
  readonly liquidatedNotionalUsd: number;
  readonly adlNotionalUsd: number;
  /** Largest adverse move of the mid against this side over the scenario (fraction of price). */
  readonly maxAdverseMove: number;
}

/** What a deterministic replay did. */
export interface ScenarioReplay {
  /** Net fund loss (bad debt − income), USD; negative = the fund grew. */
  readonly netLossUsd: number;
  /** Net loss per market id. */
  readonly byMarket: Record<string, number>;
  /** The full split (both engines fill it; the gap engine has no income, no ADL). */
  readonly outcome: PathOutcome;
  readonly bySide: readonly SideOutcome[];
}

/** Options of a replay. */
export interface ReplayOptions {
  /** Multiplies every return of the scenario (the reverse stress test's s); default 1. */
  readonly scale?: number;
  /** Overrides the scenario's liquidity factor. */
  readonly liquidityFactor?: number;
  /**
   * Whether the fund is limited to its balance (ADL closes what it cannot absorb: `backstop stress`,
   * the stress outcome) or unlimited (the requirement). Default false.
   */
  readonly limited?: boolean;
}

/** A Monte Carlo scenario as a replayable stress scenario, with the loss the Monte Carlo gave it. */
export interface SampledScenario {
  readonly scenario: StressScenario;
  /** The loss the Monte Carlo kernel computed for this scenario. */
  readonly lossUsd: number;
  /** Its importance-sampling weight (1 without importance sampling). */
  readonly weight: number;
}

/** A loss engine bound to one validated snapshot. */
export interface LossEngine {
  readonly name: EngineName;
  readonly snapshot: MarketSnapshot;
  /** The loss of the book along `scenario`. */
  replay(scenario: StressScenario, options?: ReplayOptions): ScenarioReplay;
  /** Monte Carlo scenarios `0 … count − 1` of the snapshot's seed, as replayable scenarios. */
  sampleScenarios(count: number): SampledScenario[];
}
