/**
 * One generator per Monte Carlo path: path i's xoshiro128** state is a hash of (seed, i), so any
 * path can be regenerated on its own — the replay of a tail scenario, a worker that owns paths
 * [a, b), a run extended from N to 2N paths — and always draws exactly the same numbers. Results
 * then do not depend on how paths are split or ordered.
 */
import { Xoshiro128, xoshiroNext } from './xoshiro128.ts';

/** murmur3's 32-bit finaliser: a bijective avalanche mix of one word. */
function fmix32(word: number): number {
  let h = word;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** The four base words of a seed (SplitMix64 expansion, as {@link Xoshiro128.fromSeed}). */
export function pathSeedWords(seed: number): Int32Array {
  return Int32Array.from(Xoshiro128.fromSeed(seed).getState(), (w) => w | 0);
}

/**
 * Writes path `index`'s generator state into `state[offset..offset+3]`.
 *
 * @param base - {@link pathSeedWords} of the run's seed
 * @param index - path index, 0 ≤ index < 2^29
 */
export function seedPathStream(base: Int32Array, index: number, state: Int32Array, offset: number): void {
  let any = 0;
  for (let k = 0; k < 4; k++) {
    const h = fmix32(fmix32((index * 4 + k) ^ base[k]!) + base[(k + 1) & 3]!);
    state[offset + k] = h;
    any |= h;
  }
  if (any === 0) state[offset] = 1;
  // Two draws discarded: the first outputs of a fresh state carry its structure most directly.
  xoshiroNext(state, offset);
  xoshiroNext(state, offset);
}
