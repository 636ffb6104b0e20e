/**
 * The path engine behind the backtest's {@link RiskEngine} port (schemaVersion 2 books).
 *
 * - Realised loss: the day's candle as a four-point intraday path ({@link candleScenario}) replayed
 *   through the book by the snapshot's own loss engine (`replay`, unlimited fund), at the liquidity
 *   its range implies ({@link rangeLiquidity}).
 * - Forecast: the VaR and ES of that same loss over the model's simulated days — the path engine's
 *   generator (the snapshot's vols, correlation, tails, jumps; a 24-hour window) draws each day, the
 *   day is reduced to its open, high, low and close, and that candle is replayed exactly as a real
 *   day's would be. Importance-sampling weights are kept, so VaR and ES are the weighted tail.
 *
 * Forecast and realisation are thereby the same function of a candle: an exceedance means the model
 * under-forecast the day's candle (its range, its order, its co-movement), not that a four-point path
 * is smoother than the generator's own paths (which it is: a replay of the generator's raw path
 * would cost the fund more than the replay of its candle, and comparing that with real candles would
 * make the backtest conservative by construction).
 *
 * The loss is the day's **bad debt** by default, or its **net** loss (bad debt − liquidation income).
 * At one day and 99% the net loss's quantile is liquidation income (about −$0.1M per $1B of OI: the
 * book earns on the 99th-percentile day), so a count of net exceedances tests how much income calm
 * days bring, not the tail the fund exists for. Bad debt is zero on most days, model and real alike:
 * its VaR sits on that atom, and a day at the atom counts as an exceedance with the probability
 * {@link tieExceedProbability} gives (the randomised probability integral transform), so the count
 * has exactly the binomial law Kupiec's test assumes when the model is right.
 */
import type { LossEngine } from '../model/engines/loss-engine.ts';
import { createPathEngine, monteCarloSetup, type PathEngine } from '../model/engines/path/path-engine.ts';
import { createGeneratorBuffers, generateScenario } from '../model/engines/path/path-generator.ts';
import { weightedTail } from '../model/engines/path/weighted-tail.ts';
import { prepareCorrelation } from '../model/linalg/psd-repair.ts';
import { pathSeedWords } from '../model/random/path-streams.ts';
import type { MarketSnapshot } from '../model/schemas.ts';
import { validateSnapshot } from '../model/validate-snapshot.ts';
import { type Candle, candleScenario, closeOnlyCandle, rangeLiquidity } from './candle-path.ts';
import type { RealisedDay, RiskEngine } from './run-backtest.ts';

/** What the backtest counts as a day's loss (see the module comment). */
export type LossMeasure = 'bad-debt' | 'net';

/** The engine of each snapshot, built once for its forecast and its realisation. */
const engines = new WeakMap<MarketSnapshot, PathEngine>();

function engineOf(snapshot: MarketSnapshot): PathEngine {
  let engine = engines.get(snapshot);
  if (engine === undefined) {
    const { snapshot: checked } = validateSnapshot(snapshot, `backtest snapshot ${snapshot.asOf}`);
    const { cholesky } = prepareCorrelation(checked.correlation);
    engine = createPathEngine(checked, cholesky);
    engines.set(snapshot, engine);
  }
  return engine;
}

/** The loss of the book along one day's candles (prices relative to the previous closes). */
export function candleLoss(
  engine: LossEngine & { readonly book: PathEngine['book'] },
  name: string,
  candles: readonly Candle[],
  previousCloses: readonly number[],
  measure: LossMeasure,
): number {
  const { markets } = engine.snapshot;
  const lambda = rangeLiquidity(
    candles,
    markets.map((m) => m.impliedVol),
    engine.book.liquidityVolElasticity,
  );
  const ids = markets.map((m) => m.id);
  const replay = engine.replay(candleScenario(name, ids, candles, previousCloses, lambda));
  return measure === 'net' ? replay.netLossUsd : replay.outcome.badDebtUsd;
}

