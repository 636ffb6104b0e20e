/**
 * Finding 2 of the reliability sweep: an alert step that fails after the snapshot is stored (a
 * DynamoDB 500 on the alert state) used to lose the tick's alert — the retry said "already stored"
 * and decided nothing, and a later tick whose breach was gone never reported it. Now the alert state
 * records the last run decided, and the retry (or the next tick) resumes the decision.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FundConfig } from '../../../lambda/config/fund-config.ts';
import { type ReplayServer, startReplayServer } from '../../../lambda/ingest/replay/replay-server.ts';
import type { Notifier, SnapshotStore } from '../../../lambda/pipeline/ports.ts';
import { runPipeline } from '../../../lambda/pipeline/run-pipeline.ts';
import { DynamoSnapshotStore } from '../../../lambda/store/dynamo-snapshot-store.ts';
import { startTestDynamo, type TestDynamo } from '../../support/dynalite.ts';
import { addMinutes, demoFund, replaySource, testClock } from './support.ts';

const T0 = '2026-11-22T00:00:00.000Z';

/** A DynamoDB error as the SDK surfaces a 500. */
function internalServerError(): Error {
  return Object.assign(new Error('Internal server error'), { name: 'InternalServerError', $fault: 'server' });
}

describe('alert step resume', () => {
  let dynamo: TestDynamo;
  let replay: ReplayServer;
  let config: FundConfig;
  let real: DynamoSnapshotStore;
  let sent: string[];
  const notifier: Notifier = {
    channel: 'sns',
    publish: async (item) => {
      sent.push(item.messageId);
    },
  };

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
    real = new DynamoSnapshotStore({ tableName: await dynamo.newTable(), client: dynamo.client });
    sent = [];
  });

  /** The store with the alert state failing on its next `failures` writes. */
  function failingAlertState(failures: number): SnapshotStore {
    let left = failures;
    return {
      ...real,
      putAlertState: async (next) => {
        if (left > 0) {
          left -= 1;
          throw internalServerError();
        }
        return real.putAlertState(next);
      },
    };
  }

  const run = (store: SnapshotStore, asOf: string, runId: string, fund: FundConfig = config) =>
    runPipeline({
      config: fund,
      asOf,
      runId,
      source: replaySource(replay),
      store,
      notifiers: [notifier],
      clock: testClock(asOf),
    });

  it('resumes the alert step when the tick is retried after a table error on the alert state', async () => {
    const first = await run(failingAlertState(1), T0, 'attempt-1');
    // The demo fund's coverage status at T0 (WARN or BREACH, as the engine has it).
    const status = first.run.result.coverageStatus;

    expect(first.outcome.stored).toBe(true);
    expect(first.outcome.notifications).toEqual({
      decided: [],
      sent: 0,
      failed: 0,
      error: 'Internal server error',
    });
    expect(sent).toEqual([]);

    const retry = await run(real, T0, 'attempt-2');

    expect(retry.outcome.stored).toBe(false);
    expect(retry.outcome.notifications.decided.map((n) => `${n.kind}:${n.status}`)).toEqual([
      `COVERAGE:${status}`,
    ]);
    expect(sent).toEqual([`demo-perps/${T0}/COVERAGE/${status}`]);
    // The stored trail says what happened: the first attempt's alert step failed, the retry's resumed it.
    const stored = await real.get('demo-perps', T0);
    expect(stored?.steps.filter((s) => s.step === 'alert').map((s) => [s.outcome, s.detail])).toEqual([
      ['failed', 'Internal server error'],
      ['ok', '1 decided, 1 sent, 0 failed'],
    ]);
    expect((await real.getAlertState('demo-perps'))?.decidedAsOf).toBe(T0);

    const third = await run(real, T0, 'attempt-3');
    expect(third.outcome.notifications).toEqual({ decided: [], sent: 0, failed: 0 });
    expect(sent).toHaveLength(1);
  });

  it('reports a breach whose alert step failed even when the next tick has recovered', async () => {
    const first = await run(failingAlertState(1), T0, 'breach-tick');
    const status = first.run.result.coverageStatus;
    const T1 = addMinutes(T0, 15);
    const rich: FundConfig = { ...config, balance: { type: 'static', amountUsd: 1e12 } };

    const next = await run(real, T1, 'recovered-tick', rich);

    expect(next.outcome.status).toBe('OK');
    expect(next.outcome.notifications.decided.map((n) => `${n.asOf} ${n.kind}:${n.status}`)).toEqual([
      `${T0} COVERAGE:${status}`,
      `${T1} RECOVERY:OK`,
    ]);
    expect(sent).toEqual([`demo-perps/${T0}/COVERAGE/${status}`, `demo-perps/${T1}/RECOVERY/OK`]);
    expect(next.outcome.steps.at(-1)?.detail).toBe(`2 decided, runs decided: ${T0}, ${T1}, 2 sent, 0 failed`);
  });

  it('writes the outbox items of a decision whose writer died after the state write', async () => {
    // The state write succeeds, then the enqueue fails: the decision is in the state's `pending`.
    let enqueueFailures = 1;
    const dying: SnapshotStore = {
      ...real,
      enqueue: async (items) => {
        if (enqueueFailures > 0) {
          enqueueFailures -= 1;
          throw internalServerError();
        }
        return real.enqueue(items);
      },
    };
    const first = await run(dying, T0, 'dies');
    const status = first.run.result.coverageStatus;
    expect(first.outcome.notifications.error).toBe('Internal server error');
    expect((await real.getAlertState('demo-perps'))?.pending?.notifications.map((n) => n.kind)).toEqual([
      'COVERAGE',
    ]);

    const retry = await run(real, T0, 'retry');

    expect(retry.outcome.notifications).toMatchObject({ decided: [], sent: 1, failed: 0 });
    expect(sent).toEqual([`demo-perps/${T0}/COVERAGE/${status}`]);
    expect((await real.getAlertState('demo-perps'))?.pending).toBeUndefined();
  });
});
