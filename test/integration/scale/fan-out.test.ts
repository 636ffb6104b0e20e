/**
 * The fan-out state machine's steps run in one process (an in-process map) on real parts — the
 * venue adapters against the replay server, the store on dynalite — store exactly the run that the
 * single-process pipeline stores, over several adaptive rounds and many batches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FundConfig } from '../../../lambda/config/fund-config.ts';
import { type ReplayServer, startReplayServer } from '../../../lambda/ingest/replay/replay-server.ts';
import { ConsoleNotifier } from '../../../lambda/notify/console-notifier.ts';
import { runPipeline } from '../../../lambda/pipeline/run-pipeline.ts';
import {
  coordinate,
  type FanOutPorts,
  runFanOutInProcess,
  scratchKeys,
  simulateBatch,
} from '../../../lambda/scale/fan-out/fan-out-steps.ts';
import { memoryScratch } from '../../../lambda/scale/fan-out/scratch-store.ts';
import { DynamoSnapshotStore } from '../../../lambda/store/dynamo-snapshot-store.ts';
import { startTestDynamo, type TestDynamo } from '../../support/dynalite.ts';
import { demoFund, replaySource, testClock } from '../pipeline/support.ts';

const T0 = '2026-11-22T00:00:00.000Z';
const RUN = { fundId: 'demo-perps', asOf: T0, runId: 'run-1' };

describe('the fan-out, in one process', () => {
  let dynamo: TestDynamo;
  let replay: ReplayServer;
  let config: FundConfig;
  const alerts: string[] = [];

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    replay = await startReplayServer();
    const demo = await demoFund();
    // Adaptive: the precision target takes several rounds on the demo fund.
    const { paths: _fixed, ...model } = demo.model;
    config = { ...demo, model: { ...model, precision: { targetRelativeStdError: 0.06, maxPaths: 65_536 } } };
  });
  afterAll(async () => {
    await replay.close();
    await dynamo.close();
  });

  async function ports(): Promise<FanOutPorts> {
    return {
      source: replaySource(replay),
      store: new DynamoSnapshotStore({ tableName: await dynamo.newTable(), client: dynamo.client }),
      notifiers: [new ConsoleNotifier({ write: (t) => alerts.push(t) })],
      clock: testClock(T0),
      scratch: memoryScratch(),
    };
  }

  it('stores exactly the single-process run, result and snapshot, after several rounds of batches', async () => {
    const single = await ports();
    const { run: expected } = await runPipeline({ ...single, config, asOf: T0, runId: RUN.runId });

    const fan = await ports();
    const coordinations: number[] = [];
    const counting: FanOutPorts = {
      ...fan,
      scratch: {
        ...fan.scratch,
        list: async (prefix) => {
          if (prefix.endsWith('partials/')) coordinations.push(1);
          return fan.scratch.list(prefix);
        },
      },
    };
    const { outcome } = await runFanOutInProcess(counting, config, RUN, 4096);
    const stored = await fan.store.get('demo-perps', T0);
    expect(stored?.result).toEqual(expected.result);
    expect(stored?.snapshot).toEqual(expected.snapshot);
    expect(outcome.requiredReserveUsd).toBe(expected.result.requiredReserveUsd);
    expect(outcome.stored).toBe(true);
    // 16 384 paths in the first round, at least one more round, one final coordination.
    expect(expected.result.monteCarlo.paths).toBeGreaterThan(16_384);
    expect(coordinations.length).toBeGreaterThanOrEqual(3);
    const partials = await fan.scratch.list(scratchKeys(RUN).partials);
    expect(partials.length).toBe(expected.result.monteCarlo.paths / 4096);
  });

  it('stores nothing until the last round, and asks for the first round cut into batches', async () => {
    const p = await ports();
    const first = await coordinate(p, config, RUN, 5000);
    expect(first.status).toBe('paths');
    expect(first.status === 'paths' && first.batches.map((b) => [b.from, b.to])).toEqual([
      [0, 5000],
      [5000, 10_000],
      [10_000, 15_000],
      [15_000, 16_384],
    ]);
    expect(await p.store.latest('demo-perps')).toBeNull();
    // Half a round stored: the same round is asked for again.
    if (first.status === 'paths') await simulateBatch(p.scratch, first.batches[0]!);
    const again = await coordinate(p, config, RUN, 5000);
    expect(again.status === 'paths' && again.batches).toEqual(first.status === 'paths' && first.batches);
    expect(await p.store.latest('demo-perps')).toBeNull();
  });
});
