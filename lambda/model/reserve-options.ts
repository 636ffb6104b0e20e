import type { PathBatchRunner } from './engines/path/path-monte-carlo.ts';
import type { MarketSnapshot } from './schemas.ts';

/** Hooks of `computeReserve`: progress for long runs, a timer for `monteCarlo.seconds`, a runner. */
export interface ComputeReserveOptions {
  /** Called periodically and once at the end with (paths done, total paths so far). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Seconds from any origin (e.g. `() => performance.now() / 1000`); without it seconds is 0. */
  readonly timer?: () => number;
  /**
   * Where the path engine's Monte Carlo paths run (worker threads, a fan-out), given the snapshot
   * being computed; default this thread. Any runner gives the bit-identical result.
   */
  readonly pathRunner?: (snapshot: MarketSnapshot) => PathBatchRunner;
}
