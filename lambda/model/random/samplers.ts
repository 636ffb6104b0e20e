/**
 * Continuous samplers on top of {@link Xoshiro128}: standard normals by the Marsaglia polar method and
 * chi-square variates for any real ν > 2 via the Marsaglia–Tsang gamma sampler. Each sampler owns its
 * generator, so a market's draws never depend on how many draws another market consumed.
 */
import { Xoshiro128 } from './xoshiro128.ts';

/**
 * Standard normal N(0, 1) variates, two per accepted polar pair (the second is kept for the next call).
 *
 * @example
 * const normals = new NormalSampler(Xoshiro128.fromSeed(7));
 * const z = normals.next();
 */
export class NormalSampler {
  private readonly rng: Xoshiro128;
  private spare = 0;
  private hasSpare = false;

  constructor(rng: Xoshiro128) {
    this.rng = rng;
  }

  /** The next N(0, 1) draw. */
  next(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const rng = this.rng;
    let u: number;
    let v: number;
    let s: number;
    do {
      u = rng.nextSignedDouble();
      v = rng.nextSignedDouble();
      s = u * u + v * v;
    } while (s >= 1);
    // s > 0 always: nextSignedDouble never returns 0.
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    this.hasSpare = true;
    return u * f;
  }

  /** A uniform double in (0, 1) from the same stream (the gamma sampler's acceptance draw). */
  uniform(): number {
    return (this.rng.nextUint32() + 0.5) / 4294967296;
  }
}

/**
 * Chi-square χ²(ν) variates for real ν > 2, as 2·Gamma(ν/2, 1) by Marsaglia & Tsang (2000). ν/2 > 1,
 * so the shape needs no boosting.
 */
export class ChiSquareSampler {
  private readonly normals: NormalSampler;
  private readonly d: number;
  private readonly c: number;

  constructor(rng: Xoshiro128, dof: number) {
    if (!(dof > 2) || !Number.isFinite(dof)) throw new RangeError(`chi-square needs ν > 2, got ${dof}`);
    this.normals = new NormalSampler(rng);
    this.d = dof / 2 - 1 / 3;
    this.c = 1 / Math.sqrt(9 * this.d);
  }

  /** The next χ²(ν) draw (> 0). */
  next(): number {
    const d = this.d;
    const c = this.c;
    for (;;) {
      const x = this.normals.next();
      let v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      const u = this.normals.uniform();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) {
        return 2 * d * v;
      }
    }
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
