/**
 * All distance books of a {@link PathBook} in flat typed arrays (side s = 2m for market m's longs,
 * 2m + 1 for its shorts), so the kernel reads them without object lookups: side s's edges, CDF and
 * moment at edges live at [offset[s], offset[s] + segments[s]], its densities at
 * [offset[s], offset[s] + segments[s]).
 */
import type { DistanceBook } from './distance-book.ts';
import type { PathBook } from './path-book.ts';

/** The flat books of a run. */
export interface FlatBooks {
  readonly offset: Int32Array;
  readonly segments: Int32Array;
  readonly edges: Float64Array;
  readonly cdf: Float64Array;
  readonly moment: Float64Array;
  readonly density: Float64Array;
}

/** Flattens the books of `book`'s markets. */
export function flattenBooks(book: PathBook): FlatBooks {
  const sides: DistanceBook[] = book.markets.flatMap((m) => [m.long, m.short]);
  const offset = new Int32Array(sides.length);
  const segments = new Int32Array(sides.length);
  let size = 0;
  sides.forEach((s, i) => {
    offset[i] = size;
    segments[i] = s.edges.length - 1;
    size += s.edges.length;
  });
  const flat: FlatBooks = {
    offset,
    segments,
    edges: new Float64Array(size),
    cdf: new Float64Array(size),
    moment: new Float64Array(size),
    density: new Float64Array(size),
  };
  sides.forEach((s, i) => {
    flat.edges.set(s.edges, offset[i]!);
    flat.cdf.set(s.cdf, offset[i]!);
    flat.moment.set(s.moment, offset[i]!);
    flat.density.set(s.density, offset[i]!);
  });
  return flat;
}

/**
 * The segment j (0 ≤ j < segments) of side `s` whose interval holds d, scanning from `hint`; d is
 * clamped to the book's range first by the caller.
 */
export function segmentAt(flat: FlatBooks, s: number, d: number, hint: number): number {
  const base = flat.offset[s]!;
  const last = flat.segments[s]! - 1;
  const edges = flat.edges;
  let j = hint > last ? last : hint;
  while (j < last && d >= edges[base + j + 1]!) j++;
  while (j > 0 && d < edges[base + j]!) j--;
  return j;
}

/** d clamped to side s's range [first edge, last edge] (G and H are constant outside it). */
export function clampToBook(flat: FlatBooks, s: number, d: number): number {
  const base = flat.offset[s]!;
  const lo = flat.edges[base]!;
  const hi = flat.edges[base + flat.segments[s]!]!;
  return d < lo ? lo : d > hi ? hi : d;
}

/** G(d) of side s in segment j (d inside the book's range). */
export function cdfIn(flat: FlatBooks, s: number, j: number, d: number): number {
  const k = flat.offset[s]! + j;
  return flat.cdf[k]! + flat.density[k]! * (d - flat.edges[k]!);
}

/** H(d) = ∫ s dG of side s in segment j (d inside the book's range). */
export function momentIn(flat: FlatBooks, s: number, j: number, d: number): number {
  const k = flat.offset[s]! + j;
  const e = flat.edges[k]!;
  return flat.moment[k]! + (flat.density[k]! * (d * d - e * e)) / 2;
}

/**
 * The smallest distance at which side s's CDF reaches g (0 < g < 1), scanning segments from `hint`
 * upward; returns the segment in `out[0]` and the distance as the value.
 */
export function distanceAt(flat: FlatBooks, s: number, g: number, hint: number, out: Int32Array): number {
  const base = flat.offset[s]!;
  const last = flat.segments[s]! - 1;
  const cdf = flat.cdf;
  let j = hint > last ? last : hint;
  while (j < last && g > cdf[base + j + 1]!) j++;
  while (j > 0 && g <= cdf[base + j]!) j--;
  out[0] = j;
  const rho = flat.density[base + j]!;
  return rho > 0 ? flat.edges[base + j]! + (g - cdf[base + j]!) / rho : flat.edges[base + j]!;
}
