/**
 * `--workers N` of `backstop reserve` and `backstop run`: how many threads compute the path
 * engine's Monte Carlo (default: the available cores). The result is the same for every N.
 */
import { InvalidInputError } from '../model/validation.ts';
import { defaultWorkerCount, PathWorkerPool } from './worker-pool.ts';

/** Most lanes accepted: far more than any machine this runs on has cores. */
export const MAX_WORKERS = 256;

/** The option's line in a command's usage text. */
export const WORKERS_USAGE =
  '  --workers N      threads for the Monte Carlo (default: the available cores); same result for any N';

/**
 * Parses `--workers`.
 *
 * @throws InvalidInputError (field `workers`) when it is not an integer from 1 to {@link MAX_WORKERS}
 */
export function workersOption(value: string | undefined, cores = defaultWorkerCount()): number {
  if (value === undefined) return Math.min(MAX_WORKERS, cores);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_WORKERS) {
    throw new InvalidInputError(
      `--workers: expected an integer from 1 to ${MAX_WORKERS}, got ${JSON.stringify(value)}`,
      'workers',
    );
  }
  return n;
}

/**
 * Runs `body` with a `pathRunner` over `workers` lanes (none for 1: the calling thread alone),
 * and stops the worker threads afterwards, however `body` ends.
 */
export async function withPathWorkers<T>(
  workers: number,
  body: (pathRunner: PathWorkerPool['runner'] | undefined) => Promise<T>,
): Promise<T> {
  if (workers <= 1) return body(undefined);
  const pool = PathWorkerPool.start({ workers });
  try {
    return await body(pool.runner);
  } finally {
    await pool.close();
  }
}
