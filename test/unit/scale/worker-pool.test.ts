/**
 * worker_threads for real: the pool's worker threads run lambda/scale/path-worker.ts under Node's
 * own type stripping, as the CLI does, and the result is bit-identical for 1, 2 and 3 lanes.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { computeReserve } from '../../../lambda/model/reserve.ts';
import type { MarketSnapshot } from '../../../lambda/model/schemas.ts';
import { PathWorkerPool, roundBatches } from '../../../lambda/scale/worker-pool.ts';
import { market, snapshot } from '../model/snapshot-builder.ts';

function book(): MarketSnapshot {
  const s = snapshot(
    [market('A', { impliedVol: 0.9 }), market('B', { impliedVol: 1.3, openInterestUsd: 3e8 })],
    {
      windowHours: 2,
      stepMinutes: 20,
      confidence: 0.99,
      paths: undefined,
      precision: { targetRelativeStdError: 0.012, maxPaths: 60_000 },
    },
    { fundBalanceUsd: 3e7 },
  );
  s.schemaVersion = 2;
  s.correlation = [
    [1, 0.7],
    [0.7, 1],
  ];
  const { paths: _none, ...model } = s.model;
  return { ...s, model };
}

describe('the path worker pool', () => {
  const pools: PathWorkerPool[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  it('gives the single-thread result bit for bit with 2 and 3 lanes, run after run', () => {
    const s = book();
    const single = computeReserve(s);
    expect(single.monteCarlo.paths).toBeGreaterThan(16_384);
    for (const workers of [2, 3]) {
      const pool = PathWorkerPool.start({ workers });
      pools.push(pool);
      expect(computeReserve(s, { pathRunner: pool.runner })).toEqual(single);
      // The same pool serves the next run (a warm Lambda), with another seed.
      const reseeded = { ...s, model: { ...s.model, seed: 7 } };
      expect(computeReserve(reseeded, { pathRunner: pool.runner })).toEqual(computeReserve(reseeded));
    }
  });

  it('cuts a round into batches that tile it, eight per lane', () => {
    const batches = roundBatches({ from: 16_384, to: 24_576 }, 2);
    expect(batches).toHaveLength(16);
    expect(batches[0]).toEqual({ from: 16_384, to: 16_896 });
    expect(batches.at(-1)).toEqual({ from: 24_064, to: 24_576 });
    expect(roundBatches({ from: 0, to: 300 }, 4)).toEqual([
      { from: 0, to: 256 },
      { from: 256, to: 300 },
    ]);
  });

  it('lets the calling thread do all the work when a worker never starts', () => {
    const pool = PathWorkerPool.start({ workers: 2, entry: new URL('./missing-worker.ts', import.meta.url) });
    pools.push(pool);
    const s = { ...book(), model: { ...book().model, paths: 2000 } };
    expect(computeReserve(s, { pathRunner: pool.runner })).toEqual(computeReserve(s));
  });

  it('reports a worker that fails a batch, in one line', () => {
    const pool = PathWorkerPool.start({ workers: 2, entry: new URL('./failing-worker.ts', import.meta.url) });
    pools.push(pool);
    // Far more paths than the calling thread computes before the worker is up and handed a batch.
    const s = { ...book(), model: { ...book().model, paths: 5_000_000 } };
    expect(() => computeReserve(s, { pathRunner: pool.runner })).toThrow(
      'path worker failed: out of memory in batch',
    );
  });

  it('refuses a lane count that is not a positive integer', () => {
    expect(() => PathWorkerPool.start({ workers: 0 })).toThrow(
      'PathWorkerPool: workers must be a positive integer, got 0',
    );
  });
});
