/**
 * The Monte Carlo simulation of a snapshot, built the same way wherever it runs: the main thread,
 * a worker thread, a fan-out worker Lambda. Pure and deterministic, so every place that builds it
 * from the same snapshot simulates exactly the same paths.
 */
import { prepareCorrelation } from '../../linalg/psd-repair.ts';
import type { MarketSnapshot } from '../../schemas.ts';
import { preparePathBook } from './path-book.ts';
import { monteCarloSetup } from './path-engine.ts';
import { type PathSimulation, pathSimulation } from './path-monte-carlo.ts';

/**
 * The path engine's simulation of a validated snapshot, as `computeReserve` runs it.
 *
 * @throws InvalidInputError (field `correlation`) when the correlation is too far from PSD to repair
 */
export function simulationOfSnapshot(snapshot: MarketSnapshot): PathSimulation {
  const { cholesky } = prepareCorrelation(snapshot.correlation);
  const book = preparePathBook(snapshot);
  return pathSimulation({
    book,
    setup: monteCarloSetup(snapshot, book, cholesky),
    seed: snapshot.model.seed,
  });
}
