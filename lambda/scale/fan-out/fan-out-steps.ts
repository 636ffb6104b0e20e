/**
 * The steps of a fan-out run (docs/OPERATIONS.md, "Fan-out"), the same code on AWS and here:
 *
 *   coordinate → [paths needed] → map: simulate batch × width → coordinate → … → [done]
 *
 * - {@link coordinate} runs the ordinary pipeline (ingest, recalibrate, reserve, persist, alert)
 *   with the ingest kept in scratch (so every call sees the same snapshot) and the Monte Carlo served
 *   from the stored batches; when the run needs a round that is not stored it stops before anything
 *   is persisted and returns that round cut into batches.
 * - {@link simulateBatch} computes one batch from the stored snapshot and stores its partial.
 * - {@link runFanOutInProcess} is the state machine as a loop with an in-process map: what
 *   `npm test` runs, and what proves that a fan-out stores exactly the single-process result.
 */
import type { FundConfig } from '../../config/fund-config.ts';
import { batchSimulator, type PathBatchRunner } from '../../model/engines/path/path-monte-carlo.ts';
import {
  decodePartial,
  encodePartial,
  mergePartials,
  type PathRange,
  splitRange,
} from '../../model/engines/path/path-partial.ts';
import { simulationOfSnapshot } from '../../model/engines/path/path-simulation.ts';
import type { MarketSnapshot } from '../../model/schemas.ts';
import type { IngestOutcome, MarketSource } from '../../pipeline/ports.ts';
import type { RunOutcome } from '../../pipeline/run-outcome.ts';
import { type RunPipelineInput, runPipeline } from '../../pipeline/run-pipeline.ts';
import type { StoredRun } from '../../run/stored-run.ts';
import { compressJson, decompressJson } from '../../store/body-codec.ts';
import type { ScratchStore } from './scratch-store.ts';
import { pathsNeededIn, storedPartialsRunner } from './stored-runner.ts';

/** Paths per batch unless the fund config says otherwise (a few seconds of one vCPU at 100 markets). */
export const DEFAULT_BATCH_PATHS = 16_384;

/** One fan-out run: a fund at a valuation time, under the id of its first coordination. */
export interface FanOutRun {
  readonly fundId: string;
  readonly asOf: string;
  readonly runId: string;
}

/** One batch of paths of a run: a worker Lambda's input. */
export interface BatchTask extends FanOutRun, PathRange {}

/** What a coordination returns to the state machine. */
export type CoordinateResult =
  | { readonly status: 'paths'; readonly run: FanOutRun; readonly batches: readonly BatchTask[] }
  | { readonly status: 'done'; readonly run: FanOutRun; readonly outcome: Omit<RunOutcome, 'flags'> };

/** The pipeline's ports, less those the fan-out supplies itself (source wrapper, path runner). */
export type FanOutPorts = Omit<
  RunPipelineInput,
  'config' | 'asOf' | 'runId' | 'pathRunner' | 'onProgress'
> & {
  readonly scratch: ScratchStore;
};

/** Scratch keys of a run. */
export function scratchKeys(run: FanOutRun): {
  ingest: string;
  partials: string;
  partial: (r: PathRange) => string;
} {
  const prefix = `fan-out/${run.fundId}/${run.asOf}/${run.runId}/`;
  return {
    ingest: `${prefix}ingest.json.gz`,
    partials: `${prefix}partials/`,
    // Zero-padded, so the keys sort in path order.
    partial: (r) =>
      `${prefix}partials/${String(r.from).padStart(10, '0')}-${String(r.to).padStart(10, '0')}.bin`,
  };
}

/** The market source of every coordination of a run: the real one once, then what it stored. */
function scratchSource(real: MarketSource, scratch: ScratchStore, key: string): MarketSource {
  return {
    collect: async (config, asOf, lastGood) => {
      if ((await scratch.list(key)).includes(key))
        return decompressJson(await scratch.get(key)) as IngestOutcome;
      const ingest = await real.collect(config, asOf, lastGood);
      await scratch.put(key, compressJson(ingest));
      return ingest;
    },
  };
}

