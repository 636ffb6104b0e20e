/**
 * xoshiro128** (Blackman & Vigna): a small, fast, seedable generator of 32-bit words with 2^128 − 1
 * period and a jump function, written with 32-bit integer ops (`Math.imul`, `>>>`) so V8 keeps it
 * in registers. The model's only source of randomness: no `Math.random`, every run is replayable
 * from its seed.
 */

/** Serialisable state of a {@link Xoshiro128}: four unsigned 32-bit words, not all zero. */
export type Xoshiro128State = readonly [number, number, number, number];

/** The jump polynomial of the reference implementation: advances by 2^64 draws. */
const JUMP = [0x8764000b, 0xf542d2d3, 0x6fa035c3, 0x77f2db5b] as const;

const TWO_POW_32 = 4294967296;
const MASK_64 = (1n << 64n) - 1n;

/**
 * SplitMix64 over a seed up to 2^53, the expansion recommended by the xoshiro authors: it turns
 * nearby seeds (0, 1, 2…) into unrelated, non-zero states. Runs once per generator, so BigInt is fine.
 */
function splitMix64Words(seed: number, count: number): number[] {
  let x = BigInt(seed) & MASK_64;
  const words: number[] = [];
  while (words.length < count) {
    x = (x + 0x9e3779b97f4a7c15n) & MASK_64;
    let z = x;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK_64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK_64;
    z = z ^ (z >> 31n);
    words.push(Number(z & 0xffffffffn), Number(z >> 32n));
  }
  return words.slice(0, count);
}

/**
 * One xoshiro128** step on the four words at `state[offset..offset+3]`, returning the output word as a
 * signed 32-bit integer. A free function over a typed array so the Monte Carlo kernel can keep every
 * stream in one buffer; {@link Xoshiro128} uses the same step.
 */
export function xoshiroNext(state: Int32Array, offset: number): number {
  const s0 = state[offset]!;
  const s1 = state[offset + 1]!;
  const s2 = state[offset + 2]!;
  const s3 = state[offset + 3]!;
  const m = Math.imul(s1, 5);
  const result = Math.imul((m << 7) | (m >>> 25), 9);
  const t = s1 << 9;
  const n2 = s2 ^ s0;
  const n3 = s3 ^ s1;
  state[offset] = s0 ^ n3;
  state[offset + 1] = s1 ^ n2;
  state[offset + 2] = n2 ^ t;
  state[offset + 3] = (n3 << 11) | (n3 >>> 21);
  return result;
}

/**
 * The xoshiro128** generator.
 *
 * @example
 * const rng = Xoshiro128.fromSeed(42);
 * const u = rng.nextDouble(); // in [0, 1)
 */
export class Xoshiro128 {
  /** The four state words (signed view of the unsigned words). */
  readonly state: Int32Array;

  private constructor(s0: number, s1: number, s2: number, s3: number) {
    this.state = Int32Array.of(s0, s1, s2, s3);
  }

  /** A generator seeded from an integer in [0, 2^53) through SplitMix64. */
  static fromSeed(seed: number): Xoshiro128 {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(`seed must be an integer in [0, 2^53), got ${seed}`);
    }
    const [a = 0, b = 0, c = 0, d = 0] = splitMix64Words(seed, 4);
    // SplitMix64 never yields four zero words from consecutive outputs, but the state must not be zero.
    return new Xoshiro128(a, b, c, a === 0 && b === 0 && c === 0 && d === 0 ? 1 : d);
  }

  /** A generator resuming exactly from a state returned by {@link getState}. */
  static fromState(state: Xoshiro128State): Xoshiro128 {
    if (state.length !== 4 || state.every((w) => (w | 0) === 0)) {
      throw new RangeError('xoshiro128 state must be four 32-bit words, not all zero');
    }
    return new Xoshiro128(state[0], state[1], state[2], state[3]);
  }

  /** The current state as four unsigned 32-bit words (JSON-serialisable). */
  getState(): Xoshiro128State {
    const s = this.state;
    return [s[0]! >>> 0, s[1]! >>> 0, s[2]! >>> 0, s[3]! >>> 0];
  }

  /** An independent copy at the same position. */
  clone(): Xoshiro128 {
    const s = this.state;
    return new Xoshiro128(s[0]!, s[1]!, s[2]!, s[3]!);
  }

  /** The next word as a signed 32-bit integer (the raw output; see {@link nextUint32}). */
  nextInt32(): number {
    return xoshiroNext(this.state, 0);
  }

  /** The next word as an unsigned 32-bit integer. */
  nextUint32(): number {
    return xoshiroNext(this.state, 0) >>> 0;
  }

  /** A uniform double in [0, 1) with 32 bits of resolution. */
  nextDouble(): number {
    return (xoshiroNext(this.state, 0) >>> 0) / TWO_POW_32;
  }

  /**
   * Advances the state by 2^64 draws, as the reference `jump()`. Calling it k times on copies of one
   * seeded generator gives non-overlapping streams for up to 2^64 draws each.
   */
  jump(): void {
    const s = this.state;
    let a = 0;
    let b = 0;
    let c = 0;
    let d = 0;
    for (const word of JUMP) {
      for (let bit = 0; bit < 32; bit++) {
        if ((word >>> bit) & 1) {
          a ^= s[0]!;
          b ^= s[1]!;
          c ^= s[2]!;
          d ^= s[3]!;
        }
        xoshiroNext(s, 0);
      }
    }
    s[0] = a;
    s[1] = b;
    s[2] = c;
    s[3] = d;
  }
}
