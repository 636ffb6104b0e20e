/**
 * The GROWTH alert through the real alert step and store (dynalite): the stored runs carry their
 * open interest, and the step reads only the reference day of the 30-day window and the drawdown
 * window — never the whole month of runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideAlerts } from '../../../lambda/pipeline/alert-step.ts';
import type { SnapshotStore } from '../../../lambda/pipeline/ports.ts';
import { DynamoSnapshotStore } from '../../../lambda/store/dynamo-snapshot-store.ts';
import { startTestDynamo, type TestDynamo } from '../../support/dynalite.ts';
import { demoFund } from '../pipeline/support.ts';
import { storedRun } from '../store/run-fixtures.ts';

const DAY_MS = 86_400_000;
const T0 = Date.parse('2026-10-01T00:00:00.000Z');
const day = (d: number): string => new Date(T0 + d * DAY_MS).toISOString();

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

describe('decideAlerts: GROWTH', () => {
  it('alerts when fund / OI fell 25% over 30 days at coverage 150%, reading two narrow ranges', async () => {
    const real = new DynamoSnapshotStore({ tableName: await dynamo.newTable(), client: dynamo.client });
    const queries: { from?: string | undefined; to?: string | undefined }[] = [];
    const store: SnapshotStore = {
      ...real,
      summaries: (fundId, query = {}) => {
        queries.push({ from: query.from, to: query.to });
        return real.summaries(fundId, query);
      },
    };
    // Same book (the fixture's open interest) every time; the balance falls from 4e8 to 3e8 against
    // a requirement of 2e8: fund / OI is down 25%, coverage is still 150%.
    for (const [d, balance] of [
      [0, 4e8],
      [10, 5e8],
      [30, 3e8],
    ] as const) {
      await real.putRun(storedRun({ asOf: day(d), balance }));
    }
    const run = await real.get('demo-perps', day(30));
    if (run === null) throw new Error('run not stored');

    const { decided } = await decideAlerts({
      config: await demoFund(),
      run,
      store,
      channels: ['sns'],
      now: day(30),
    });

    expect(decided.map((n) => [n.kind, n.status, n.severity, n.reason])).toEqual([
      ['GROWTH', 'OK', 'WARN', 'growth'],
    ]);
    expect(decided[0]?.headline).toMatch(
      /^demo-perps fund\/OI fell 25\.0% in 30 days \(.+\), coverage still 150.0%$/,
    );
    expect(queries).toEqual([
      // The runs still to decide (none before this one within the resume window)…
      { from: new Date(T0 + 30 * DAY_MS - 24 * 3_600_000).toISOString(), to: day(30) },
      // …the GROWTH reference day and the drawdown window…
      { from: day(0), to: day(1) },
      { from: new Date(T0 + 30 * DAY_MS - 8 * 3_600_000).toISOString(), to: day(30) },
      // …and the previous run, for "what changed" in the outbox item.
      { from: undefined, to: new Date(T0 + 30 * DAY_MS - 1).toISOString() },
    ]);
  });
});
