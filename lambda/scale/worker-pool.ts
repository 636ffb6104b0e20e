/**
 * The path engine's Monte Carlo over worker threads in one process (`--workers N`).
 *
 * N lanes compute: the calling thread and N − 1 worker threads. Each round of the run is cut into
 * small batches handed out as lanes become free, so a worker that is still starting (loading the
 * TypeScript) costs nothing: the calling thread computes meanwhile. The pool is driven
 * synchronously (Atomics.wait + receiveMessageOnPort, see worker-protocol.ts), so it plugs into
 * `computeReserve` as its `pathRunner`; the partials merge exactly (path-partial.ts), so the
 * result is bit-identical for any N.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import {
  type BatchSimulator,
  batchSimulator,
  type PathBatchRunner,
} from '../model/engines/path/path-monte-carlo.ts';
import { type PathPartial, type PathRange, splitRange } from '../model/engines/path/path-partial.ts';
import { simulationOfSnapshot } from '../model/engines/path/path-simulation.ts';
import type { MarketSnapshot } from '../model/schemas.ts';
import type { FromWorker, ToWorker, WorkerBoot } from './worker-protocol.ts';

/** Batches handed to one worker at a time: one running, one queued, so it never idles. */
const PREFETCH = 2;
/** Batches per lane and round: small enough to balance, large enough that messages cost nothing. */
const BATCHES_PER_LANE = 8;
const MIN_BATCH_PATHS = 256;
/** The calling thread reads the workers' messages between its own batches: keep those short. */
const MAX_BATCH_PATHS = 16_384;
/** A worker silent this long with batches outstanding is taken as lost. */
const STALL_MS = 600_000;

/** The worker entry next to this module: the TypeScript source, or the bundle's `path-worker.mjs`. */
export function defaultWorkerEntry(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './path-worker.ts' : './path-worker.mjs', import.meta.url);
}

/** `--workers` default: the available cores (1 when there is one). */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

interface Lane {
  readonly worker: Worker;
  readonly port: MessagePort;
  ready: boolean;
  outstanding: number;
}

/** Options of {@link PathWorkerPool.start}. */
export interface PathWorkerPoolOptions {
  /** Lanes in total, the calling thread included (≥ 1). */
  readonly workers: number;
  /** The worker thread's entry file. @default {@link defaultWorkerEntry} */
  readonly entry?: URL;
}

/** A pool of path workers; {@link runner} is a `computeReserve` `pathRunner`. */
export class PathWorkerPool {
  /** Lanes that compute, the calling thread included. */
  readonly lanes: number;
  private readonly threads: Lane[];
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private runs = 0;

  private constructor(workers: number, entry: URL) {
    this.lanes = workers;
    this.threads = Array.from({ length: workers - 1 }, () => {
      const channel = new MessageChannel();
      const boot: WorkerBoot = { port: channel.port2, signal: this.signal };
      const worker = new Worker(entry, { workerData: boot, transferList: [channel.port2] });
      // Errors arrive as messages; an 'error' event while the caller waits would go unheard anyway.
      worker.on('error', () => {});
      // Never what keeps a process alive: the pool is only used while its caller runs.
      worker.unref();
      return { worker, port: channel.port1, ready: false, outstanding: 0 };
    });
  }

  /**
   * Starts `workers − 1` worker threads (none for 1).
   *
   * @throws Error when `workers` is not a positive integer
   */
  static start(options: PathWorkerPoolOptions): PathWorkerPool {
    if (!Number.isSafeInteger(options.workers) || options.workers < 1) {
      throw new Error(`PathWorkerPool: workers must be a positive integer, got ${options.workers}`);
    }
    return new PathWorkerPool(options.workers, options.entry ?? defaultWorkerEntry());
  }

  /** The runner of one `computeReserve` of `snapshot` (pass `pool.runner` as `pathRunner`). */
  readonly runner = (snapshot: MarketSnapshot): PathBatchRunner => {
    const run = ++this.runs;
    for (const lane of this.threads) this.send(lane, { kind: 'snapshot', run, snapshot });
    let local: BatchSimulator | null = null;
    return (round, progress) => {
      const queue = roundBatches(round, this.lanes);
      const total = queue.length;
      const partials: PathPartial[] = [];
      let pathsDone = 0;
      const accept = (partial: PathPartial) => {
        partials.push(partial);
        pathsDone += partial.to - partial.from;
        progress(pathsDone);
      };
      let next = 0;
      while (partials.length < total) {
        const seen = Atomics.load(this.signal, 0);
        this.drain(run, accept);
        for (const lane of this.threads) {
          while (lane.ready && lane.outstanding < PREFETCH && next < total) {
            const batch = queue[next++]!;
            lane.outstanding++;
            this.send(lane, { kind: 'batch', run, from: batch.from, to: batch.to });
          }
        }
        if (next < total) {
          local ??= batchSimulator(simulationOfSnapshot(snapshot));
          accept(local(queue[next++]!));
        } else if (partials.length < total) {
          if (Atomics.wait(this.signal, 0, seen, STALL_MS) === 'timed-out') {
            throw new Error(`path workers sent nothing for ${STALL_MS / 1000} s with batches outstanding`);
          }
        }
      }
      return partials;
    };
  };

  /** Stops the worker threads. */
  async close(): Promise<void> {
    await Promise.all(this.threads.map((lane) => lane.worker.terminate()));
  }

  private send(lane: Lane, message: ToWorker): void {
    lane.port.postMessage(message);
  }

  /** Reads every message already posted; partials of run `run` go to `accept`. */
  private drain(run: number, accept: (partial: PathPartial) => void): void {
    for (const lane of this.threads) {
      for (
        let received = receiveMessageOnPort(lane.port);
        received !== undefined;
        received = receiveMessageOnPort(lane.port)
      ) {
        const message = received.message as FromWorker;
        if (message.kind === 'ready') lane.ready = true;
        else if (message.kind === 'error') throw new Error(`path worker failed: ${message.message}`);
        else {
          lane.outstanding--;
          // A partial of an earlier run (one that failed half-way) is late, not wrong: drop it.
          if (message.run === run) accept(message.partial);
        }
      }
    }
  }
}

/** The batches a round is cut into for `lanes` lanes. */
export function roundBatches(round: PathRange, lanes: number): PathRange[] {
  const even = Math.ceil((round.to - round.from) / (lanes * BATCHES_PER_LANE));
  return splitRange(round, Math.min(MAX_BATCH_PATHS, Math.max(MIN_BATCH_PATHS, even)));
}
