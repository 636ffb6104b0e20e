/**
 * The path runner of a fan-out's coordinator: it serves each round of the Monte Carlo from the
 * partials the worker Lambdas stored, and when a round is not stored yet it stops the run with
 * {@link PathsNeeded}, naming the round — the state machine then fans that round out and calls the
 * coordinator again. The Monte Carlo driver asks for the same rounds in the same order every time
 * (they depend only on the paths), so the last call computes exactly the single-process result.
 */
import type { PathBatchRunner } from '../../model/engines/path/path-monte-carlo.ts';
import { mergePartials, type PathPartial, type PathRange } from '../../model/engines/path/path-partial.ts';

/** The Monte Carlo needs the paths of `round`, which are not stored yet. */
export class PathsNeeded extends Error {
  readonly round: PathRange;

  constructor(round: PathRange) {
    super(`paths [${round.from}, ${round.to}) are not computed yet`);
    this.name = 'PathsNeeded';
    this.round = round;
  }
}

/** The {@link PathsNeeded} in `error` or its causes, if any. */
export function pathsNeededIn(error: unknown): PathsNeeded | null {
  for (let e: unknown = error; e instanceof Error; e = e.cause) if (e instanceof PathsNeeded) return e;
  return null;
}

/**
 * A runner over `stored` partials (any batches, in any order).
 *
 * @throws PathsNeeded from the runner when the stored partials do not tile a requested round
 */
export function storedPartialsRunner(stored: readonly PathPartial[]): PathBatchRunner {
  return (round) => {
    const inside = stored.filter((p) => p.from >= round.from && p.to <= round.to && p.to > p.from);
    const covered = inside.reduce((s, p) => s + (p.to - p.from), 0);
    if (covered !== round.to - round.from) throw new PathsNeeded(round);
    // Throws on an overlap: two stored batches for the same paths are a bug, never averaged away.
    mergePartials(inside);
    return inside;
  };
}
