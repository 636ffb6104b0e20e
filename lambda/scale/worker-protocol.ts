/**
 * Messages between the path worker pool (worker-pool.ts) and its worker threads (path-worker.ts).
 *
 * Each worker talks over its own MessagePort and, after every message it posts, bumps a shared
 * counter and notifies it, so the pool can wait synchronously (Atomics.wait) and read the message
 * with receiveMessageOnPort: `computeReserve` stays a plain synchronous function whatever runs it.
 */
import type { PathPartial } from '../model/engines/path/path-partial.ts';
import type { MarketSnapshot } from '../model/schemas.ts';

/** What a worker is started with (its `workerData`). */
export interface WorkerBoot {
  readonly port: import('node:worker_threads').MessagePort;
  /** Int32Array over a SharedArrayBuffer of one word: bumped after every message a worker posts. */
  readonly signal: Int32Array;
}

/** Pool → worker. */
export type ToWorker =
  /** The snapshot of the following batches (a run); the worker builds its simulation from it. */
  | { readonly kind: 'snapshot'; readonly run: number; readonly snapshot: MarketSnapshot }
  /** Paths [from, to) of run `run`. */
  | { readonly kind: 'batch'; readonly run: number; readonly from: number; readonly to: number };

/** Worker → pool. */
export type FromWorker =
  | { readonly kind: 'ready' }
  | { readonly kind: 'partial'; readonly run: number; readonly partial: PathPartial }
  | { readonly kind: 'error'; readonly message: string };

/** Signals the pool that a message was posted (after `port.postMessage`). */
export function notifyPool(signal: Int32Array): void {
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}
