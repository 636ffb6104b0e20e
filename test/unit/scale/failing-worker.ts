/** A worker that starts and then fails its first batch, for the pool's error path. */
import { workerData } from 'node:worker_threads';
import { notifyPool, type WorkerBoot } from '../../../lambda/scale/worker-protocol.ts';

const { port, signal } = workerData as WorkerBoot;
port.on('message', (message: { kind: string }) => {
  if (message.kind !== 'batch') return;
  port.postMessage({ kind: 'error', message: 'out of memory in batch' });
  notifyPool(signal);
});
port.postMessage({ kind: 'ready' });
notifyPool(signal);
