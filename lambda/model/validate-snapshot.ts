/**
 * The one entry check of the model: schema parse plus the positive semi-definiteness of the
 * correlation, so every caller (CLI, pipeline, replay) rejects the same inputs with the same line.
 */
import { prepareCorrelation } from './linalg/psd-repair.ts';
import { type MarketSnapshot, MarketSnapshotSchema } from './schemas.ts';
import { InvalidInputError, parseOrThrow } from './validation.ts';

/**
 * Parses and checks a MarketSnapshot.
 *
 * The snapshot is returned as given: a slightly non-PSD correlation is repaired deterministically by
 * {@link computeReserve} (and reported in the result's warnings), so the stored snapshot stays the
 * input and a replay repeats the same repair. The repair note is also returned here.
 *
 * @param what - label for messages, e.g. `snapshot config/examples/snapshot.json`
 * @throws InvalidInputError naming the field and the bad value
 * @example
 * const { snapshot, warnings } = validateSnapshot(JSON.parse(text), 'snapshot');
 */
export function validateSnapshot(
  input: unknown,
  what: string,
): { snapshot: MarketSnapshot; warnings: string[] } {
  const snapshot = parseOrThrow(MarketSnapshotSchema, input, what);
  try {
    return { snapshot, warnings: prepareCorrelation(snapshot.correlation).warnings };
  } catch (error) {
    if (error instanceof InvalidInputError) {
      throw new InvalidInputError(`${what}: ${error.message}`, error.field, { cause: error });
    }
    throw error;
  }
}
