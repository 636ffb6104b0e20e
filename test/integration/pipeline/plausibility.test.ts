/**
 * Finding 1 of the reliability sweep: a venue answering BTCUSDT open interest at 12% of the truth
 * (or 0) lowered the required reserve with no flag, no DEGRADED and no DATA alert — on a first run
 * and after a good run. The recorded fixtures are copied and that one answer replaced, then the real
 * pipeline runs against the replay server.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FundConfig } from '../../../lambda/config/fund-config.ts';
import { type ReplayServer, startReplayServer } from '../../../lambda/ingest/replay/replay-server.ts';
import type { Notifier } from '../../../lambda/pipeline/ports.ts';
import { runPipeline } from '../../../lambda/pipeline/run-pipeline.ts';
import { DynamoSnapshotStore } from '../../../lambda/store/dynamo-snapshot-store.ts';
import { startTestDynamo, type TestDynamo } from '../../support/dynalite.ts';
import { addMinutes, demoFund, REPO_ROOT, replaySource, testClock } from './support.ts';

const T0 = '2026-11-22T00:00:00.000Z';
const OI_FILE = 'binance/fapi/v1/openInterest/symbol=BTCUSDT.json';

describe('open-interest plausibility through the pipeline', () => {
  let dynamo: TestDynamo;
  let truth: ReplayServer;
  let fixtures: string;
  let config: FundConfig;
  let store: DynamoSnapshotStore;
  let sent: string[];
  const notifier: Notifier = { channel: 'sns', publish: async (item) => void sent.push(item.messageId) };

  /** A replay server whose BTCUSDT open interest is `share` of the recorded one. */
  async function scaledOi(share: number): Promise<ReplayServer> {
    const original = JSON.parse(readFileSync(resolve(REPO_ROOT, 'fixtures/venues', OI_FILE), 'utf8'));
    const scaled = { ...original, openInterest: String(Number(original.openInterest) * share) };
    writeFileSync(join(fixtures, OI_FILE), JSON.stringify(scaled));
    return startReplayServer({ fixturesDir: fixtures });
  }

  const run = (replay: ReplayServer, asOf: string) =>
    runPipeline({
      config,
      asOf,
      runId: `run-${asOf}`,
      source: replaySource(replay),
      store,
      notifiers: [notifier],
      clock: testClock(asOf),
    });

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    truth = await startReplayServer();
    fixtures = mkdtempSync(join(tmpdir(), 'backstop-fixtures-'));
    cpSync(resolve(REPO_ROOT, 'fixtures/venues'), fixtures, { recursive: true });
    const demo = await demoFund();
    // A fixed seed: two runs of the same inputs at different times give the same reserve.
    config = { ...demo, model: { ...demo.model, seed: 42 } };
  });
  afterAll(async () => {
    await truth.close();
    await dynamo.close();
    rmSync(fixtures, { recursive: true, force: true });
  });
  beforeEach(async () => {
    store = new DynamoSnapshotStore({ tableName: await dynamo.newTable(), client: dynamo.client });
    sent = [];
  });

  it('flags a first run whose OI is 12% of the truth, goes DEGRADED and sends a DATA alert', async () => {
    const bad = await scaledOi(0.12);
    try {
      const { outcome, run: stored } = await run(bad, T0);

      expect(outcome.status).toBe('DEGRADED');
      const flag = outcome.flags.find((f) => f.marketId === 'BTC-PERP-BINANCE');
      expect(flag?.code).toBe('OI_IMPLAUSIBLE');
      const btc = stored.snapshot.markets.find((m) => m.id === 'BTC-PERP-BINANCE');
      // Raised to 0.1 x the 24h volume, the venue's own answer kept in the provenance.
      expect(btc?.openInterestUsd).toBeCloseTo(0.1 * (btc?.dailyVolumeUsd ?? 0), 0);
      expect((btc?.provenance as { venueOiUsd?: number } | undefined)?.venueOiUsd).toBeCloseTo(
        0.12 * 8.285e9,
        -7,
      );
      expect(outcome.notifications.decided.map((n) => n.kind)).toContain('DATA');
      expect(sent).toContain(`demo-perps/${T0}/DATA/DEGRADED`);
    } finally {
      await bad.close();
    }
  });

  it('flags a first run whose OI is 0 the same way', async () => {
    const zero = await scaledOi(0);
    try {
      const { outcome } = await run(zero, T0);
      expect(outcome.status).toBe('DEGRADED');
      expect(outcome.flags.filter((f) => f.code === 'OI_IMPLAUSIBLE').map((f) => f.marketId)).toEqual([
        'BTC-PERP-BINANCE',
      ]);
    } finally {
      await zero.close();
    }
  });

  it('holds the last OI after a good run, so the reserve does not fall, until a second run confirms the drop', async () => {
    const good = await run(truth, T0);
    const bad = await scaledOi(0.12);
    try {
      const held = await run(bad, addMinutes(T0, 15));

      expect(held.outcome.status).toBe('DEGRADED');
      const oiOf = (r: typeof good) =>
        r.run.snapshot.markets.find((m) => m.id === 'BTC-PERP-BINANCE')?.openInterestUsd;
      expect(oiOf(held)).toBe(oiOf(good));
      // The same reserve up to the other inputs' drift between the two times (under 0.01%).
      expect(held.outcome.requiredReserveUsd / good.outcome.requiredReserveUsd).toBeCloseTo(1, 4);
      expect(held.outcome.flags.filter((f) => f.marketId === 'BTC-PERP-BINANCE').map((f) => f.code)).toEqual([
        'OI_IMPLAUSIBLE',
        'OI_DROP_HELD',
      ]);

      // The same answer again: the drop is confirmed, but the volume bound still holds OI up.
      const second = await run(bad, addMinutes(T0, 30));
      const codes = second.outcome.flags.filter((f) => f.marketId === 'BTC-PERP-BINANCE').map((f) => f.code);
      expect(codes).toEqual(['OI_IMPLAUSIBLE', 'OI_DROP_CONFIRMED']);
      expect(second.outcome.status).toBe('DEGRADED');
      expect(second.outcome.requiredReserveUsd).toBeLessThan(good.outcome.requiredReserveUsd);
    } finally {
      await bad.close();
    }
  });
});
