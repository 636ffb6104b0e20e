/** Hooks of `computeReserve`: progress for long runs and a timer for `monteCarlo.seconds`. */
export interface ComputeReserveOptions {
  /** Called periodically and once at the end with (paths done, total paths so far). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Seconds from any origin (e.g. `() => performance.now() / 1000`); without it seconds is 0. */
  readonly timer?: () => number;
}
