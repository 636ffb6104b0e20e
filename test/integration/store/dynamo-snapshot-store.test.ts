import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../lambda/model/validation.ts';
import type { AlertState } from '../../../lambda/run/alert-state.ts';
import {
  bodyDigest,
  compressJson,
  INLINE_BODY_MAX_BYTES,
  PART_BYTES,
} from '../../../lambda/store/body-codec.ts';
import { DynamoSnapshotStore, MAX_ITEM_BYTES } from '../../../lambda/store/dynamo-snapshot-store.ts';
import { CorruptItemError, StoreOptionsError } from '../../../lambda/store/errors.ts';
import { itemSizeBytes } from '../../../lambda/store/item-size.ts';
import { startTestDynamo, type TestDynamo } from '../../support/dynalite.ts';
import { quarterHours, storedRun } from './run-fixtures.ts';

let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

async function freshStore(): Promise<DynamoSnapshotStore> {
  return new DynamoSnapshotStore({ tableName: await dynamo.newTable(), client: dynamo.client });
}

/** Every item of a fund's partition, read raw (as the DocumentClient returns them). */
async function partition(store: DynamoSnapshotStore, fundId: string): Promise<Record<string, unknown>[]> {
  const doc = DynamoDBDocumentClient.from(dynamo.client);
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(
      new QueryCommand({
        TableName: store.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `FUND#${fundId}` },
        ...(start === undefined ? {} : { ExclusiveStartKey: start }),
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}

describe('DynamoSnapshotStore options', () => {
  it('rejects a bad table name, showing it', () => {
    expect(() => new DynamoSnapshotStore({ tableName: 'x' })).toThrow(StoreOptionsError);
    expect(() => new DynamoSnapshotStore({ tableName: 'x' })).toThrow(
      'DynamoSnapshotStore: tableName: expected 3-255 characters of a-z A-Z 0-9 _ . -, got "x"',
    );
  });

  it('rejects a client together with clientConfig', () => {
    expect(
      () =>
        new DynamoSnapshotStore({ tableName: 'backstop', client: new DynamoDBClient({}), clientConfig: {} }),
    ).toThrow('clientConfig: give either client or clientConfig, not both');
  });
});

describe('DynamoSnapshotStore runs', () => {
  it('stores a run once: a second put of the same fund + asOf reports stored:false and changes nothing', async () => {
    const store = await freshStore();
    const first = storedRun({ runId: 'first' });
    const retry = storedRun({ runId: 'retry', balance: 1.9e8 });

    expect(await store.putRun(first)).toEqual({ stored: true });
    expect(await store.putRun(retry)).toEqual({ stored: false });
    // The same instant spelled without milliseconds is the same run.
    expect(await store.putRun({ ...retry, asOf: '2026-11-22T04:00:00Z' })).toEqual({ stored: false });

    const got = await store.get('demo-perps', '2026-11-22T04:00:00Z');
    expect(got).toEqual(first);
    expect(await store.get('demo-perps', '2026-11-22T05:00:00+01:00')).toEqual(first);
    expect(got?.result.fundBalanceUsd).toBe(1.44e8);
    expect(await partition(store, 'demo-perps')).toHaveLength(1);
  });

  it('records the steps that finish after the put without touching the stored run, and never creates one', async () => {
    const store = await freshStore();
    const run = storedRun({ runId: 'first' });
    expect(await store.putRun(run)).toEqual({ stored: true });
    const bodyBefore = (await partition(store, 'demo-perps'))[0]?.body;
    const completed = [
      { step: 'persist', ms: 12, outcome: 'ok' },
      { step: 'alert', ms: 40, outcome: 'failed', detail: '1 decided, 0 sent, 1 failed' },
    ] as const;

    await store.recordCompletion('demo-perps', run.asOf, completed);
    await store.recordCompletion('demo-perps', '2026-11-22T09:00:00Z', completed);

    const got = await store.get('demo-perps', run.asOf);
    expect(got).toEqual({ ...run, steps: [...run.steps, ...completed] });
    const items = await partition(store, 'demo-perps');
    expect(items).toHaveLength(1);
    expect(items[0]?.body).toEqual(bodyBefore);
  });

  it('returns null for a missing run and an empty fund', async () => {
    const store = await freshStore();
    expect(await store.get('demo-perps', '2026-11-22T04:00:00Z')).toBeNull();
    expect(await store.latest('demo-perps')).toBeNull();
    expect(await store.history('demo-perps')).toEqual({ runs: [] });
  });

  it('keeps plain summary attributes and the retention attribute on the item', async () => {
    const store = await freshStore();
    await store.putRun(storedRun({ expiresAt: 1_800_000_000 }));
    const [item] = await partition(store, 'demo-perps');
    expect(item).toMatchObject({
      pk: 'FUND#demo-perps',
      sk: 'SNAP#2026-11-22T04:00:00.000Z',
      format: 1,
      status: 'BREACH',
      coverageStatus: 'BREACH',
      coverageRatio: 0.72,
      fundBalanceUsd: 1.44e8,
      requiredReserveUsd: 2e8,
      runId: 'run-2026-11-22T04:00:00.000Z',
      modelVersion: '1.0.0',
      marketCount: 3,
      flagCount: 1,
      bodyParts: 0,
      expiresAt: 1_800_000_000,
    });
    expect(item?.body).toBeInstanceOf(Uint8Array);
    expect((await store.latest('demo-perps'))?.expiresAt).toBe(1_800_000_000);
  });

  it('lists newest first, pages with a cursor, filters by [from, to] and ignores other item kinds', async () => {
    const store = await freshStore();
    const times = quarterHours('2026-11-22T00:00:00.000Z', 5);
    // Insert out of order, next to alert state, outbox and another fund's runs.
    for (const i of [2, 0, 4, 1, 3])
      await store.putRun(storedRun({ asOf: times[i] as string, runId: `r${i}` }));
    await store.putRun(storedRun({ fundId: 'other-fund', asOf: '2026-11-22T05:00:00.000Z' }));
    await store.putAlertState({
      fundId: 'demo-perps',
      status: 'OK',
      since: times[0] as string,
      lastNotified: {},
      version: 1,
    });

    expect((await store.latest('demo-perps'))?.runId).toBe('r4');

    const page1 = await store.history('demo-perps', { limit: 2 });
    const page2 = await store.history('demo-perps', { limit: 2, cursor: page1.cursor as string });
    const page3 = await store.history('demo-perps', { limit: 2, cursor: page2.cursor as string });
    expect(page1.runs.map((r) => r.runId)).toEqual(['r4', 'r3']);
    expect(page2.runs.map((r) => r.runId)).toEqual(['r2', 'r1']);
    expect(page3.runs.map((r) => r.runId)).toEqual(['r0']);
    expect(page3.cursor).toBeUndefined();

    const window = await store.history('demo-perps', {
      from: times[1] as string,
      to: '2026-11-22T00:30:00Z',
    });
    expect(window.runs.map((r) => r.runId)).toEqual(['r2', 'r1']);

    const summaries = await store.summaries('demo-perps', { from: times[3] as string });
    // The total open interest of the run (one side), for the fund / OI chart and the GROWTH alert.
    const openInterestUsd = storedRun().snapshot.markets.reduce((sum, m) => sum + m.openInterestUsd, 0);
    expect(summaries).toEqual([
      {
        fundId: 'demo-perps',
        asOf: times[4],
        runId: 'r4',
        status: 'BREACH',
        fundBalanceUsd: 1.44e8,
        requiredReserveUsd: 2e8,
        coverageRatio: 0.72,
        openInterestUsd,
      },
      {
        fundId: 'demo-perps',
        asOf: times[3],
        runId: 'r3',
        status: 'BREACH',
        fundBalanceUsd: 1.44e8,
        requiredReserveUsd: 2e8,
        coverageRatio: 0.72,
        openInterestUsd,
      },
    ]);
    expect((await store.summaries('demo-perps', { limit: 3 })).map((s) => s.runId)).toEqual([
      'r4',
      'r3',
      'r2',
    ]);
  });

  it('keeps an unknown balance as null in summaries', async () => {
    const store = await freshStore();
    await store.putRun(storedRun({ balance: null }));
    const [summary] = await store.summaries('demo-perps');
    expect(summary).toMatchObject({ status: 'UNKNOWN', fundBalanceUsd: null, coverageRatio: null });
  });

  it('rejects a foreign cursor, a bad limit and a bad timestamp with one clear line', async () => {
    const store = await freshStore();
    const foreign = Buffer.from(JSON.stringify({ pk: 'FUND#other', sk: 'SNAP#x' })).toString('base64url');
    await expect(store.history('demo-perps', { cursor: foreign })).rejects.toThrow(
      `cursor: not a history cursor of FUND#demo-perps, got "${foreign}"`,
    );
    await expect(store.history('demo-perps', { limit: 0 })).rejects.toThrow(
      'limit: expected an integer from 1 to 1000, got 0',
    );
    await expect(store.get('demo-perps', 'yesterday')).rejects.toThrow(InvalidInputError);
    await expect(store.get('demo-perps', 'yesterday')).rejects.toThrow(
      'asOf: expected an ISO-8601 timestamp, got "yesterday"',
    );
  });
});

describe('DynamoSnapshotStore large runs', () => {
  it('measures item size as the server does: dynalite rejects one byte over 400 KB', async () => {
    const tableName = await dynamo.newTable();
    const doc = DynamoDBDocumentClient.from(dynamo.client);
    const keys = { pk: 'FUND#demo-perps', sk: 'PART#size-probe' };
    const overhead = itemSizeBytes({ ...keys, body: new Uint8Array(0) });
    const fits = { ...keys, body: new Uint8Array(MAX_ITEM_BYTES - overhead) };
    const over = { ...keys, body: new Uint8Array(MAX_ITEM_BYTES - overhead + 1) };
    expect(itemSizeBytes(fits)).toBe(MAX_ITEM_BYTES);

    await doc.send(new PutCommand({ TableName: tableName, Item: fits }));
    await expect(doc.send(new PutCommand({ TableName: tableName, Item: over }))).rejects.toThrow(
      /Item size has exceeded the maximum allowed size/,
    );
  });

  it('round-trips a 500-market run with every item under 400 KB', async () => {
    const store = await freshStore();
    const run = storedRun({ markets: 500 });
    const body = compressJson({
      snapshot: run.snapshot,
      result: run.result,
      observations: run.observations,
      flags: run.flags,
      steps: run.steps,
    });
    const expectedParts = Math.ceil(body.byteLength / PART_BYTES);
    // A real 500×500 correlation of doubles does not fit one item even gzipped.
    expect(body.byteLength).toBeGreaterThan(INLINE_BODY_MAX_BYTES);

    expect(await store.putRun(run)).toEqual({ stored: true });
    expect(await store.get('demo-perps', run.asOf)).toEqual(run);
    expect(await store.latest('demo-perps')).toEqual(run);

    const items = await partition(store, 'demo-perps');
    const sizes = items.map(itemSizeBytes);
    expect(items).toHaveLength(1 + expectedParts);
    for (const size of sizes) expect(size).toBeLessThan(MAX_ITEM_BYTES);
    const main = items.find((i) => String(i.sk).startsWith('SNAP#'));
    expect(main).toMatchObject({
      bodyParts: expectedParts,
      bodyBytes: body.byteLength,
      bodyDigest: bodyDigest(body),
    });
    expect(main?.body).toBeUndefined();
    console.info(
      `500-market run: body ${body.byteLength} B gzipped in ${expectedParts} parts; item sizes ${sizes.join(', ')} B`,
    );
  });

  it('a retried large run that loses the put removes its own parts and keeps the stored ones', async () => {
    const store = await freshStore();
    await store.putRun(storedRun({ markets: 500, runId: 'first' }));
    const before = (await partition(store, 'demo-perps')).length;

    expect(await store.putRun(storedRun({ markets: 500, runId: 'retry', balance: 1.9e8 }))).toEqual({
      stored: false,
    });

    expect(await partition(store, 'demo-perps')).toHaveLength(before);
    expect((await store.latest('demo-perps'))?.runId).toBe('first');
  });

  it('refuses to decode a run whose part is missing', async () => {
    const store = await freshStore();
    await store.putRun(storedRun({ markets: 500 }));
    const part = (await partition(store, 'demo-perps')).find((i) => String(i.sk).startsWith('PART#'));
    await dynamo.client.send(
      new DeleteItemCommand({
        TableName: store.tableName,
        Key: { pk: { S: 'FUND#demo-perps' }, sk: { S: String(part?.sk) } },
      }),
    );
    await expect(store.latest('demo-perps')).rejects.toThrow(CorruptItemError);
  });
});

describe('DynamoSnapshotStore alert state', () => {
  const state = (version: number, status: AlertState['status']): AlertState => ({
    fundId: 'demo-perps',
    status,
    coverageStatus: status,
    since: '2026-11-22T04:00:00.000Z',
    lastNotified: { 'COVERAGE:WARN': '2026-11-22T04:00:00.000Z' },
    version,
  });

  it('lets exactly one of two concurrent writers win; the loser re-reads and retries on top', async () => {
    const tableName = await dynamo.newTable();
    // Two processes: two stores, two SDK clients.
    const a = new DynamoSnapshotStore({ tableName, clientConfig: dynamo.clientConfig });
    const b = new DynamoSnapshotStore({ tableName, clientConfig: dynamo.clientConfig });

    const created = await Promise.all([
      a.putAlertState(state(1, 'WARN')),
      b.putAlertState(state(1, 'BREACH')),
    ]);
    expect(created.filter((r) => r.won)).toHaveLength(1);

    const seenByA = await a.getAlertState('demo-perps');
    const seenByB = await b.getAlertState('demo-perps');
    expect(seenByA?.version).toBe(1);
    const raced = await Promise.all([a.putAlertState(state(2, 'OK')), b.putAlertState(state(2, 'BREACH'))]);
    expect(raced.map((r) => r.won).sort()).toEqual([false, true]);

    const loser = raced[0]?.won ? b : a;
    const reread = await loser.getAlertState('demo-perps');
    expect(reread?.version).toBe(2);
    expect(
      await loser.putAlertState({ ...state(3, 'WARN'), lastNotified: { 'COVERAGE:WARN': 'x' } }),
    ).toEqual({
      won: true,
    });
    expect(await a.getAlertState('demo-perps')).toEqual({
      ...state(3, 'WARN'),
      lastNotified: { 'COVERAGE:WARN': 'x' },
    });
    expect(seenByB).toEqual(seenByA);
  });

  it('rejects a stale version and a version below 1', async () => {
    const store = await freshStore();
    await store.putAlertState(state(1, 'OK'));
    await store.putAlertState(state(2, 'WARN'));
    expect(await store.putAlertState(state(2, 'BREACH'))).toEqual({ won: false });
    expect(await store.putAlertState(state(1, 'BREACH'))).toEqual({ won: false });
    await expect(store.putAlertState(state(0, 'OK'))).rejects.toThrow(
      'alertState.version: expected an integer >= 1, got 0',
    );
    expect((await store.getAlertState('demo-perps'))?.status).toBe('WARN');
  });
});

describe('embedded store persistence', () => {
  it('keeps runs and alert state across a restart of dynalite with a path', async () => {
    const { startEmbeddedDynamo, localClientConfig } = await import(
      '../../../lambda/store/embedded-dynamo.ts'
    );
    const { ensureTable } = await import('../../../lambda/store/table-schema.ts');
    const folder = mkdtempSync(join(tmpdir(), 'backstop-dynamo-'));
    try {
      const run = storedRun();
      const first = await startEmbeddedDynamo({ path: folder });
      const client1 = new DynamoDBClient(localClientConfig(first.endpoint));
      await ensureTable(client1, 'backstop');
      const store1 = new DynamoSnapshotStore({ tableName: 'backstop', client: client1 });
      await store1.putRun(run);
      await store1.putAlertState({
        fundId: 'demo-perps',
        status: 'WARN',
        since: run.asOf,
        lastNotified: {},
        version: 1,
      });
      client1.destroy();
      await first.close();

      const second = await startEmbeddedDynamo({ path: folder });
      const client2 = new DynamoDBClient(localClientConfig(second.endpoint));
      await ensureTable(client2, 'backstop');
      const store2 = new DynamoSnapshotStore({ tableName: 'backstop', client: client2 });
      expect(await store2.latest('demo-perps')).toEqual(run);
      expect((await store2.getAlertState('demo-perps'))?.status).toBe('WARN');
      expect(await store2.putRun(run)).toEqual({ stored: false });
      client2.destroy();
      await second.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refuses a second holder of the same folder with a clear error, and frees it on close', async () => {
    const { startEmbeddedDynamo, EmbeddedStoreBusyError } = await import(
      '../../../lambda/store/embedded-dynamo.ts'
    );
    const folder = mkdtempSync(join(tmpdir(), 'backstop-dynamo-'));
    try {
      const holder = await startEmbeddedDynamo({ path: folder });
      await expect(startEmbeddedDynamo({ path: folder })).rejects.toThrow(EmbeddedStoreBusyError);
      await expect(startEmbeddedDynamo({ path: folder })).rejects.toThrow(
        new RegExp(
          `^embedded store ${folder} is in use by process ${process.pid} since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z; wait for it to finish or stop it$`,
        ),
      );
      await holder.close();

      // A lock left by a dead process is taken over.
      writeFileSync(join(folder, 'backstop.pid'), '999999999');
      const next = await startEmbeddedDynamo({ path: folder });
      await next.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
