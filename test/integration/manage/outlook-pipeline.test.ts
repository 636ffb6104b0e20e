/**
 * The one-year outlook through the real pipeline and store (replayed venues, dynalite): every run
 * stores its outlook, the outcome carries it in brief, the alert's next steps say the targeted
 * recommendation instead of a 30-day fee, and the inflow estimate reads one balance per day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderEmail } from '../../../lambda/alert/render-email.ts';
import type { FundConfig } from '../../../lambda/config/fund-config.ts';
import { type ReplayServer, startReplayServer } from '../../../lambda/ingest/replay/replay-server.ts';
import { outlookSummary } from '../../../lambda/manage/fund-outlook.ts';
import { FundOutlookSchema } from '../../../lambda/manage/outlook-schema.ts';
import { dailyBalances, INFLOW_HISTORY_DAYS } from '../../../lambda/pipeline/outlook-step.ts';
import type { Notifier, SnapshotStore } from '../../../lambda/pipeline/ports.ts';
import { runPipeline } from '../../../lambda/pipeline/run-pipeline.ts';
import type { OutboxItem } from '../../../lambda/run/notification.ts';
import { DynamoSnapshotStore } from '../../../lambda/store/dynamo-snapshot-store.ts';
import { startTestDynamo, type TestDynamo } from '../../support/dynalite.ts';
import { addMinutes, alertingDemoFund, replaySource, testClock } from '../pipeline/support.ts';

const T0 = '2026-11-22T00:00:00.000Z';

describe('the outlook in the pipeline', () => {
  let dynamo: TestDynamo;
  let replay: ReplayServer;
  let demo: FundConfig;

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    replay = await startReplayServer();
    demo = await alertingDemoFund();
  });
  afterAll(async () => {
    await replay.close();
    await dynamo.close();
  });

  /** A store that records the summaries queries. */
  function recording(real: DynamoSnapshotStore, queries: unknown[]): SnapshotStore {
    return {
      ...real,
      summaries: (fundId, query) => {
        queries.push(query);
        return real.summaries(fundId, query);
      },
    };
  }

  async function runOnce(config: FundConfig, asOf = T0) {
    const real = new DynamoSnapshotStore({ tableName: await dynamo.newTable(), client: dynamo.client });
    const queries: unknown[] = [];
    const sent: OutboxItem[] = [];
    const notifier: Notifier = { channel: 'test', publish: async (item) => void sent.push(item) };
    const result = await runPipeline({
      config,
      asOf,
      runId: 'run-1',
      source: replaySource(replay),
      store: recording(real, queries),
      notifiers: [notifier],
      clock: testClock(asOf),
    });
    return { ...result, real, queries, sent };
  }

  it('stores the outlook with the run, and the outcome carries it in brief', async () => {
    const config = { ...demo, management: { ...demo.management, outlookPaths: 2000 } };
    const { outcome, run, real } = await runOnce(config);
    expect(run.outlook).toBeDefined();
    expect(FundOutlookSchema.safeParse(run.outlook).success).toBe(true);
    expect(run.outlook).toMatchObject({
      fundId: 'demo-perps',
      asOf: T0,
      paths: 2000,
      seed: run.result.monteCarlo.seed,
      startBalanceUsd: run.result.fundBalanceUsd,
      requiredReserveUsd: run.result.requiredReserveUsd,
      inflow: { source: 'config', dailyUsd: 3e5 },
    });
    expect(outcome.outlook).toEqual(outlookSummary(run.outlook));
    expect((await real.get('demo-perps', T0))?.outlook).toEqual(run.outlook);
  });

  it('puts the targeted recommendation in the alert, not a 30-day fee', async () => {
    const config = { ...demo, management: { ...demo.management, outlookPaths: 2000 } };
    const { run, sent } = await runOnce(config);
    const coverage = sent.find((item) => item.notification.kind === 'COVERAGE');
    expect(coverage?.recommendation).toBe(run.outlook?.recommendation.text);
    const email = renderEmail(coverage as OutboxItem);
    expect(email).toContain(`- ${run.outlook?.recommendation.text}\n`);
    expect(email).not.toContain('to close the gap in 30 days');
  });

  it('estimates the inflow from one balance per day when the config gives none', async () => {
    const { inflow: _none, ...management } = demo.management;
    const config = { ...demo, management: { ...management, outlookPaths: 2000 } };
    const { run, queries } = await runOnce(config);
    // One query per UTC day (the pipeline's other checks make queries of their own).
    const perDay = queries.filter((q) => {
      const { from, limit } = q as { from?: string; limit?: number };
      return limit === 1 && from !== undefined && from.endsWith('T00:00:00.000Z');
    });
    expect(perDay).toHaveLength(INFLOW_HISTORY_DAYS);
    expect(perDay[INFLOW_HISTORY_DAYS - 1]).toEqual({ from: T0, to: T0, limit: 1 });
    expect(run.outlook?.inflow).toMatchObject({ source: 'none', dailyUsd: 0, historyDays: 0 });
  });

  it('reads the last run of each day for the inflow estimate', async () => {
    const config = { ...demo, management: { ...demo.management, outlookPaths: 1000 } };
    const { real } = await runOnce(config);
    // Two more runs the same day and one the next: the day keeps its last one.
    await runPipeline({
      config,
      asOf: addMinutes(T0, 60),
      runId: 'run-2',
      source: replaySource(replay),
      store: real,
      notifiers: [{ channel: 'test', publish: async () => {} }],
      clock: testClock(addMinutes(T0, 60)),
    });
    const tomorrow = addMinutes(T0, 24 * 60 + 30);
    await runPipeline({
      config,
      asOf: tomorrow,
      runId: 'run-3',
      source: replaySource(replay),
      store: real,
      notifiers: [{ channel: 'test', publish: async () => {} }],
      clock: testClock(tomorrow),
    });
    const balances = await dailyBalances(real, 'demo-perps', tomorrow, 3);
    expect(balances.map((b) => b.asOf)).toEqual([addMinutes(T0, 60), tomorrow]);
  });
});
