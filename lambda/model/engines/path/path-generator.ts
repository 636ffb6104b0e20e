/**
 * The path engine's Monte Carlo scenarios (docs/MODEL.md §3) with importance sampling
 * (docs/MODEL.md §3).
 *
 * Dynamics over the window, per scenario:
 * - a vol regime s = √((ν − 2)/W), W ~ χ²(ν), shared by all markets and all steps (the mixing of the
 *   multivariate t: one scenario is one regime, so vol clusters within the window and markets crash
 *   together); Gaussian (s = 1) when `tailDof` is null;
 * - per step, correlated Gaussian increments σ_m·√Δt·s·(L z)_m of the mid relative to P0 (L the
 *   Cholesky factor; arithmetic, so the window's move is the gap model's σ√τ·s·Z);
 * - common jumps: a Poisson number with mean `jumpRatePerDay` × window/day, each at a uniform step,
 *   of double-exponential log size J (mean |J| = `jumpMeanSize`, down with probability
 *   `jumpDownShare`), multiplying market m's price by exp(β_m·J);
 * - the scenario's liquidity λ = min(1, s^−κ): depth thins as vol rises.
 *
 * Importance sampling, so the tail is reached by many paths instead of a few: with probability 1 − p
 * the regime's W is drawn from c·χ²(ν) (a c^−½ times wilder regime), and, independently, the jumps
 * from a component with mean count μ + 1 and sizes 3× larger; each path carries the likelihood
 * ratio of the defensive mixtures,
 * w = f/(p·f + (1 − p)·g) ≤ 1/p, so the estimators stay unbiased and no weight explodes.
 */

import type { FactorModel } from '../../linalg/factor-model.ts';
import { seedPathStream } from '../../random/path-streams.ts';
import { chiSquareConstants, chiSquareDraw } from '../../random/samplers.ts';
import { xoshiroNext } from '../../random/xoshiro128.ts';
import { normalSlowPath, uniformOpen, ZIGGURAT } from '../../random/ziggurat.ts';

/** Minutes per year: Δt = stepMinutes / 525 600. */
const MINUTES_PER_YEAR = 525_600;
/** Lowest mid relative to P0 a path reaches: a price stays positive. */
const PRICE_FLOOR = 1e-4;
/** Share of paths drawn from the nominal regime (the defensive mixture's p). */
export const REGIME_NOMINAL_SHARE = 0.3;
/** The tilted regime draws W from c·χ²(ν): vol up to c^−½ = 4× the nominal regime's. */
export const REGIME_TILT = 1 / 16;
/** Share of paths whose jump count is drawn from the nominal Poisson. */
export const JUMP_NOMINAL_SHARE = 0.5;
/** The tilted jump count has this many more expected jumps per window. */
export const JUMP_TILT_EXTRA = 1;
/** The tilted jumps are this many times larger on average. */
export const JUMP_SIZE_TILT = 3;

/** Everything the generator needs, prepared once per run. */
export interface PathGeneratorSetup {
  readonly marketCount: number;
  readonly steps: number;
  readonly stepMinutes: number;
  /** σ_m·√Δt per market. */
  readonly stepVols: Float64Array;
  /** Lower Cholesky factor of the correlation, row-major n·n. */
  readonly cholesky: Float64Array;
  /**
   * The correlation as k factors plus idiosyncratic terms (large funds: n·(k + 1) per step instead
   * of n²/2); null = the dense Cholesky product.
   */
  readonly factor: FactorModel | null;
  readonly tailDof: number | null;
  /** Expected jumps per window (μ), 0 for none. */
  readonly jumpMean: number;
  readonly jumpMeanSize: number;
  readonly jumpDownShare: number;
  readonly betas: Float64Array;
  readonly liquidityVolElasticity: number;
  /** Whether to importance-sample (false: plain Monte Carlo, every weight 1). */
  readonly importanceSampling: boolean;
}

