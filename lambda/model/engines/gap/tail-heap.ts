/**
 * A bounded min-heap of the largest total losses seen so far, each with a copy of its per-market
 * losses: VaR, ES and the Euler contributions of N paths without storing N losses.
 */

/** The `capacity` largest losses of a stream, with `width` per-market components each. */
export class TailHeap {
  readonly width: number;
  private capacity: number;
  /** Heap-ordered totals (root = smallest kept). */
  private readonly totals: Float64Array;
  /** Heap position → slot in `components`. */
  private readonly slots: Int32Array;
  /** Per-market losses of each kept path, slot-major. */
  private readonly components: Float64Array;
  private size = 0;

  /**
   * @param maxCapacity - the most losses it will ever keep (buffers are allocated once)
   * @param width - per-market components per loss (0 to keep totals only)
   */
  constructor(maxCapacity: number, width: number) {
    this.capacity = maxCapacity;
    this.width = width;
    this.totals = new Float64Array(maxCapacity);
    this.slots = new Int32Array(maxCapacity);
    this.components = new Float64Array(maxCapacity * width);
  }

  /** Empties the heap to keep the `capacity` largest of a new stream, reusing its buffers. */
  reset(capacity: number): void {
    if (capacity > this.totals.length) throw new RangeError(`capacity ${capacity} > ${this.totals.length}`);
    this.capacity = capacity;
    this.size = 0;
  }

  /** Sum of the kept totals. */
  sum(): number {
    let s = 0;
    for (let i = 0; i < this.size; i++) s += this.totals[i]!;
    return s;
  }

  /**
   * Offers a path's total loss and its per-market losses (read only when the path is kept). Ties
   * with the smallest kept loss are not admitted, so the first of equal losses is kept.
   *
   * @returns the new admission threshold ({@link floor}), so a caller can skip calls cheaply
   */
  offer(total: number, perMarket: Float64Array): number {
    let slot: number;
    if (this.size < this.capacity) {
      slot = this.size;
      this.totals[this.size] = total;
      this.slots[this.size] = slot;
      this.siftUp(this.size);
      this.size++;
    } else {
      if (!(total > this.totals[0]!)) return this.floor;
      slot = this.slots[0]!;
      this.totals[0] = total;
      this.siftDown(0);
    }
    const base = slot * this.width;
    for (let i = 0; i < this.width; i++) this.components[base + i] = perMarket[i]!;
    return this.floor;
  }

  /** The smallest kept total (the admission threshold once full), or −Infinity when not full. */
  get floor(): number {
    return this.size < this.capacity ? Number.NEGATIVE_INFINITY : this.totals[0]!;
  }

  /**
   * The kept losses from largest to smallest: totals and, per rank, the slot of their components.
   * Allocates (called once per run).
   */
  sortedDescending(): { totals: Float64Array; components: Float64Array } {
    const order = Array.from({ length: this.size }, (_, i) => i).sort(
      (a, b) => this.totals[b]! - this.totals[a]! || this.slots[a]! - this.slots[b]!,
    );
    const totals = new Float64Array(this.size);
    const components = new Float64Array(this.size * this.width);
    order.forEach((heapIndex, rank) => {
      totals[rank] = this.totals[heapIndex]!;
      const from = this.slots[heapIndex]! * this.width;
      components.set(this.components.subarray(from, from + this.width), rank * this.width);
    });
    return { totals, components };
  }

  private siftUp(index: number): void {
    const totals = this.totals;
    const slots = this.slots;
    const total = totals[index]!;
    const slot = slots[index]!;
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (totals[parent]! <= total) break;
      totals[i] = totals[parent]!;
      slots[i] = slots[parent]!;
      i = parent;
    }
    totals[i] = total;
    slots[i] = slot;
  }

  private siftDown(index: number): void {
    const totals = this.totals;
    const slots = this.slots;
    const n = this.size;
    const total = totals[index]!;
    const slot = slots[index]!;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && totals[right]! < totals[left]! ? right : left;
      if (totals[child]! >= total) break;
      totals[i] = totals[child]!;
      slots[i] = slots[child]!;
      i = child;
    }
    totals[i] = total;
    slots[i] = slot;
  }
}
