/**
 * The transparency site of one fund — `index.html` and `feed.json` — and how it is published: from
 * the latest stored run and a year of daily history, to any place that stores files (a local folder
 * for `backstop publish`, an S3 bucket behind CloudFront for the deployed function).
 */
import type { SnapshotStore } from '../../pipeline/ports.ts';
import type { StoredRun } from '../../run/stored-run.ts';
import { buildFeed, dailyHistory, FEED_HISTORY_DAYS, historyPoint, runHistoryPoint } from './feed.ts';
import { type TransparencyFeed, TransparencyFeedSchema } from './feed-schema.ts';
import { FEED_FILE, renderTransparencyPage } from './page.ts';

/** The page's file name. */
export const PAGE_FILE = 'index.html';

/** One file of the site. */
export interface SiteFile {
  /** Relative to the fund's site root: `index.html`, `feed.json`. */
  readonly path: string;
  readonly body: string;
  readonly contentType: string;
}

/** Where a fund's site lives: reads back what it wrote, writes files. */
export interface SiteStore {
  /** The file's text, or null when it does not exist. */
  read(path: string): Promise<string | null>;
  write(files: readonly SiteFile[]): Promise<void>;
}

/** The two files of a feed's site. */
export function siteFiles(feed: TransparencyFeed): SiteFile[] {
  return [
    {
      path: FEED_FILE,
      body: `${JSON.stringify(feed, null, 2)}\n`,
      contentType: 'application/json; charset=utf-8',
    },
    { path: PAGE_FILE, body: renderTransparencyPage(feed), contentType: 'text/html; charset=utf-8' },
  ];
}

/** What {@link publishSite} needs. */
export interface PublishSiteInput {
  /** The run to publish (the fund's latest). */
  readonly run: StoredRun;
  readonly store: Pick<SnapshotStore, 'summaries'>;
  readonly site: SiteStore;
  /** ISO time the site is written. */
  readonly now: string;
  /**
   * Where the history comes from: `previous-feed` — the site's own feed plus this run (one read per
   * run; the store is read only when there is no valid previous feed), or `store` — a year of
   * stored runs.
   */
  readonly history: 'previous-feed' | 'store';
}

/**
 * Publishes the site of `run`'s fund and returns the feed it shows. A site that already shows a newer
 * run (ticks delivered out of order) is left as it is and its feed returned.
 *
 * @example
 * await publishSite({ run, store, site: new S3SiteStore({ bucket, prefix, client }), now, history: 'previous-feed' });
 */
export async function publishSite(input: PublishSiteInput): Promise<TransparencyFeed> {
  const { run } = input;
  const previous = input.history === 'previous-feed' ? await previousFeed(input.site, run.fundId) : null;
  if (previous !== null && Date.parse(previous.lastRunAt) > Date.parse(run.asOf)) return previous;
  const points =
    previous?.history ??
    (
      await input.store.summaries(run.fundId, {
        from: new Date(Date.parse(run.asOf) - FEED_HISTORY_DAYS * 86_400_000).toISOString(),
        to: run.asOf,
      })
    ).map(historyPoint);
  const feed = buildFeed(run, dailyHistory([...points, runHistoryPoint(run)], run.asOf), input.now);
  await input.site.write(siteFiles(feed));
  return feed;
}

/** The site's current feed, or null when it is absent, invalid or another fund's. */
async function previousFeed(site: SiteStore, fundId: string): Promise<TransparencyFeed | null> {
  const text = await site.read(FEED_FILE);
  if (text === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = TransparencyFeedSchema.safeParse(json);
  return parsed.success && parsed.data.fundId === fundId ? parsed.data : null;
}