/** Builds the setup of a window of `steps` steps of `stepMinutes`. */
export function pathGeneratorSetup(args: {
  vols: readonly number[];
  cholesky: Float64Array;
  factor?: FactorModel | null;
  tailDof: number | null;
  steps: number;
  stepMinutes: number;
  jumpRatePerDay: number;
  jumpMeanSize: number;
  jumpDownShare: number;
  betas: readonly number[];
  liquidityVolElasticity: number;
  importanceSampling: boolean;
}): PathGeneratorSetup {
  const dtRoot = Math.sqrt(args.stepMinutes / MINUTES_PER_YEAR);
  return {
    marketCount: args.vols.length,
    steps: args.steps,
    stepMinutes: args.stepMinutes,
    stepVols: Float64Array.from(args.vols, (v) => v * dtRoot),
    cholesky: args.cholesky,
    factor: args.factor ?? null,
    tailDof: args.tailDof,
    jumpMean: (args.jumpRatePerDay * args.steps * args.stepMinutes) / 1440,
    jumpMeanSize: args.jumpMeanSize,
    jumpDownShare: args.jumpDownShare,
    betas: Float64Array.from(args.betas),
    liquidityVolElasticity: args.liquidityVolElasticity,
    importanceSampling: args.importanceSampling,
  };
}

/** Buffers of the generator (one set per run); `cumulativeReturn` is the scenario it writes. */
export interface GeneratorBuffers {
  readonly state: Int32Array;
  readonly z: Float64Array;
  /** The mid relative to P0 per market, along the path. */
  readonly level: Float64Array;
  readonly jumpByStep: Float64Array;
  readonly cumulativeReturn: Float64Array;
  /** The last scenario's likelihood-ratio weight and liquidity factor. */
  weight: number;
  liquidityFactor: number;
  /** The last scenario's vol regime s. */
  regime: number;
}

/** Allocates the generator's buffers for `setup`. */
export function createGeneratorBuffers(setup: PathGeneratorSetup): GeneratorBuffers {
  const n = setup.marketCount;
  return {
    state: new Int32Array(4),
    z: new Float64Array(Math.max(n, setup.factor?.factors ?? 0)),
    level: new Float64Array(n),
    jumpByStep: new Float64Array(setup.steps),
    cumulativeReturn: new Float64Array(setup.steps * n),
    weight: 1,
    liquidityFactor: 1,
    regime: 1,
  };
}

