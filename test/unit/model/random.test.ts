import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChiSquareSampler, independentStreams } from '../../../lambda/model/random/samplers.ts';
import { Xoshiro128 } from '../../../lambda/model/random/xoshiro128.ts';
import { NormalSampler } from '../../../lambda/model/random/ziggurat.ts';

describe('Xoshiro128', () => {
  it('matches the reference xoshiro128** outputs from state [1, 2, 3, 4]', () => {
    // Test vector of the reference C implementation (also used by Rust's rand_xoshiro).
    const rng = Xoshiro128.fromState([1, 2, 3, 4]);
    const out = Array.from({ length: 10 }, () => rng.nextUint32());
    expect(out).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804,
    ]);
  });

  it('jumps exactly as the reference jump polynomial', () => {
    // Expected state from an independent Python transcription of the reference jump().
    const rng = Xoshiro128.fromState([1, 2, 3, 4]);
    rng.jump();
    expect(rng.getState()).toEqual([2843103750, 2038079848, 1533207345, 44816753]);
    expect([rng.nextUint32(), rng.nextUint32(), rng.nextUint32()]).toEqual([1194304935, 745561276, 25819468]);
  });

  it('seeds through SplitMix64 (no regression: changes only on purpose)', () => {
    // SplitMix64(42) words, low half first; then the first xoshiro128** outputs.
    const rng = Xoshiro128.fromSeed(42);
    expect(rng.getState()).toEqual([803958421, 3184996902, 2993090819, 686809907]);
    expect(Array.from({ length: 5 }, () => rng.nextUint32())).toEqual([
      1776835114, 4165204688, 17111135, 2317295270, 2792088233,
    ]);
    // SplitMix64(0)'s first output is the well-known 0xe220a8397b1dcdaf.
    expect(Xoshiro128.fromSeed(0).getState().slice(0, 2)).toEqual([0x7b1dcdaf, 0xe220a839]);
  });

  it('resumes exactly from a serialised state', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.nat(50), (seed, skip) => {
        const a = Xoshiro128.fromSeed(seed);
        for (let i = 0; i < skip; i++) a.nextUint32();
        const b = Xoshiro128.fromState(JSON.parse(JSON.stringify(a.getState())));
        for (let i = 0; i < 20; i++) expect(b.nextUint32()).toBe(a.nextUint32());
      }),
      { numRuns: 50 },
    );
  });

  it('gives doubles in [0, 1)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (seed) => {
        const rng = Xoshiro128.fromSeed(seed);
        for (let i = 0; i < 100; i++) {
          const u = rng.nextDouble();
          expect(u).toBeGreaterThanOrEqual(0);
          expect(u).toBeLessThan(1);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('rejects a negative, fractional or unsafe seed and an all-zero state', () => {
    expect(() => Xoshiro128.fromSeed(-1)).toThrow(RangeError);
    expect(() => Xoshiro128.fromSeed(1.5)).toThrow(RangeError);
    expect(() => Xoshiro128.fromSeed(2 ** 53)).toThrow(RangeError);
    expect(() => Xoshiro128.fromState([0, 0, 0, 0])).toThrow(RangeError);
  });

  it('makes independent streams 2^64 draws apart', () => {
    const [s0, s1] = independentStreams(7, 2);
    const jumped = Xoshiro128.fromSeed(7);
    jumped.jump();
    expect(s0!.getState()).toEqual(Xoshiro128.fromSeed(7).getState());
    expect(s1!.getState()).toEqual(jumped.getState());
  });
});

describe('NormalSampler (ziggurat)', () => {
  it('has the moments and tail mass of N(0, 1)', () => {
    const z = new NormalSampler(Xoshiro128.fromSeed(11));
    const n = 400_000;
    let s1 = 0;
    let s2 = 0;
    let s4 = 0;
    let beyond3 = 0;
    let beyond1 = 0;
    for (let i = 0; i < n; i++) {
      const x = z.next();
      s1 += x;
      s2 += x * x;
      s4 += x ** 4;
      if (Math.abs(x) > 3) beyond3++;
      if (x > 1) beyond1++;
    }
    // Standard errors: mean 1/√n = 0.0016, variance √(2/n) = 0.0022, kurtosis √(96/n) = 0.015.
    expect(Math.abs(s1 / n)).toBeLessThan(0.0065);
    expect(s2 / n).toBeCloseTo(1, 2);
    expect(Math.abs(s4 / n - 3)).toBeLessThan(0.06);
    // P(|Z| > 3) = 0.0026998, P(Z > 1) = 0.1586553.
    expect(beyond3 / n).toBeGreaterThan(0.0026998 - 4 * Math.sqrt(0.0027 / n));
    expect(beyond3 / n).toBeLessThan(0.0026998 + 4 * Math.sqrt(0.0027 / n));
    expect(Math.abs(beyond1 / n - 0.1586553)).toBeLessThan(4 * Math.sqrt((0.1587 * 0.8413) / n));
  });
});

describe('ChiSquareSampler', () => {
  it.each([2.5, 3, 4, 7.3])('has mean ν and variance 2ν for ν = %f', (dof) => {
    const chi = new ChiSquareSampler(Xoshiro128.fromSeed(5), dof);
    const n = 200_000;
    let s1 = 0;
    let s2 = 0;
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const w = chi.next();
      min = Math.min(min, w);
      s1 += w;
      s2 += w * w;
    }
    expect(min).toBeGreaterThan(0);
    const mean = s1 / n;
    const variance = s2 / n - mean * mean;
    expect(Math.abs(mean - dof)).toBeLessThan(4 * Math.sqrt((2 * dof) / n));
    expect(variance / (2 * dof)).toBeGreaterThan(0.96);
    expect(variance / (2 * dof)).toBeLessThan(1.04);
  });

  it('refuses ν ≤ 2', () => {
    expect(() => new ChiSquareSampler(Xoshiro128.fromSeed(1), 2)).toThrow(RangeError);
  });
});
