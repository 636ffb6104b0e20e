/**
 * Two runs of one fund deciding alerts at once (a manual `backstop run --store dynamodb` while the
 * schedule fires): the alert state's optimistic lock on dynalite makes the loser re-read, find the
 * run decided by the winner, write the winner's pending notifications to the outbox if the winner
 * has not yet, and decide nothing itself — so the team hears about the breach once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateAlerts } from '../../../lambda/alert/alert-policy.ts';
import { type ReplayServer, startReplayServer } from '../../../lambda/ingest/replay/replay-server.ts';
import { ConsoleNotifier } from '../../../lambda/notify/console-notifier.ts';
import type { SnapshotStore } from '../../../lambda/pipeline/ports.ts';
import { runPipeline } from '../../../lambda/pipeline/run-pipeline.ts';
import type { AlertState } from '../../../lambda/run/alert-state.ts';
import { DynamoSnapshotStore } from '../../../lambda/store/dynamo-snapshot-store.ts';
import { startTestDynamo, type TestDynamo } from '../../support/dynalite.ts';
import { alertingDemoFund, replaySource, testClock } from './support.ts';

const T0 = '2026-11-22T00:00:00.000Z';

describe('alert state race', () => {
  let dynamo: TestDynamo;
  let replay: ReplayServer;

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    replay = await startReplayServer();
  });
  afterAll(async () => {
    await replay.close();
    await dynamo.close();
  });

  it('makes the losing run re-decide from the winner’s state and send nothing twice', async () => {
    const config = await alertingDemoFund();
    const real = new DynamoSnapshotStore({ tableName: dynamo.tableName, client: dynamo.client });
    let competitor: AlertState | null = null;
    // The other run commits its decision between this run's read of the state and its write.
    const racing: SnapshotStore = {
      ...real,
      getAlertState: async (fundId: string) => {
        const state = await real.getAlertState(fundId);
        if (competitor === null) {
          const stored = await real.get(fundId, T0);
          if (stored === null) throw new Error('run not stored before the alert step');
          const { next, notifications } = evaluateAlerts(state, stored.result, [], T0, config.alerts);
          // The winner wrote its decision and died before its outbox items.
          competitor = { ...next, decidedAsOf: T0, pending: { asOf: T0, notifications } };
          expect((await real.putAlertState(competitor)).won).toBe(true);
        }
        return state;
      },
    };
    const printed: string[] = [];

    const { outcome } = await runPipeline({
      config,
      asOf: T0,
      runId: 'loser',
      source: replaySource(replay),
      store: racing,
      notifiers: [new ConsoleNotifier({ write: (t) => printed.push(t) })],
      clock: testClock(T0),
    });

    expect(competitor).not.toBeNull();
    expect(outcome.notifications).toEqual({ decided: [], sent: 1, failed: 0 });
    expect(printed).toHaveLength(1);
    const status = (competitor as AlertState | null)?.coverageStatus;
    expect(printed[0]).toContain(`[${status}] demo-perps insurance fund at`);
    expect(await real.pending('demo-perps')).toEqual([]);
    const state = await real.getAlertState('demo-perps');
    expect(state?.version).toBe(2);
    expect(state?.decidedAsOf).toBe(T0);
    expect(state?.pending).toBeUndefined();
    expect(state?.lastNotified).toEqual((competitor as AlertState | null)?.lastNotified);
  });
});