/** A Poisson(mean) count by inversion of one uniform. */
function poissonDraw(mean: number, u: number): number {
  let k = 0;
  let p = Math.exp(-mean);
  let cdf = p;
  while (u > cdf && k < 1000) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

/**
 * Writes scenario `index` into `buf.cumulativeReturn` (simple returns after each step, [t·n + m])
 * and sets `buf.weight`, `buf.liquidityFactor` and `buf.regime`.
 *
 * @param seedWords - {@link pathSeedWords} of the run's seed
 */
export function generateScenario(
  setup: PathGeneratorSetup,
  seedWords: Int32Array,
  index: number,
  buf: GeneratorBuffers,
): void {
  const { state, jumpByStep } = buf;
  const { steps } = setup;
  seedPathStream(seedWords, index, state, 0);
  let weight = 1;

  // The regime.
  let regime = 1;
  const dof = setup.tailDof;
  if (dof !== null) {
    const { d, c } = chiSquareConstants(dof);
    const tilted = setup.importanceSampling && uniformOpen(state, 0) >= REGIME_NOMINAL_SHARE;
    let w = chiSquareDraw(state, 0, d, c);
    if (tilted) w *= REGIME_TILT;
    if (setup.importanceSampling) {
      // g/f of c·χ²(ν) against χ²(ν) at w: c^{−ν/2}·exp(−w(1/c − 1)/2).
      const ratio = REGIME_TILT ** (-dof / 2) * Math.exp((-w * (1 / REGIME_TILT - 1)) / 2);
      weight *= 1 / (REGIME_NOMINAL_SHARE + (1 - REGIME_NOMINAL_SHARE) * ratio);
    }
    regime = Math.sqrt((dof - 2) / w);
  }

  // The common jumps: the tilted component has more of them (mean μ + 1) and larger ones (mean size
  // ×{@link JUMP_SIZE_TILT}); the weight is the mixture's likelihood ratio of the count and sizes.
  jumpByStep.fill(0);
  const mu = setup.jumpMean;
  if (mu > 0) {
    const tiltedMean = mu + JUMP_TILT_EXTRA;
    const tilted = setup.importanceSampling && uniformOpen(state, 0) >= JUMP_NOMINAL_SHARE;
    const count = poissonDraw(tilted ? tiltedMean : mu, uniformOpen(state, 0));
    const meanSize = setup.jumpMeanSize * (tilted ? JUMP_SIZE_TILT : 1);
    // g/f of the tilted component against the nominal one for this count and these sizes.
    let ratio = (tiltedMean / mu) ** count * Math.exp(mu - tiltedMean);
    for (let j = 0; j < count; j++) {
      const step = Math.min(steps - 1, Math.floor(uniformOpen(state, 0) * steps));
      const size = -meanSize * Math.log(uniformOpen(state, 0));
      ratio *= Math.exp((size * (1 - 1 / JUMP_SIZE_TILT)) / setup.jumpMeanSize) / JUMP_SIZE_TILT;
      // A jump is a fast move within its step, not a gap: the venues' engines trade through it
      // (docs/MODEL.md, "Jumps are continuous"). Gaps are for outages a scenario lists.
      jumpByStep[step]! += uniformOpen(state, 0) < setup.jumpDownShare ? -size : size;
    }
    if (setup.importanceSampling) weight *= 1 / (JUMP_NOMINAL_SHARE + (1 - JUMP_NOMINAL_SHARE) * ratio);
  }

  // The correlated increments, step by step: the mid relative to P0 moves arithmetically,
  // R_t = R_{t−1}·(1 + jump) + σ√Δt·s·(Lz) (floored just above zero), so the window's return is
  // σ√τ·s·Z as in the gap model — a geometric path would give exp(t-distributed) moves, whose mean is
  // infinite — while a jump scales the price it hits.
  buf.level.fill(1);
  if (setup.factor !== null) {
    factorIncrements(setup, setup.factor, regime, buf);
  } else {
    denseIncrements(setup, regime, buf);
  }
  buf.weight = weight;
  buf.regime = regime;
  const kappa = setup.liquidityVolElasticity;
  buf.liquidityFactor = regime > 1 && kappa > 0 ? regime ** -kappa : 1;
}

/** One standard normal from the ziggurat (its fast path inline). */
function normal(state: Int32Array): number {
  const word = xoshiroNext(state, 0);
  const layer = word & 127;
  const j = word >> 7;
  return (j < 0 ? -j : j) < ZIGGURAT.k[layer]! ? j * ZIGGURAT.w[layer]! : normalSlowPath(state, 0, j, layer);
}

/**
 * The factor model's increments: per step k factor draws f, then per market one idiosyncratic draw
 * ε_m, y_m = Σ_j B_mj·f_j + √D_m·ε_m (the same covariance B·Bᵀ + D as the model).
 */
function factorIncrements(
  setup: PathGeneratorSetup,
  factor: FactorModel,
  regime: number,
  buf: GeneratorBuffers,
): void {
  const { state, z, level, jumpByStep, cumulativeReturn } = buf;
  const { marketCount: n, steps, stepVols, betas } = setup;
  const k = factor.factors;
  const { loadings, idiosyncratic } = factor;
  for (let t = 0; t < steps; t++) {
    const jump = jumpByStep[t]!;
    const row = t * n;
    for (let j = 0; j < k; j++) z[j] = normal(state);
    for (let i = 0; i < n; i++) {
      let y = idiosyncratic[i]! * normal(state);
      const base = i * k;
      for (let j = 0; j < k; j++) y += loadings[base + j]! * z[j]!;
      let r = level[i]!;
      if (jump !== 0) r *= Math.exp(betas[i]! * jump);
      r += stepVols[i]! * regime * y;
      if (r < PRICE_FLOOR) r = PRICE_FLOOR;
      level[i] = r;
      cumulativeReturn[row + i] = r - 1;
    }
  }
}

/** The dense increments: y = L·z with L the Cholesky factor (n²/2 per step). */
function denseIncrements(setup: PathGeneratorSetup, regime: number, buf: GeneratorBuffers): void {
  const { state, z, level, jumpByStep, cumulativeReturn } = buf;
  const { marketCount: n, steps, stepVols, cholesky, betas } = setup;
  const zigK = ZIGGURAT.k;
  const zigW = ZIGGURAT.w;
  for (let t = 0; t < steps; t++) {
    const jump = jumpByStep[t]!;
    const row = t * n;
    for (let i = 0; i < n; i++) {
      const word = xoshiroNext(state, 0);
      const layer = word & 127;
      const j = word >> 7;
      z[i] = (j < 0 ? -j : j) < zigK[layer]! ? j * zigW[layer]! : normalSlowPath(state, 0, j, layer);
      let y = 0;
      const base = i * n;
      for (let k = 0; k <= i; k++) y += cholesky[base + k]! * z[k]!;
      let r = level[i]!;
      if (jump !== 0) r *= Math.exp(betas[i]! * jump);
      r += stepVols[i]! * regime * y;
      if (r < PRICE_FLOOR) r = PRICE_FLOOR;
      level[i] = r;
      cumulativeReturn[row + i] = r - 1;
    }
  }
}
