/**
 * Each run's rows in S3 as Parquet (the optional AWS history of docs/EXPORT.md): the real S3Client
 * against a local S3 on 127.0.0.1, the files read back with hyparquet. The keys are Hive partitions
 * the Athena tables project; a retried run rewrites the same keys.
 */
import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { marketsTable, runsTable, type Table } from '../../../lambda/export/history-tables.ts';
import { exportRunToS3, runHistoryKey } from '../../../lambda/export/s3-run-export.ts';
import { startTestS3, type TestS3 } from '../../support/s3-server.ts';
import { storedRun } from '../store/run-fixtures.ts';

const BUCKET = 'backstop-test-history';

/** The table's rows as hyparquet reads them back (timestamps as Dates). */
function expectedObjects(table: Table): Record<string, unknown>[] {
  return table.rows.map((row) =>
    Object.fromEntries(
      table.columns.map((c, k) => {
        const cell = row[k] ?? null;
        return [c.name, c.type === 'timestamp' && typeof cell === 'string' ? new Date(cell) : cell];
      }),
    ),
  );
}

async function read(s3: TestS3, key: string): Promise<Record<string, unknown>[]> {
  const bytes = s3.object(BUCKET, key)?.bytes;
  if (bytes === undefined) throw new Error(`no object ${key}`);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return (await parquetReadObjects({ file })) as Record<string, unknown>[];
}

describe('run history in S3', () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startTestS3();
  });
  afterAll(() => s3.close());

  it('names the objects by table, fund and UTC date, the time without colons', () => {
    expect(runHistoryKey('runs', { fundId: 'demo-perps', asOf: '2026-11-22T04:15:00Z' })).toBe(
      'runs/fund_id=demo-perps/date=2026-11-22/2026-11-22T041500.000Z.parquet',
    );
    expect(runHistoryKey('markets', { fundId: 'demo-perps', asOf: '2026-11-22T23:59:59.999+00:00' })).toBe(
      'markets/fund_id=demo-perps/date=2026-11-22/2026-11-22T235959.999Z.parquet',
    );
  });

  it('writes the run row and the market rows as Parquet, and the same objects again on a retry', async () => {
    const run = storedRun({ asOf: '2026-11-22T04:00:00.000Z' });
    const keys = await exportRunToS3({ run, bucket: BUCKET, client: s3.client });

    expect(keys).toEqual([
      'runs/fund_id=demo-perps/date=2026-11-22/2026-11-22T040000.000Z.parquet',
      'markets/fund_id=demo-perps/date=2026-11-22/2026-11-22T040000.000Z.parquet',
    ]);
    const [runsKey = '', marketsKey = ''] = keys;
    expect(s3.object(BUCKET, runsKey)?.contentType).toBe('application/vnd.apache.parquet');
    expect(await read(s3, runsKey)).toEqual(expectedObjects(runsTable([run])));
    const markets = await read(s3, marketsKey);
    expect(markets).toEqual(expectedObjects(marketsTable([run])));
    expect(markets).toHaveLength(run.snapshot.markets.length);

    const before = s3.requests.length;
    await exportRunToS3({ run, bucket: BUCKET, client: s3.client });
    expect(s3.requests.slice(before)).toEqual([`PUT /${BUCKET}/${runsKey}`, `PUT /${BUCKET}/${marketsKey}`]);
    expect(await read(s3, runsKey)).toEqual(expectedObjects(runsTable([run])));
  });
});
