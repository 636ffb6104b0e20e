/**
 * The run's ingest deadline as an object rather than a timestamp: how long is left (to decide
 * whether a retry is worth starting) and a signal that aborts every request still in flight when it
 * passes. Production measures it on the monotonic clock; a test injects one it expires itself, so
 * "the venue hangs past the deadline" is an ordering the test controls, not a race with a timer.
 */

/** The ingest deadline of one `collect`. */
export interface IngestDeadline {
  /** Milliseconds left; 0 or less once it has passed. */
  remainingMs(): number;
  /** Aborts when the deadline passes. */
  readonly signal: AbortSignal;
}

/**
 * A deadline `ms` from now on `performance.now()` (unaffected by wall-clock steps).
 *
 * @example
 * const deadline = deadlineIn(60_000);
 */
export function deadlineIn(ms: number): IngestDeadline {
  const end = performance.now() + ms;
  return { remainingMs: () => end - performance.now(), signal: AbortSignal.timeout(Math.max(0, ms)) };
}
