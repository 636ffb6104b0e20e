/**
 * In AWS, each run's rows also go to S3 as Parquet, partitioned the Hive way by fund and UTC date —
 * `runs/fund_id=<id>/date=<yyyy-mm-dd>/<asOf>.parquet` and the same under `markets/` — where the
 * Athena tables of the stack (lib/constructs/run-history.ts) and pandas read them. The key is the
 * run's, so a retried run rewrites the same object with the same rows: never a duplicate row.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { StoredRun } from '../run/stored-run.ts';
import { tableToParquet } from './encode-table.ts';
import { marketsTable, runsTable } from './history-tables.ts';

/** The tables and their prefixes in the history bucket. */
export const RUN_HISTORY_TABLES = ['runs', 'markets'] as const;

/** The object key of `run`'s rows of `table`. */
export function runHistoryKey(
  table: (typeof RUN_HISTORY_TABLES)[number],
  run: Pick<StoredRun, 'fundId' | 'asOf'>,
): string {
  const asOf = new Date(run.asOf).toISOString();
  return `${table}/fund_id=${run.fundId}/date=${asOf.slice(0, 10)}/${asOf.replaceAll(':', '')}.parquet`;
}

/** What {@link exportRunToS3} needs. */
export interface RunExportInput {
  readonly run: StoredRun;
  readonly bucket: string;
  readonly client: S3Client;
}

/** Writes `run`'s runs row and its markets rows; returns the keys written. */
export async function exportRunToS3(input: RunExportInput): Promise<string[]> {
  const { run, bucket, client } = input;
  const tables = { runs: runsTable([run]), markets: marketsTable([run]) };
  const keys: string[] = [];
  for (const name of RUN_HISTORY_TABLES) {
    const key = runHistoryKey(name, run);
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: tableToParquet(tables[name]),
        ContentType: 'application/vnd.apache.parquet',
      }),
    );
    keys.push(key);
  }
  return keys;
}