/**
 * The simulated days' candle losses and weights: day p is the generator's scenario p of the
 * snapshot's seed, reduced to its candle per market — or, for a market whose price file has only
 * closes (`intraday[m]` false), to the straight move from open to close a real day of that file is
 * read as, so both sides stay the same function of what the file shows.
 */
export function simulatedCandleLosses(
  snapshot: MarketSnapshot,
  paths: number,
  measure: LossMeasure,
  intraday?: readonly boolean[],
): { losses: Float64Array; weights: Float64Array } {
  const engine = engineOf(snapshot);
  const { cholesky } = prepareCorrelation(engine.snapshot.correlation);
  const setup = monteCarloSetup(engine.snapshot, engine.book, cholesky);
  const buf = createGeneratorBuffers(setup);
  const seedWords = pathSeedWords(engine.snapshot.model.seed);
  const n = setup.marketCount;
  const ones = new Array<number>(n).fill(1);
  const losses = new Float64Array(paths);
  const weights = new Float64Array(paths);
  const candles: Candle[] = new Array(n);
  for (let p = 0; p < paths; p++) {
    generateScenario(setup, seedWords, p, buf);
    for (let m = 0; m < n; m++) {
      let high = 1;
      let low = 1;
      for (let t = 0; t < setup.steps; t++) {
        const level = 1 + buf.cumulativeReturn[t * n + m]!;
        if (level > high) high = level;
        if (level < low) low = level;
      }
      const close = 1 + buf.cumulativeReturn[(setup.steps - 1) * n + m]!;
      candles[m] = intraday?.[m] === false ? closeOnlyCandle(1, close) : { open: 1, high, low, close };
    }
    losses[p] = candleLoss(engine, 'simulated day', candles, ones, measure);
    weights[p] = buf.weight;
  }
  return { losses, weights };
}

/**
 * The probability that a realised loss equal to the forecast's VaR counts as an exceedance: with the
 * weighted sample's F(v) = P(L ≤ v) and atom P(L = v), (F(v) − α)/P(L = v), clipped to [0, 1]; 0 when
 * no simulated loss equals v. This is the randomised PIT u = F(L−) + V·P(L = L) exceeding α.
 */
export function tieExceedProbability(
  losses: Float64Array,
  weights: Float64Array,
  varUsd: number,
  confidence: number,
): number {
  let total = 0;
  let atMost = 0;
  let at = 0;
  for (let i = 0; i < losses.length; i++) {
    const w = weights[i]!;
    total += w;
    if (losses[i]! <= varUsd) atMost += w;
    if (losses[i] === varUsd) at += w;
  }
  if (at === 0 || total === 0) return 0;
  return Math.min(1, Math.max(0, (atMost / total - confidence) / (at / total)));
}

/**
 * The path engine as a {@link RiskEngine} counting `measure` (see the module comment).
 *
 * @param intraday - per market, whether its price file has candles (default: all do); see
 *   {@link simulatedCandleLosses}
 */
export function createPathRiskEngine(measure: LossMeasure, intraday?: readonly boolean[]): RiskEngine {
  return {
    forecast(snapshot) {
      const paths = snapshot.model.paths ?? 0;
      const { confidence } = snapshot.model;
      const { losses, weights } = simulatedCandleLosses(snapshot, paths, measure, intraday);
      const tail = weightedTail(losses, weights, paths, confidence);
      return {
        varUsd: tail.varUsd,
        esUsd: tail.esUsd,
        tieExceedProbability: tieExceedProbability(losses, weights, tail.varUsd, confidence),
      };
    },
    realize(snapshot, day: RealisedDay) {
      return candleLoss(
        engineOf(snapshot),
        `realised ${snapshot.asOf}`,
        day.candles,
        day.previousCloses,
        measure,
      );
    },
  };
}
