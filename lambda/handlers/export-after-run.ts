/**
 * After a run, the deployed function appends its rows to the Parquet history in S3. Like the site,
 * it never fails the run: a failure is logged and counted (`HistoryExportFailures`), and the run
 * stays in the table, from which `backstop export` can always rebuild the files.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { exportRunToS3 } from '../export/s3-run-export.ts';
import type { StoredRun } from '../run/stored-run.ts';

/** What {@link exportAfterRun} needs. */
export interface ExportAfterRunInput {
  readonly run: StoredRun;
  readonly bucket: string;
  readonly client: S3Client;
  readonly log: { error(message: string, extra?: Record<string, unknown>): void };
}

/** Exports `run`'s rows; true when written, false when the export failed (logged). */
export async function exportAfterRun(input: ExportAfterRunInput): Promise<boolean> {
  try {
    await exportRunToS3(input);
    return true;
  } catch (error) {
    input.log.error('run history not exported to S3; the table keeps the run', { error });
    return false;
  }
}
