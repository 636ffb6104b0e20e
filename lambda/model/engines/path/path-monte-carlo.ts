/**
 * The path engine's Monte Carlo: N importance-sampled scenarios through the kernel with an unlimited
 * fund (so the requirement is not circular), reduced to VaR, ES with its standard error, the Euler
 * contributions, the loss breakdown and the fund's diagnostics at its current balance.
 *
 * Paths are indexed and each has its own generator ({@link seedPathStream}), so:
 * - N is chosen by the precision target: the run starts at {@link INITIAL_PATHS} and extends the same
 *   sequence of paths until the ES's relative standard error meets the target or `maxPaths`;
 * - the per-market contributions come from replaying the tail paths (the kernel-replay contract:
 *   a replay gives exactly the scenario's loss);
 * - the result depends only on the set of paths, never on how they are split (workers, batches).
 */
import { pathSeedWords } from '../../random/path-streams.ts';
import type { PathBook } from './path-book.ts';
import {
  createGeneratorBuffers,
  type GeneratorBuffers,
  generateScenario,
  type PathGeneratorSetup,
} from './path-generator.ts';
import { createWorkspace, runScenario } from './path-kernel.ts';
import {
  allocatePartial,
  emptyPartial,
  mergePartials,
  type PathPartial,
  type PathRange,
  splitRange,
} from './path-partial.ts';
import { type WeightedTail, weightedTail } from './weighted-tail.ts';

/** Paths of the first round of an adaptive run. */
export const INITIAL_PATHS = 16_384;
/** Rounds are multiples of this many paths. */
const PATH_BLOCK = 4_096;
/** Progress is reported every this many paths. */
const PROGRESS_EVERY = 1 << 14;
/** ES below this share of the book's OI counts as zero for the precision target. */
const NEGLIGIBLE_ES_SHARE = 1e-9;

/** How many paths: exactly `paths`, or adaptively to a relative standard error. */
export type PathCount =
  | { readonly paths: number }
  | { readonly targetRelativeStdError: number; readonly maxPaths: number };

/** Inputs of {@link runPathMonteCarlo}. */
export interface PathMonteCarloInput {
  readonly book: PathBook;
  readonly setup: PathGeneratorSetup;
  readonly seed: number;
  readonly confidence: number;
  readonly count: PathCount;
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
  /** Runs each round's paths (default: in this thread); any runner gives the same estimate. */
  readonly runBatches?: PathBatchRunner | undefined;
}

/** The estimates (USD; losses positive, net of liquidation income). */
export interface PathMonteCarloEstimate {
  readonly paths: number;
  readonly varUsd: number;
  readonly esUsd: number;
  readonly esStdErrorUsd: number;
  /** Paths carrying tail weight (those above VaR and the VaR path). */
  readonly tailCount: number;
  /** Per-market tail means of the net loss; they sum to ES. */
  readonly esContributions: Float64Array;
  /** Tail means of bad debt, liquidation income and net loss. */
  readonly badDebtUsd: number;
  readonly incomeUsd: number;
  /** Tail mean of the fund's own revaluation loss (for the effective balance). */
  readonly revaluationLossUsd: number;
  /** P(F ≤ 0 within the window) and P(ADL) at the current balance; null without a balance. */
  readonly exhaustionProbability: number | null;
  readonly adlProbability: number | null;
  /** E[ADL notional | ADL]; 0 when ADL never fires. */
  readonly adlExpectedNotionalUsd: number;
}

/** What a batch of paths needs: the book, the generator's setup and the run's seed words. */
export interface PathSimulation {
  readonly book: PathBook;
  readonly setup: PathGeneratorSetup;
  readonly seedWords: Int32Array;
}

/** The simulation of a Monte Carlo input (cheap: the book and setup are shared, not copied). */
export function pathSimulation(input: Pick<PathMonteCarloInput, 'book' | 'setup' | 'seed'>): PathSimulation {
  return { book: input.book, setup: input.setup, seedWords: pathSeedWords(input.seed) };
}

/** A simulator of batches with its buffers allocated once (one per thread). */
export type BatchSimulator = (range: PathRange) => PathPartial;

/** A {@link BatchSimulator} over `sim`: path i's numbers depend only on (seed, i), never on the batch. */
export function batchSimulator(sim: PathSimulation): BatchSimulator {
  const buf = createGeneratorBuffers(sim.setup);
  const ws = createWorkspace(sim.book);
  const o = ws.outcome;
  const scenario = scenarioOf(sim.setup, buf);
  return (range) => {
    const out = allocatePartial(range.from, range.to - range.from);
    for (let p = range.from, i = 0; p < range.to; p++, i++) {
      generateScenario(sim.setup, sim.seedWords, p, buf);
      scenario.liquidityFactor = buf.liquidityFactor;
      out.loss[i] = runScenario(sim.book, scenario, ws);
      out.weight[i] = buf.weight;
      out.adlNotional[i] = o.adlNotionalUsd;
      out.flags[i] = (o.exhausted ? 1 : 0) | (o.adlFired ? 2 : 0);
    }
    return out;
  };
}

/**
 * Runs the paths of one round, however it likes (in this thread, worker threads, other machines),
 * and returns partials that tile `round`; `progress` may be told how many of its paths are done.
 */
export type PathBatchRunner = (round: PathRange, progress: (pathsDone: number) => void) => PathPartial[];

/** The runner of this thread: the round in slices, so progress is reported along the way. */
function localRunner(sim: PathSimulation): PathBatchRunner {
  const simulate = batchSimulator(sim);
  return (round, progress) =>
    splitRange(round, PROGRESS_EVERY).map((range) => {
      const partial = simulate(range);
      progress(range.to - round.from);
      return partial;
    });
}

