/**
 * Chi-square variates for any real ν > 2 via the Marsaglia–Tsang gamma sampler, and independent
 * generator streams. Each sampler owns its generator, so a market's draws never depend on how many
 * draws another market consumed.
 */
import { Xoshiro128 } from './xoshiro128.ts';
import { normalDraw, uniformOpen } from './ziggurat.ts';

/** Constants of the Marsaglia–Tsang sampler of Gamma(a) for a = ν/2: d = a − 1/3, c = 1/√(9d). */
export interface ChiSquareConstants {
  readonly d: number;
  readonly c: number;
}

/** The constants for χ²(ν), ν > 2 real (so the gamma shape ν/2 > 1 needs no boosting). */
export function chiSquareConstants(dof: number): ChiSquareConstants {
  if (!(dof > 2) || !Number.isFinite(dof)) throw new RangeError(`chi-square needs ν > 2, got ${dof}`);
  const d = dof / 2 - 1 / 3;
  return { d, c: 1 / Math.sqrt(9 * d) };
}

/**
 * One χ²(ν) draw (> 0) as 2·Gamma(ν/2) by Marsaglia & Tsang (2000), from the generator at
 * `state[offset..]`.
 */
export function chiSquareDraw(state: Int32Array, offset: number, d: number, c: number): number {
  for (;;) {
    const x = normalDraw(state, offset);
    let v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const u = uniformOpen(state, offset);
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) {
      return 2 * d * v;
    }
  }
}

/**
 * χ²(ν) variates for real ν > 2 from one generator (advances that generator).
 *
 * @example
 * const chi = new ChiSquareSampler(Xoshiro128.fromSeed(1), 3);
 * const w = chi.next();
 */
export class ChiSquareSampler {
  private readonly state: Int32Array;
  private readonly constants: ChiSquareConstants;

  constructor(rng: Xoshiro128, dof: number) {
    this.state = rng.state;
    this.constants = chiSquareConstants(dof);
  }

  /** The next χ²(ν) draw (> 0). */
  next(): number {
    return chiSquareDraw(this.state, 0, this.constants.d, this.constants.c);
  }
}

/**
 * `count` independent generators for parallel streams: stream i is the seeded generator jumped i
 * times (2^64·i draws ahead), so streams never overlap.
 */
export function independentStreams(seed: number, count: number): Xoshiro128[] {
  const base = Xoshiro128.fromSeed(seed);
  const streams: Xoshiro128[] = [];
  for (let i = 0; i < count; i++) {
    streams.push(base.clone());
    base.jump();
  }
  return streams;
}
