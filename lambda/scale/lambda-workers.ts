/**
 * The worker threads of a Lambda function: one lane per vCPU (the function's memory buys them,
 * 1,769 MB per vCPU), started at cold start and kept while the container lives, so a warm
 * invocation finds them ready. One vCPU: no workers, the handler's own thread.
 */
import { availableParallelism } from 'node:os';
import { PathWorkerPool } from './worker-pool.ts';

/** `{ pathRunner }` over the function's vCPUs, or `{}` on one vCPU. */
export function lambdaPathRunner(lanes = availableParallelism()): { pathRunner?: PathWorkerPool['runner'] } {
  if (lanes <= 1) return {};
  return { pathRunner: PathWorkerPool.start({ workers: lanes }).runner };
}