/** The scenario the kernel reads, aliasing the generator's buffers. */
function scenarioOf(setup: PathGeneratorSetup, buf: GeneratorBuffers) {
  return {
    cumulativeReturn: buf.cumulativeReturn,
    steps: setup.steps,
    stepMinutes: setup.stepMinutes,
    liquidityFactor: 1,
    limited: false,
    gapSteps: null,
    impactIncluded: false,
  };
}

function roundUp(paths: number): number {
  return Math.ceil(paths / PATH_BLOCK) * PATH_BLOCK;
}

/** Paths of the first round of a run. */
export function firstRoundPaths(count: PathCount): number {
  return 'paths' in count ? count.paths : Math.min(count.maxPaths, INITIAL_PATHS);
}

/**
 * Paths the run should reach after `done` paths whose tail is `tail`, or null when it is done:
 * a fixed count stops at once; an adaptive run stops at `maxPaths`, at a negligible ES, or when the
 * ES's relative standard error meets the target.
 */
export function nextPathCount(
  count: PathCount,
  done: number,
  tail: WeightedTail,
  totalOiUsd: number,
): number | null {
  if ('paths' in count) return null;
  const { targetRelativeStdError: target, maxPaths } = count;
  const scale = Math.abs(tail.esUsd);
  if (done >= maxPaths || scale <= NEGLIGIBLE_ES_SHARE * totalOiUsd) return null;
  const relative = tail.esStdErrorUsd / scale;
  if (relative <= target) return null;
  // SE ∝ 1/√N: aim 20% past the paths the target needs, and at least 25% more; never past max.
  const needed = roundUp(done * (relative / target) ** 2 * 1.2);
  return Math.min(maxPaths, Math.max(needed, roundUp(done * 1.25)));
}

/** Runs the Monte Carlo (see the module comment). */
export function runPathMonteCarlo(input: PathMonteCarloInput): PathMonteCarloEstimate {
  const sim = pathSimulation(input);
  const runRound = input.runBatches ?? localRunner(sim);
  const totalOi = input.book.markets.reduce((s, m) => s + m.openInterestUsd, 0);

  let records = emptyPartial(0);
  let tail: WeightedTail;
  let next: number | null = firstRoundPaths(input.count);
  do {
    const round = { from: records.to, to: next };
    let reported = round.from;
    const partials = runRound(round, (pathsDone) => {
      // Reported every PROGRESS_EVERY paths of the run, whatever the runner's slices.
      const done = round.from + pathsDone;
      if (Math.floor(done / PROGRESS_EVERY) > Math.floor(reported / PROGRESS_EVERY)) {
        input.onProgress?.(done, round.to);
      }
      reported = done;
    });
    records = mergePartials([records, ...partials]);
    if (records.from !== 0 || records.to !== round.to) {
      throw new Error(
        `path runner returned paths [${records.from}, ${records.to}), expected [0, ${round.to})`,
      );
    }
    tail = weightedTail(records.loss, records.weight, records.to, input.confidence);
    next = nextPathCount(input.count, records.to, tail, totalOi);
  } while (next !== null);
  input.onProgress?.(records.to, records.to);
  return summarise(input, sim, records, tail);
}

function summarise(
  input: PathMonteCarloInput,
  sim: PathSimulation,
  records: PathPartial,
  tail: WeightedTail,
): PathMonteCarloEstimate {
  const n = input.setup.marketCount;
  const count = records.to;
  // Replay each tail path (deterministic: the same scenario and loss as in the run) for the
  // per-market contributions and the tail means of bad debt, income and the fund's revaluation.
  const buf = createGeneratorBuffers(input.setup);
  const ws = createWorkspace(input.book);
  const scenario = scenarioOf(input.setup, buf);
  const esContributions = new Float64Array(n);
  let badDebt = 0;
  let income = 0;
  let revaluation = 0;
  for (let j = 0; j < tail.paths.length; j++) {
    const p = tail.paths[j]!;
    generateScenario(input.setup, sim.seedWords, p, buf);
    scenario.liquidityFactor = buf.liquidityFactor;
    runScenario(input.book, scenario, ws);
    const w = tail.tailWeights[j]!;
    const o = ws.outcome;
    for (let m = 0; m < n; m++) esContributions[m]! += w * (o.badDebtByMarket[m]! - o.incomeByMarket[m]!);
    badDebt += w * o.badDebtUsd;
    income += w * o.incomeUsd;
    revaluation += w * o.revaluationLossUsd;
  }
  for (let m = 0; m < n; m++) esContributions[m]! /= tail.tailWeight;

  const hasBalance = input.book.fund.balanceUsd !== null;
  let exhausted = 0;
  let adl = 0;
  let adlNotional = 0;
  for (let p = 0; p < count; p++) {
    const f = records.flags[p]!;
    const w = records.weight[p]!;
    if (f & 1) exhausted += w;
    if (f & 2) {
      adl += w;
      adlNotional += w * records.adlNotional[p]!;
    }
  }
  const clamp = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);
  return {
    paths: count,
    varUsd: tail.varUsd,
    esUsd: tail.esUsd,
    esStdErrorUsd: tail.esStdErrorUsd,
    tailCount: tail.paths.length,
    esContributions,
    badDebtUsd: badDebt / tail.tailWeight,
    incomeUsd: income / tail.tailWeight,
    revaluationLossUsd: revaluation / tail.tailWeight,
    exhaustionProbability: hasBalance ? clamp(exhausted / count) : null,
    adlProbability: hasBalance ? clamp(adl / count) : null,
    adlExpectedNotionalUsd: adl > 0 ? adlNotional / adl : 0,
  };
}
