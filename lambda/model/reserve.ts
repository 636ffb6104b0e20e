/**
 * The reserve engine's entry point (docs/MODEL.md §1): picks the loss engine of a snapshot and
 * returns its ReserveResult. Pure: no I/O, no clock (a timer may be injected), no ambient randomness —
 * same snapshot and seed, same result bit for bit.
 *
 * Engine: the snapshot's `model.engine`, else `"gap"` for schemaVersion 1 (v1 numbers, unchanged) and
 * `"path"` for schemaVersion 2. The snapshot's `model.policy` (floors, non-market add-ons) is applied
 * after the engine; without one the engine's result is returned as it is.
 */

import { computeGapReserve, DEFAULT_GAP_PATHS } from './engines/gap/gap-reserve.ts';
import { computePathReserve, PATH_MODEL_VERSION } from './engines/path/path-reserve.ts';
import { engineOf } from './engines/select-engine.ts';
import { prepareCorrelation } from './linalg/psd-repair.ts';
import { applyPolicy } from './policy.ts';
import type { ComputeReserveOptions } from './reserve-options.ts';
import type { MarketSnapshot, ReserveResult } from './schemas.ts';

export { engineOf } from './engines/select-engine.ts';
export type { ComputeReserveOptions } from './reserve-options.ts';

/** Version of the model written with new (schemaVersion 2) results. */
export const MODEL_VERSION = PATH_MODEL_VERSION;

/**
 * Computes the ReserveResult of a validated snapshot (see `validateSnapshot`).
 *
 * requiredReserveUsd = (1 + buffer)·max(ES, worst stress loss, cover-2); all USD, losses positive
 * (v2: net of liquidation income, floored at 0). With a policy: max(that + add-ons, floor).
 *
 * @throws InvalidInputError (field `correlation`) when the correlation is too far from PSD to repair,
 *   or (field `model.confidence`) when the ES tail would not fit in memory
 * @example
 * const result = computeReserve(snapshot, { timer: () => performance.now() / 1000 });
 */
export function computeReserve(snapshot: MarketSnapshot, options: ComputeReserveOptions = {}): ReserveResult {
  return applyPolicy(snapshot, engineReserve(snapshot, options));
}

function engineReserve(snapshot: MarketSnapshot, options: ComputeReserveOptions): ReserveResult {
  const correlation = prepareCorrelation(snapshot.correlation);
  if (engineOf(snapshot) === 'path') return computePathReserve(snapshot, correlation, options);
  const result = computeGapReserve(snapshot, correlation, snapshot.model.paths ?? DEFAULT_GAP_PATHS, options);
  // A v1 document keeps exactly its v1 shape, so stored v1 runs replay field for field.
  return snapshot.schemaVersion === 1 ? result : { ...result, engine: 'gap' };
}
