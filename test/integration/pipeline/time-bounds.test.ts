/**
 * Finding 3 of the reliability sweep: `backstop run --as-of 9999-12-31T00:00:00Z` was accepted, that
 * run was "latest" forever after, and every later run lost its stale fill and its OI check. Now the
 * pipeline refuses a future valuation time, and a run's previous run is the newest stored before it
 * whatever else the store holds — so even a store poisoned before the fix cannot starve later runs.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FundConfig } from '../../../lambda/config/fund-config.ts';
import { type ReplayServer, startReplayServer } from '../../../lambda/ingest/replay/replay-server.ts';
import { InvalidInputError } from '../../../lambda/model/validation.ts';
import type { Notifier } from '../../../lambda/pipeline/ports.ts';
import { runPipeline } from '../../../lambda/pipeline/run-pipeline.ts';
import { DynamoSnapshotStore } from '../../../lambda/store/dynamo-snapshot-store.ts';
import { startTestDynamo, type TestDynamo } from '../../support/dynalite.ts';
import { type CliWorkspace, cliWorkspace } from '../cli/cli-support.ts';
import { addMinutes, demoFund, replaySource, testClock } from './support.ts';

const T0 = '2026-11-22T00:00:00.000Z';
const FUTURE = '9999-12-31T00:00:00.000Z';

describe('time bounds', () => {
  let dynamo: TestDynamo;
  let replay: ReplayServer;
  let config: FundConfig;
  let store: DynamoSnapshotStore;
  const notifier: Notifier = { channel: 'console', publish: async () => {} };

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    replay = await startReplayServer();
    config = await demoFund();
  });
  afterAll(async () => {
    await replay.close();
    await dynamo.close();
  });
  beforeEach(async () => {
    store = new DynamoSnapshotStore({ tableName: await dynamo.newTable(), client: dynamo.client });
    replay.clearFaults();
  });

  const run = (asOf: string, now = asOf) =>
    runPipeline({
      config,
      asOf,
      runId: `run-${asOf}`,
      source: replaySource(replay),
      store,
      notifiers: [notifier],
      clock: testClock(now),
    });

  it('refuses a valuation time in the future and stores nothing', async () => {
    const attempt = run(FUTURE, T0);

    await expect(attempt).rejects.toThrow(InvalidInputError);
    await expect(attempt).rejects.toThrow(
      `asOf: "${FUTURE}" is in the future (more than 5 minutes after now, ${T0})`,
    );
    expect(await store.summaries('demo-perps')).toEqual([]);
  });

  it('stale-fills from the newest run before the tick even when a future run is stored', async () => {
    const poisoned = await run(FUTURE, FUTURE); // as a store written before the bound existed
    expect(poisoned.outcome.stored).toBe(true);
    await run(T0);
    for (const path of ['/bybit/v5/market/tickers', '/bybit/v5/market/kline']) {
      replay.setFault({ path }, { status: 503 });
    }

    const later = await run(addMinutes(T0, 15));

    expect(later.outcome.stored).toBe(true);
    const stale = later.outcome.flags.filter((f) => f.code === 'STALE_FILLED').map((f) => f.marketId);
    expect(stale).toEqual(['SOL-PERP-BYBIT', 'XRP-PERP-BYBIT', 'DOGE-PERP-BYBIT']);
    expect(later.outcome.steps.at(-1)?.detail).toContain(`a later run (${FUTURE}) was decided already`);
  });
});

describe('time bounds (the real CLI)', () => {
  let ws: CliWorkspace;
  beforeAll(async () => {
    ws = await cliWorkspace();
  });
  afterAll(async () => {
    await ws.remove();
  });

  it('refuses --as-of 9999-12-31T00:00:00Z with exit 2 and one line, and stores nothing', async () => {
    const refused = await ws.run('run', '--as-of', '9999-12-31T00:00:00Z');

    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(
      /^error: --as-of: "9999-12-31T00:00:00\.000Z" is in the future \(more than 5 minutes after now, \d{4}-\d\d-\d\dT[\d:.]+Z\)\n$/,
    );
    const history = await ws.run('history', '--json');
    expect(JSON.parse(history.stdout)).toEqual([]);
  });
});
