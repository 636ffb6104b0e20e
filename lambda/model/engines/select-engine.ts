/**
 * Which loss engine a snapshot asks for, and that engine bound to it: the snapshot's
 * `model.engine`, else `"gap"` for schemaVersion 1 (v1 numbers, unchanged) and `"path"` for
 * schemaVersion 2.
 */
import { prepareCorrelation } from '../linalg/psd-repair.ts';
import type { MarketSnapshot } from '../schemas.ts';
import { createGapEngine } from './gap/gap-engine.ts';
import type { EngineName, LossEngine } from './loss-engine.ts';
import { createPathEngine } from './path/path-engine.ts';

/** The engine a snapshot asks for. */
export function engineOf(snapshot: MarketSnapshot): EngineName {
  return snapshot.model.engine ?? (snapshot.schemaVersion === 1 ? 'gap' : 'path');
}

/**
 * The snapshot's loss engine, for deterministic replays (`backstop stress`, the backtest's realised
 * loss).
 *
 * @throws InvalidInputError (field `correlation`) when the correlation is too far from PSD to repair
 */
export function lossEngineFor(snapshot: MarketSnapshot): LossEngine {
  const { cholesky } = prepareCorrelation(snapshot.correlation);
  return engineOf(snapshot) === 'path'
    ? createPathEngine(snapshot, cholesky)
    : createGapEngine(snapshot, cholesky);
}