/**
 * One coordination of `run` (see the module comment).
 *
 * @param batchPaths - paths per batch of a round (the fund's `execution.batchPaths`)
 * @param onFinished - called with the stored run once the run is done (the transparency page)
 * @throws PipelineStepError when a step fails for any other reason than paths still to compute
 */
export async function coordinate(
  ports: FanOutPorts,
  config: FundConfig,
  run: FanOutRun,
  batchPaths = DEFAULT_BATCH_PATHS,
  onFinished?: (stored: StoredRun) => Promise<void>,
): Promise<CoordinateResult> {
  const keys = scratchKeys(run);
  const stored = await Promise.all(
    (await ports.scratch.list(keys.partials)).map(async (key) => decodePartial(await ports.scratch.get(key))),
  );
  const runner: PathBatchRunner = storedPartialsRunner(stored);
  try {
    const { outcome, run: stored } = await runPipeline({
      ...ports,
      config,
      asOf: run.asOf,
      runId: run.runId,
      source: scratchSource(ports.source, ports.scratch, keys.ingest),
      pathRunner: () => runner,
    });
    await onFinished?.(stored);
    const { flags: _flags, ...rest } = outcome;
    return { status: 'done', run, outcome: rest };
  } catch (error) {
    const needed = pathsNeededIn(error);
    if (needed === null) throw error;
    const batches = splitRange(needed.round, batchPaths).map((r) => ({ ...run, from: r.from, to: r.to }));
    return { status: 'paths', run, batches };
  }
}

/** Simulations of recent runs, so a warm worker does not rebuild the book for every batch. */
const simulations = new Map<string, ReturnType<typeof batchSimulator>>();

/**
 * One batch: its paths from the run's stored snapshot, stored as a partial; returns the key.
 *
 * @param runOn - how to run the batch's paths (a worker Lambda's own threads); default this thread
 */
export async function simulateBatch(
  scratch: ScratchStore,
  task: BatchTask,
  runOn?: (snapshot: MarketSnapshot) => PathBatchRunner,
): Promise<{ key: string; paths: number }> {
  const keys = scratchKeys(task);
  const range = { from: task.from, to: task.to };
  const ingest = decompressJson(await scratch.get(keys.ingest)) as IngestOutcome;
  let partial: ReturnType<typeof mergePartials>;
  if (runOn !== undefined) {
    partial = mergePartials(runOn(ingest.snapshot)(range, () => {}));
  } else {
    let simulate = simulations.get(keys.ingest);
    if (simulate === undefined) {
      simulations.clear();
      simulate = batchSimulator(simulationOfSnapshot(ingest.snapshot));
      simulations.set(keys.ingest, simulate);
    }
    partial = simulate(range);
  }
  const key = keys.partial(range);
  await scratch.put(key, encodePartial(partial));
  return { key, paths: range.to - range.from };
}

/** Bounds the loop of {@link runFanOutInProcess}: an adaptive run takes a handful of rounds. */
const MAX_COORDINATIONS = 64;

/**
 * The state machine in one process, its map run batch by batch: the same steps as on AWS.
 *
 * @throws Error when the run does not finish within {@link MAX_COORDINATIONS} coordinations
 */
export async function runFanOutInProcess(
  ports: FanOutPorts,
  config: FundConfig,
  run: FanOutRun,
  batchPaths = DEFAULT_BATCH_PATHS,
): Promise<Extract<CoordinateResult, { status: 'done' }>> {
  for (let round = 0; round < MAX_COORDINATIONS; round++) {
    const result = await coordinate(ports, config, run, batchPaths);
    if (result.status === 'done') return result;
    for (const batch of result.batches) await simulateBatch(ports.scratch, batch);
  }
  throw new Error(
    `fan-out of ${run.fundId} at ${run.asOf} did not finish in ${MAX_COORDINATIONS} coordinations`,
  );
}
