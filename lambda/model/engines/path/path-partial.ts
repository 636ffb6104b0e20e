/**
 * The partial result of a batch of Monte Carlo paths and its exact merge.
 *
 * Every path has its own generator (path-streams.ts), so a batch [from, to) computes the same
 * per-path numbers wherever it runs: in this thread, a worker thread or another Lambda. A partial
 * carries exactly those per-path numbers, placed by path index; merging two partials concatenates
 * adjacent ranges, so it is exact, associative and commutative (the result is the same in whatever
 * order partials arrive), and the reduction over the merged partial (weighted-tail.ts, summed in
 * (loss desc, index asc) order and in index order) cannot tell how the paths were split.
 *
 * Per path it keeps what the summary reads over all paths: the net loss and likelihood-ratio weight
 * (VaR, ES and its error), the ADL notional and the exhausted/ADL flags (the probabilities). The
 * tail's breakdown and contributions come from replaying the few tail paths.
 */

/** Paths [from, to) of a run's index sequence. */
export interface PathRange {
  readonly from: number;
  readonly to: number;
}

/** The per-path results of paths [from, to), element i holding path from + i. */
export interface PathPartial extends PathRange {
  readonly loss: Float64Array;
  readonly weight: Float64Array;
  readonly adlNotional: Float64Array;
  /** bit 0: the fund was exhausted, bit 1: ADL fired. */
  readonly flags: Uint8Array;
}

/** An empty partial of `count` paths starting at `from`, to be filled by a simulation. */
export function allocatePartial(from: number, count: number): PathPartial {
  return {
    from,
    to: from + count,
    loss: new Float64Array(count),
    weight: new Float64Array(count),
    adlNotional: new Float64Array(count),
    flags: new Uint8Array(count),
  };
}

/** The partial of no paths at `at` (the identity of {@link mergePartials}). */
export function emptyPartial(at = 0): PathPartial {
  return allocatePartial(at, 0);
}

/**
 * The partial of the union of `partials`, which must tile one range without gaps or overlaps (in any
 * order). Exact: every number is copied to its path's place.
 *
 * @throws Error when the ranges leave a gap, overlap, or none is given
 */
export function mergePartials(partials: readonly PathPartial[]): PathPartial {
  if (partials.length === 0) throw new Error('mergePartials: no partials');
  const sorted = [...partials].sort((a, b) => a.from - b.from || a.to - b.to);
  const nonEmpty = sorted.filter((p) => p.to > p.from);
  if (nonEmpty.length === 0) return emptyPartial(sorted[0]!.from);
  const from = nonEmpty[0]!.from;
  let cursor = from;
  for (const p of nonEmpty) {
    if (p.from !== cursor) {
      throw new Error(
        `mergePartials: paths [${cursor}, ${p.from}) ${p.from > cursor ? 'missing' : 'overlap'} before [${p.from}, ${p.to})`,
      );
    }
    cursor = p.to;
  }
  if (nonEmpty.length === 1) return nonEmpty[0]!;
  const merged = allocatePartial(from, cursor - from);
  for (const p of nonEmpty) {
    const at = p.from - from;
    merged.loss.set(p.loss, at);
    merged.weight.set(p.weight, at);
    merged.adlNotional.set(p.adlNotional, at);
    merged.flags.set(p.flags, at);
  }
  return merged;
}

/**
 * Splits [from, to) into consecutive batches of at most `batchPaths` paths (the last may be shorter).
 *
 * @throws Error when `batchPaths` is not a positive integer
 */
export function splitRange(range: PathRange, batchPaths: number): PathRange[] {
  if (!Number.isInteger(batchPaths) || batchPaths < 1) {
    throw new Error(`splitRange: batchPaths must be a positive integer, got ${batchPaths}`);
  }
  const out: PathRange[] = [];
  for (let a = range.from; a < range.to; a += batchPaths) {
    out.push({ from: a, to: Math.min(range.to, a + batchPaths) });
  }
  return out;
}

/** Bytes of the header of an encoded partial: magic, from, to. */
const HEADER_BYTES = 16;
/** "BSP1": a Backstop path partial, layout 1. */
const MAGIC = 0x31505342;

/**
 * A partial as bytes (little-endian: header, loss, weight, ADL notional, flags), for a worker
 * Lambda to hand its batch to the merge step through object storage. Lossless: doubles as stored.
 */
export function encodePartial(p: PathPartial): Uint8Array {
  const n = p.to - p.from;
  const bytes = new Uint8Array(HEADER_BYTES + 24 * n + n);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setFloat64(4, p.from, true);
  view.setUint32(12, n, true);
  let at = HEADER_BYTES;
  for (const array of [p.loss, p.weight, p.adlNotional]) {
    for (let i = 0; i < n; i++, at += 8) view.setFloat64(at, array[i]!, true);
  }
  bytes.set(p.flags, at);
  return bytes;
}

/**
 * Inverse of {@link encodePartial}.
 *
 * @throws Error when the bytes are not an encoded partial
 */
export function decodePartial(bytes: Uint8Array): PathPartial {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < HEADER_BYTES || view.getUint32(0, true) !== MAGIC) {
    throw new Error('decodePartial: not an encoded path partial');
  }
  const from = view.getFloat64(4, true);
  const n = view.getUint32(12, true);
  if (bytes.byteLength !== HEADER_BYTES + 25 * n) {
    throw new Error(
      `decodePartial: ${bytes.byteLength} bytes for ${n} paths, expected ${HEADER_BYTES + 25 * n}`,
    );
  }
  const p = allocatePartial(from, n);
  let at = HEADER_BYTES;
  for (const array of [p.loss, p.weight, p.adlNotional]) {
    for (let i = 0; i < n; i++, at += 8) array[i] = view.getFloat64(at, true);
  }
  p.flags.set(bytes.subarray(at, at + n));
  return p;
}
