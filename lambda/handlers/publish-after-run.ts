/**
 * After a run, the deployed function publishes the fund's transparency site to S3. The run is stored
 * and alerted by then, so a failure here never fails the run: it is logged and counted
 * (`SitePublishFailures`, alarmed on by the stack), and the next run publishes again.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { SnapshotStore } from '../pipeline/ports.ts';
import { publishSite } from '../present/transparency/site.ts';
import type { StoredRun } from '../run/stored-run.ts';
import { S3SiteStore } from '../store/s3-site-store.ts';

/** What {@link publishAfterRun} needs. */
export interface PublishAfterRunInput {
  readonly run: StoredRun;
  readonly store: Pick<SnapshotStore, 'summaries'>;
  readonly bucket: string;
  readonly client: S3Client;
  readonly now: string;
  readonly log: { error(message: string, extra?: Record<string, unknown>): void };
}

/**
 * Publishes `run`'s site under `<fundId>/` in `bucket`; true when it was written (or the site
 * already shows a newer run), false when publishing failed.
 */
export async function publishAfterRun(input: PublishAfterRunInput): Promise<boolean> {
  try {
    await publishSite({
      run: input.run,
      store: input.store,
      site: new S3SiteStore({ bucket: input.bucket, prefix: `${input.run.fundId}/`, client: input.client }),
      now: input.now,
      history: 'previous-feed',
    });
    return true;
  } catch (error) {
    input.log.error('transparency site not published; the next run publishes again', { error });
    return false;
  }
}
