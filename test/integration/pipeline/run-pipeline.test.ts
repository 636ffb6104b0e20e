/**
 * The pipeline end to end on real parts: the venue adapters against the replay server, the store on
 * dynalite, alerts through the SNS notifier with only the SDK client mocked (to see the exact
 * publishes and to make SNS fail on purpose).
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FundConfig } from '../../../lambda/config/fund-config.ts';
import { type ReplayServer, startReplayServer } from '../../../lambda/ingest/replay/replay-server.ts';
import { SnsNotifier } from '../../../lambda/notify/sns-notifier.ts';
import { PipelineStepError } from '../../../lambda/pipeline/errors.ts';
import type { MarketSource } from '../../../lambda/pipeline/ports.ts';
import { runPipeline } from '../../../lambda/pipeline/run-pipeline.ts';
import { DynamoSnapshotStore } from '../../../lambda/store/dynamo-snapshot-store.ts';
import { startTestDynamo, type TestDynamo } from '../../support/dynalite.ts';
import { addMinutes, DEMO_OPEN_INTEREST_USD, demoFund, replaySource, testClock } from './support.ts';

const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:backstop-alerts';
const T0 = '2026-11-22T00:00:00.000Z';

describe('runPipeline', () => {
  const sns = mockClient(SNSClient);
  let dynamo: TestDynamo;
  let replay: ReplayServer;
  let config: FundConfig;
  let store: DynamoSnapshotStore;
  let notifier: SnsNotifier;
  let source: MarketSource;

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    replay = await startReplayServer();
    config = await demoFund();
    source = replaySource(replay);
    notifier = new SnsNotifier({
      topicArn: TOPIC_ARN,
      client: new SNSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
    });
  });
  afterAll(async () => {
    await replay.close();
    await dynamo.close();
  });
  beforeEach(async () => {
    store = new DynamoSnapshotStore({ tableName: await dynamo.newTable(), client: dynamo.client });
    replay.clearFaults();
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  const run = (asOf: string, runId = `run-${asOf}`) =>
    runPipeline({ config, asOf, runId, source, store, notifiers: [notifier], clock: testClock(asOf) });

  const published = () => sns.commandCalls(PublishCommand).map((c) => c.args[0].input);

  it('stores one snapshot with its step records and sends the alert the policy decided', async () => {
    const { outcome, run: stored } = await run(T0);

    expect(outcome).toMatchObject({ fundId: 'demo-perps', asOf: T0, runId: `run-${T0}`, stored: true });
    expect(outcome.snapshotKey).toBe(`FUND#demo-perps / SNAP#${T0}`);
    expect(outcome.steps.map((s) => [s.step, s.outcome])).toEqual([
      ['ingest', 'ok'],
      ['recalibrate', 'ok'],
      ['reserve', 'ok'],
      ['persist', 'ok'],
      ['alert', 'ok'],
    ]);
    const summaries = await store.summaries('demo-perps');
    expect(summaries).toEqual([
      {
        fundId: 'demo-perps',
        asOf: T0,
        runId: `run-${T0}`,
        status: outcome.status,
        fundBalanceUsd: outcome.fundBalanceUsd,
        requiredReserveUsd: outcome.requiredReserveUsd,
        coverageRatio: outcome.coverageRatio,
        openInterestUsd: DEMO_OPEN_INTEREST_USD,
      },
    ]);
    const reread = await store.get('demo-perps', T0);
    expect(reread?.result).toEqual(stored.result);
    // The trail of the stored run has all five steps, as the outcome reported them.
    expect(reread?.steps).toEqual(outcome.steps);
    expect(reread?.snapshot.model.paths).toBe(20_000);

    const decided = outcome.notifications.decided;
    expect(decided.length).toBeGreaterThanOrEqual(1);
    expect(outcome.notifications).toMatchObject({ sent: decided.length, failed: 0 });
    const coverage = decided.find((n) => n.kind === 'COVERAGE');
    expect(coverage).toMatchObject({ status: outcome.status, reason: 'status-change' });
    const [first] = published();
    const percent = (Math.floor((outcome.coverageRatio ?? 0) * 1000 + 1e-6) / 10).toFixed(1);
    expect(first).toMatchObject({
      TopicArn: TOPIC_ARN,
      MessageStructure: 'json',
      Subject: `[${outcome.status}] demo-perps insurance fund at ${percent}% of required reserve`,
      MessageAttributes: {
        fundId: { DataType: 'String', StringValue: 'demo-perps' },
        kind: { DataType: 'String', StringValue: 'COVERAGE' },
        severity: { DataType: 'String', StringValue: coverage?.severity },
      },
    });
    const message = JSON.parse(first?.Message ?? '{}');
    expect(message.email).toContain(`FUND#demo-perps / SNAP#${T0}`);
    expect(JSON.parse(message.default)).toMatchObject({ version: '1.0', source: 'custom' });
    expect(await store.pending('demo-perps')).toEqual([]);
  });

  it('re-uses a tick that is already stored and does not alert twice', async () => {
    const first = await run(T0, 'first-delivery');
    const again = await run(T0, 'second-delivery');

    expect(again.outcome).toMatchObject({ stored: false, runId: 'first-delivery', asOf: T0 });
    expect(again.outcome.notifications).toEqual({ decided: [], sent: 0, failed: 0 });
    expect(again.outcome.steps.find((s) => s.step === 'persist')?.outcome).toBe('skipped');
    expect(again.run.result).toEqual(first.run.result);
    expect(await store.summaries('demo-perps')).toHaveLength(1);
    expect(published()).toHaveLength(first.outcome.notifications.sent);
  });

  it('lets only one of two concurrent deliveries of a tick store it, and only one decide its alerts', async () => {
    const [a, b] = await Promise.all([run(T0, 'delivery-a'), run(T0, 'delivery-b')]);

    const winner = a.outcome.stored ? a : b;
    const loser = a.outcome.stored ? b : a;
    expect([a.outcome.stored, b.outcome.stored].sort()).toEqual([false, true]);
    expect(loser.outcome.runId).toBe(winner.outcome.runId);
    expect(loser.outcome.steps.map((s) => [s.step, s.outcome])).toEqual([
      ['ingest', 'ok'],
      ['recalibrate', 'ok'],
      ['reserve', 'ok'],
      ['persist', 'skipped'],
      ['alert', 'ok'],
    ]);
    // Whichever reached the alert step first decided; the other found the tick decided.
    const decided = [...a.outcome.notifications.decided, ...b.outcome.notifications.decided];
    const status = winner.run.result.coverageStatus;
    expect(decided.map((n) => `${n.kind}:${n.status}`)).toEqual([`COVERAGE:${status}`]);
    expect(await store.summaries('demo-perps')).toHaveLength(1);
    expect(published().map((p) => p.MessageAttributes?.messageId?.StringValue)).toEqual([
      `demo-perps/${T0}/COVERAGE/${status}`,
    ]);
    expect(a.outcome.notifications.sent + b.outcome.notifications.sent).toBe(1);
  });

  it('stores a DEGRADED run and sends a DATA alert when a venue is down past the staleness limit', async () => {
    await run(T0);
    for (const path of ['/bybit/v5/market/tickers', '/bybit/v5/market/kline']) {
      replay.setFault({ path }, { status: 503 });
    }
    const later = addMinutes(T0, config.data.maxStaleMinutes + 60);
    const { outcome } = await run(later);

    expect(outcome.status).toBe('DEGRADED');
    expect(outcome.degradedMarkets).toBe(3);
    expect(outcome.steps.find((s) => s.step === 'ingest')?.outcome).toBe('degraded');
    const [latest] = await store.summaries('demo-perps', { limit: 1 });
    expect(latest).toMatchObject({ asOf: later, status: 'DEGRADED' });
    const flagged = new Set(outcome.flags.map((f) => f.marketId));
    for (const id of ['SOL-PERP-BYBIT', 'XRP-PERP-BYBIT', 'DOGE-PERP-BYBIT']) expect(flagged).toContain(id);
    expect(outcome.notifications.decided.map((n) => n.kind)).toContain('DATA');
    const data = published().find((p) => p.MessageAttributes?.kind?.StringValue === 'DATA');
    expect(data?.Subject).toMatch(/^\[DATA\] demo-perps market data degraded: \d+ flags: /);
  });

  it('keeps the snapshot when SNS fails, and the next run sends the queued alert', async () => {
    sns.on(PublishCommand).rejects(new Error('SNS is having a bad day'));
    const failed = await run(T0);

    expect(failed.outcome.stored).toBe(true);
    const queued = failed.outcome.notifications.decided.length;
    expect(queued).toBeGreaterThanOrEqual(1);
    expect(failed.outcome.notifications).toMatchObject({ sent: 0, failed: queued });
    expect(failed.outcome.steps.at(-1)).toMatchObject({ step: 'alert', outcome: 'failed' });
    expect((await store.get('demo-perps', T0))?.steps.at(-1)).toMatchObject({
      step: 'alert',
      outcome: 'failed',
      detail: `${queued} decided, 0 sent, ${queued} failed`,
    });
    expect(await store.summaries('demo-perps')).toHaveLength(1);
    const pending = await store.pending('demo-perps');
    expect(pending.map((p) => p.notification)).toEqual(failed.outcome.notifications.decided);
    const failedSubjects = published().map((p) => p.Subject);

    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm-2' });
    const next = await run(addMinutes(T0, 15));

    expect(next.outcome.notifications.failed).toBe(0);
    expect(next.outcome.notifications.sent).toBe(queued + next.outcome.notifications.decided.length);
    expect(
      published()
        .map((p) => p.Subject)
        .slice(0, queued),
    ).toEqual(failedSubjects.slice(0, queued));
    expect(await store.pending('demo-perps')).toEqual([]);
  });

  it('writes nothing when a step before persist fails', async () => {
    const broken: MarketSource = {
      collect: async () => {
        throw new Error('every venue timed out');
      },
    };
    const attempt = runPipeline({
      config,
      asOf: T0,
      runId: 'r',
      source: broken,
      store,
      notifiers: [notifier],
      clock: testClock(T0),
    });

    await expect(attempt).rejects.toThrow(PipelineStepError);
    await expect(attempt).rejects.toMatchObject({
      step: 'ingest',
      message: `ingest failed for fund demo-perps at ${T0}: every venue timed out`,
    });
    expect(await store.summaries('demo-perps')).toEqual([]);
    expect(await store.getAlertState('demo-perps')).toBeNull();
    expect(await store.pending('demo-perps')).toEqual([]);
    expect(published()).toEqual([]);
  });
});
