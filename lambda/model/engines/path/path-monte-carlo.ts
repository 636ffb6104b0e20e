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
import { createWorkspace, type KernelWorkspace, runScenario } from './path-kernel.ts';
import { tailMean, type WeightedTail, weightedTail } from './weighted-tail.ts';

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

/** Per-path records, grown as rounds add paths. */
class PathRecords {
  loss = new Float64Array(0);
  weight = new Float64Array(0);
  badDebt = new Float64Array(0);
  income = new Float64Array(0);
  revaluation = new Float64Array(0);
  adlNotional = new Float64Array(0);
  /** bit 0: exhausted, bit 1: ADL fired. */
  flags = new Uint8Array(0);

  grow(capacity: number): void {
    if (capacity <= this.loss.length) return;
    const grow = <T extends Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a);
      return b;
    };
    const f64 = (n: number) => new Float64Array(n);
    this.loss = grow(this.loss, f64);
    this.weight = grow(this.weight, f64);
    this.badDebt = grow(this.badDebt, f64);
    this.income = grow(this.income, f64);
    this.revaluation = grow(this.revaluation, f64);
    this.adlNotional = grow(this.adlNotional, f64);
    this.flags = grow(this.flags, (n) => new Uint8Array(n));
  }
}

function simulate(
  input: PathMonteCarloInput,
  seedWords: Int32Array,
  from: number,
  to: number,
  total: number,
  records: PathRecords,
  buf: GeneratorBuffers,
  ws: KernelWorkspace,
): void {
  const o = ws.outcome;
  const scenario = {
    cumulativeReturn: buf.cumulativeReturn,
    steps: input.setup.steps,
    stepMinutes: input.setup.stepMinutes,
    liquidityFactor: 1,
    limited: false,
    gapSteps: buf.gapSteps,
    impactIncluded: false,
  };
  for (let p = from; p < to; p++) {
    generateScenario(input.setup, seedWords, p, buf);
    scenario.liquidityFactor = buf.liquidityFactor;
    records.loss[p] = runScenario(input.book, scenario, ws);
    records.weight[p] = buf.weight;
    records.badDebt[p] = o.badDebtUsd;
    records.income[p] = o.incomeUsd;
    records.revaluation[p] = o.revaluationLossUsd;
    records.adlNotional[p] = o.adlNotionalUsd;
    records.flags[p] = (o.exhausted ? 1 : 0) | (o.adlFired ? 2 : 0);
    if ((p & (PROGRESS_EVERY - 1)) === PROGRESS_EVERY - 1) input.onProgress?.(p + 1, total);
  }
}

function roundUp(paths: number): number {
  return Math.ceil(paths / PATH_BLOCK) * PATH_BLOCK;
}

/** Runs the Monte Carlo (see the module comment). */
export function runPathMonteCarlo(input: PathMonteCarloInput): PathMonteCarloEstimate {
  const seedWords = pathSeedWords(input.seed);
  const records = new PathRecords();
  const buf = createGeneratorBuffers(input.setup);
  const ws = createWorkspace(input.book);
  const totalOi = input.book.markets.reduce((s, m) => s + m.openInterestUsd, 0);

  let done = 0;
  let tail: WeightedTail;
  if ('paths' in input.count) {
    records.grow(input.count.paths);
    simulate(input, seedWords, 0, input.count.paths, input.count.paths, records, buf, ws);
    done = input.count.paths;
    tail = weightedTail(records.loss, records.weight, done, input.confidence);
  } else {
    const { targetRelativeStdError: target, maxPaths } = input.count;
    let next = Math.min(maxPaths, INITIAL_PATHS);
    for (;;) {
      records.grow(next);
      simulate(input, seedWords, done, next, next, records, buf, ws);
      done = next;
      tail = weightedTail(records.loss, records.weight, done, input.confidence);
      const scale = Math.abs(tail.esUsd);
      if (done >= maxPaths || scale <= NEGLIGIBLE_ES_SHARE * totalOi) break;
      const relative = tail.esStdErrorUsd / scale;
      if (relative <= target) break;
      // SE ∝ 1/√N: aim 20% past the paths the target needs, and at least double... never past max.
      const needed = roundUp(done * (relative / target) ** 2 * 1.2);
      next = Math.min(maxPaths, Math.max(needed, roundUp(done * 1.25)));
    }
  }
  input.onProgress?.(done, done);
  return summarise(input, seedWords, records, done, tail, buf, ws);
}

function summarise(
  input: PathMonteCarloInput,
  seedWords: Int32Array,
  records: PathRecords,
  count: number,
  tail: WeightedTail,
  buf: GeneratorBuffers,
  ws: KernelWorkspace,
): PathMonteCarloEstimate {
  const n = input.setup.marketCount;
  // Contributions: replay each tail path (deterministic: the same loss as in the run).
  const esContributions = new Float64Array(n);
  const scenario = {
    cumulativeReturn: buf.cumulativeReturn,
    steps: input.setup.steps,
    stepMinutes: input.setup.stepMinutes,
    liquidityFactor: 1,
    limited: false,
    gapSteps: buf.gapSteps,
    impactIncluded: false,
  };
  for (let j = 0; j < tail.paths.length; j++) {
    const p = tail.paths[j]!;
    generateScenario(input.setup, seedWords, p, buf);
    scenario.liquidityFactor = buf.liquidityFactor;
    runScenario(input.book, scenario, ws);
    const w = tail.tailWeights[j]!;
    const o = ws.outcome;
    for (let m = 0; m < n; m++) esContributions[m]! += w * (o.badDebtByMarket[m]! - o.incomeByMarket[m]!);
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
    badDebtUsd: tailMean(tail, records.badDebt),
    incomeUsd: tailMean(tail, records.income),
    revaluationLossUsd: tailMean(tail, records.revaluation),
    exhaustionProbability: hasBalance ? clamp(exhausted / count) : null,
    adlProbability: hasBalance ? clamp(adl / count) : null,
    adlExpectedNotionalUsd: adl > 0 ? adlNotional / adl : 0,
  };
}
