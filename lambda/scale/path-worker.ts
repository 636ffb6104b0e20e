/**
 * A path worker thread: receives a snapshot, builds its simulation the same way the main thread
 * does (path-simulation.ts) and simulates the batches it is sent, returning each as a partial whose
 * arrays are transferred, not copied. Any failure is reported as a message (the pool waits
 * synchronously and would not see an 'error' event).
 */
import { workerData } from 'node:worker_threads';
import type { BatchSimulator } from '../model/engines/path/path-monte-carlo.ts';
import { type FromWorker, notifyPool, type ToWorker, type WorkerBoot } from './worker-protocol.ts';

const { port, signal } = workerData as WorkerBoot;

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
  notifyPool(signal);
}

function fail(error: unknown): void {
  post({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
}

process.on('uncaughtException', fail);

try {
  // Loaded here, not imported at the top, so that a module that fails to load is reported too.
  const { batchSimulator } = await import('../model/engines/path/path-monte-carlo.ts');
  const { simulationOfSnapshot } = await import('../model/engines/path/path-simulation.ts');
  let run = -1;
  let simulate: BatchSimulator | null = null;
  port.on('message', (message: ToWorker) => {
    try {
      if (message.kind === 'snapshot') {
        run = message.run;
        simulate = batchSimulator(simulationOfSnapshot(message.snapshot));
        return;
      }
      if (simulate === null || message.run !== run)
        throw new Error(`batch of run ${message.run} before its snapshot`);
      const partial = simulate({ from: message.from, to: message.to });
      post({ kind: 'partial', run, partial }, [
        partial.loss.buffer as ArrayBuffer,
        partial.weight.buffer as ArrayBuffer,
        partial.adlNotional.buffer as ArrayBuffer,
        partial.flags.buffer as ArrayBuffer,
      ]);
    } catch (error) {
      fail(error);
    }
  });
  post({ kind: 'ready' });
} catch (error) {
  fail(error);
}
