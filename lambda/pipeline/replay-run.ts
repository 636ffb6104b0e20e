/**
 * Replaying a stored run: recompute the reserve from the stored snapshot (which carries its seed)
 * and compare with the stored result. The model is deterministic, so every number must be identical;
 * only `monteCarlo.seconds` (wall time) may differ. This is the audit trail's proof.
 */
import { computeReserve } from '../model/reserve.ts';
import type { ReserveResult } from '../model/schemas.ts';
import type { StoredRun } from '../run/stored-run.ts';

/** Paths of fields that legitimately differ between two computations of the same snapshot. */
export const REPLAY_IGNORED_PATHS: ReadonlySet<string> = new Set(['monteCarlo.seconds']);

/** One field that differs, with both values. */
export interface ResultDifference {
  readonly path: string;
  readonly stored: unknown;
  readonly recomputed: unknown;
}

/** The verdict of a replay. */
export interface ReplayComparison {
  readonly match: boolean;
  readonly differences: readonly ResultDifference[];
  readonly recomputed: ReserveResult;
}

/**
 * Recomputes `run` and compares it with its stored result.
 *
 * @param timer - seconds, for the recomputation's own `monteCarlo.seconds` (ignored in the comparison)
 */
export function replayRun(run: StoredRun, timer?: () => number): ReplayComparison {
  const recomputed = computeReserve(run.snapshot, timer === undefined ? {} : { timer });
  const differences = diffValues(run.result, recomputed);
  return { match: differences.length === 0, differences, recomputed };
}

/**
 * Every leaf where `stored` and `recomputed` differ (numbers compared exactly), skipping
 * {@link REPLAY_IGNORED_PATHS}. Paths read like `byMarket[2].esContributionUsd`.
 */
export function diffValues(stored: unknown, recomputed: unknown, path = ''): ResultDifference[] {
  if (REPLAY_IGNORED_PATHS.has(path)) return [];
  if (Array.isArray(stored) && Array.isArray(recomputed)) {
    if (stored.length !== recomputed.length) {
      return [{ path: `${path}.length`, stored: stored.length, recomputed: recomputed.length }];
    }
    return stored.flatMap((s, i) => diffValues(s, recomputed[i], `${path}[${i}]`));
  }
  if (isRecord(stored) && isRecord(recomputed)) {
    const keys = new Set([...Object.keys(stored), ...Object.keys(recomputed)]);
    return [...keys].flatMap((k) => diffValues(stored[k], recomputed[k], path === '' ? k : `${path}.${k}`));
  }
  return stored === recomputed ? [] : [{ path, stored, recomputed }];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
