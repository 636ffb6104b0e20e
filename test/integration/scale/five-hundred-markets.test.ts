/**
 * A 500-market fund within Lambda's limits (docs/OPERATIONS.md, "A 500-market fund"): the factor
 * model, the fan-out's steps in one process (an in-process map) and the store on dynalite. What
 * must fit does: every state's payload is far below Step Functions' 256 KB (the snapshot travels
 * through scratch, not the state), each batch's partial is 25 bytes a path, and the stored run —
 * its snapshot body split into parts below DynamoDB's 400 KB items — equals the single-process
 * result bit for bit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticFund } from '../../../bench/synthetic-fund.ts';
import type { FundConfig } from '../../../lambda/config/fund-config.ts';
import { computeReserve } from '../../../lambda/model/reserve.ts';
import type { MarketSnapshot } from '../../../lambda/model/schemas.ts';
import { validateSnapshot } from '../../../lambda/model/validate-snapshot.ts';
import { ConsoleNotifier } from '../../../lambda/notify/console-notifier.ts';
import type { MarketSource } from '../../../lambda/pipeline/ports.ts';
import { coordinate, type FanOutPorts, simulateBatch } from '../../../lambda/scale/fan-out/fan-out-steps.ts';
import { memoryScratch } from '../../../lambda/scale/fan-out/scratch-store.ts';
import { DynamoSnapshotStore } from '../../../lambda/store/dynamo-snapshot-store.ts';
import { startTestDynamo, type TestDynamo } from '../../support/dynalite.ts';
import { demoFund, testClock } from '../pipeline/support.ts';

const T0 = '2026-11-22T00:00:00.000Z';
/**
 * A 500×500 correlation and its whole fan-out take about 50 s of one core; on a shared 2-core machine
 * under load that has reached 120 s, the integration layer's default.
 */
const HEAVY_TIMEOUT_MS = 300_000;
/** Step Functions' limit on a state's input or output. */
const STATE_PAYLOAD_LIMIT = 256 * 1024;

describe('a 500-market fund', () => {
  let dynamo: TestDynamo;
  let snapshot: MarketSnapshot;
  let config: FundConfig;

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    const big = syntheticFund(500);
    // A short window keeps the test fast; the structure (500 markets, 500×500 correlation) is whole.
    ({ snapshot } = validateSnapshot(
      {
        ...big,
        asOf: T0,
        model: { ...big.model, windowHours: 1, stepMinutes: 30, paths: 2048, correlationModel: 'factor' },
      },
      'synthetic 500-market fund',
    ));
    const demo = await demoFund();
    config = {
      ...demo,
      fundId: snapshot.fundId,
      execution: { mode: 'fan-out', batchPaths: 512, maxConcurrency: 40 },
    };
  }, HEAVY_TIMEOUT_MS);
  afterAll(async () => {
    await dynamo.close();
  });

  it(
    'runs as a fan-out whose payloads fit Step Functions and whose stored run is the single-process one',
    async () => {
      // The market source of a venue with 500 markets, as recalibrated: the snapshot itself.
      const source: MarketSource = { collect: async () => ({ snapshot, observations: [], flags: [] }) };
      const ports: FanOutPorts = {
        source,
        store: new DynamoSnapshotStore({ tableName: await dynamo.newTable(), client: dynamo.client }),
        notifiers: [new ConsoleNotifier({ write: () => {} })],
        clock: testClock(T0),
        scratch: memoryScratch(),
      };
      const run = { fundId: snapshot.fundId, asOf: T0, runId: 'run-500' };
      const first = await coordinate(ports, config, run, 512);
      expect(first.status).toBe('paths');
      expect(JSON.stringify(first).length).toBeLessThan(STATE_PAYLOAD_LIMIT / 100);
      if (first.status !== 'paths') return;
      expect(first.batches).toHaveLength(4);
      for (const batch of first.batches) {
        expect(JSON.stringify(batch).length).toBeLessThan(200);
        const { key } = await simulateBatch(ports.scratch, batch);
        expect((await ports.scratch.get(key)).byteLength).toBe(16 + 25 * 512);
      }
      const done = await coordinate(ports, config, run, 512);
      expect(done.status).toBe('done');
      expect(JSON.stringify(done).length).toBeLessThan(STATE_PAYLOAD_LIMIT / 10);

      const stored = await ports.store.get(snapshot.fundId, T0);
      expect(stored?.snapshot.markets).toHaveLength(500);
      expect(stored?.result).toEqual(computeReserve(snapshot));
      expect(stored?.result.byMarket).toHaveLength(500);
    },
    HEAVY_TIMEOUT_MS,
  );
});
