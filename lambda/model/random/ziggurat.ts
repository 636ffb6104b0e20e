/**
 * Standard normal variates by the ziggurat method of Marsaglia & Tsang (2000), 128 layers: one 32-bit
 * word per draw in ~99% of cases (no log, no sqrt), several times cheaper than the polar method.
 *
 * Unlike the original RNOR, the layer index (low 7 bits) and the abscissa (high 25 bits) come from
 * disjoint bits of the word, which removes the known correlation between the two (Doornik 2005).
 * The fast path is small enough to be written inline by the Monte Carlo kernel:
 *   word = xoshiroNext(state, o); layer = word & 127; j = word >> 7;
 *   z = |j| < ZIGGURAT.k[layer] ? j · ZIGGURAT.w[layer] : normalSlowPath(state, o, j, layer)
 */
import { type Xoshiro128, xoshiroNext } from './xoshiro128.ts';

const LAYERS = 128;
/** Right edge of the base layer: the tail starts at R. */
const R = 3.442619855899;
/** Area of each layer. */
const LAYER_AREA = 9.91256303526217e-3;
/** The abscissa is a signed 25-bit integer in [−2^24, 2^24). */
const SCALE = 16777216;

/** The ziggurat's tables. */
export interface ZigguratTables {
  /** Acceptance bounds in integer units: |j| < k[i] is inside layer i's rectangle. */
  readonly k: Int32Array;
  /** Integer → abscissa scale per layer. */
  readonly w: Float64Array;
  /** Density exp(−x²/2) at each layer edge. */
  readonly f: Float64Array;
}

function buildTables(): ZigguratTables {
  const k = new Int32Array(LAYERS);
  const w = new Float64Array(LAYERS);
  const f = new Float64Array(LAYERS);
  let dn = R;
  let tn = dn;
  const q = LAYER_AREA / Math.exp(-0.5 * dn * dn);
  k[0] = Math.floor((dn / q) * SCALE);
  k[1] = 0;
  w[0] = q / SCALE;
  w[LAYERS - 1] = dn / SCALE;
  f[0] = 1;
  f[LAYERS - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(LAYER_AREA / dn + Math.exp(-0.5 * dn * dn)));
    k[i + 1] = Math.floor((dn / tn) * SCALE);
    tn = dn;
    f[i] = Math.exp(-0.5 * dn * dn);
    w[i] = dn / SCALE;
  }
  return { k, w, f };
}

/** The 128-layer tables, built once. */
export const ZIGGURAT: ZigguratTables = buildTables();

/** A uniform double in (0, 1) from the generator at `state[offset..]`. */
export function uniformOpen(state: Int32Array, offset: number): number {
  return ((xoshiroNext(state, offset) >>> 0) + 0.5) / 4294967296;
}

/**
 * The ziggurat's slow path (about 1% of draws): the wedge test of layer `layer` for abscissa `j`,
 * the tail beyond R, and fresh words until a draw is accepted.
 */
export function normalSlowPath(state: Int32Array, offset: number, first: number, firstLayer: number): number {
  const { k, w, f } = ZIGGURAT;
  let j = first;
  let layer = firstLayer;
  for (;;) {
    if (layer === 0) {
      // Tail beyond R by Marsaglia's exponential rejection.
      let x: number;
      let y: number;
      do {
        x = -Math.log(uniformOpen(state, offset)) / R;
        y = -Math.log(uniformOpen(state, offset));
      } while (y + y < x * x);
      return j > 0 ? R + x : -R - x;
    }
    const x = j * w[layer]!;
    if (f[layer]! + uniformOpen(state, offset) * (f[layer - 1]! - f[layer]!) < Math.exp(-0.5 * x * x))
      return x;
    const word = xoshiroNext(state, offset);
    layer = word & (LAYERS - 1);
    j = word >> 7;
    if ((j < 0 ? -j : j) < k[layer]!) return j * w[layer]!;
  }
}

/** The next N(0, 1) draw from the generator at `state[offset..]`. */
export function normalDraw(state: Int32Array, offset: number): number {
  const word = xoshiroNext(state, offset);
  const layer = word & (LAYERS - 1);
  const j = word >> 7;
  if ((j < 0 ? -j : j) < ZIGGURAT.k[layer]!) return j * ZIGGURAT.w[layer]!;
  return normalSlowPath(state, offset, j, layer);
}

/**
 * Standard normal N(0, 1) variates from one generator (advances that generator).
 *
 * @example
 * const normals = new NormalSampler(Xoshiro128.fromSeed(7));
 * const z = normals.next();
 */
export class NormalSampler {
  private readonly state: Int32Array;

  constructor(rng: Xoshiro128) {
    this.state = rng.state;
  }

  /** The next N(0, 1) draw. */
  next(): number {
    return normalDraw(this.state, 0);
  }

  /** A uniform double in (0, 1) from the same stream. */
  uniform(): number {
    return uniformOpen(this.state, 0);
  }
}
