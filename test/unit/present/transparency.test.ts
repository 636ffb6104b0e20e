import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeReserve } from '../../../lambda/model/reserve.ts';
import { validateSnapshot } from '../../../lambda/model/validate-snapshot.ts';
import { renderHtmlReport } from '../../../lambda/present/html-report.ts';
import { lineChart } from '../../../lambda/present/svg-charts.ts';
import {
  buildFeed,
  dailyHistory,
  historyPoint,
  reverseStressText,
  runHistoryPoint,
} from '../../../lambda/present/transparency/feed.ts';
import {
  type FeedHistoryPoint,
  TransparencyFeedSchema,
} from '../../../lambda/present/transparency/feed-schema.ts';
import { renderTransparencyPage } from '../../../lambda/present/transparency/page.ts';
import { publishSite, type SiteFile, type SiteStore } from '../../../lambda/present/transparency/site.ts';
import type { RunSummary, StoredRun } from '../../../lambda/run/stored-run.ts';

const example = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../../config/examples/snapshot.json'), 'utf8'),
);
example.model.paths = 2_000;
const { snapshot } = validateSnapshot(example, 'example');
const result = computeReserve(snapshot);
const run: StoredRun = {
  fundId: snapshot.fundId,
  asOf: snapshot.asOf,
  runId: 'run-secret-1',
  modelVersion: result.modelVersion,
  snapshot,
  result,
  observations: [],
  flags: [],
  steps: [],
};
const openInterest = snapshot.markets.reduce((s, m) => s + m.openInterestUsd, 0);
const summary = (asOf: string, fundBalanceUsd: number, openInterestUsd?: number): RunSummary => ({
  fundId: snapshot.fundId,
  asOf,
  runId: `run-${asOf}`,
  status: 'OK',
  fundBalanceUsd,
  requiredReserveUsd: 2e8,
  coverageRatio: fundBalanceUsd / 2e8,
  ...(openInterestUsd === undefined ? {} : { openInterestUsd }),
});

describe('dailyHistory', () => {
  it('keeps the last run of each UTC day within the year up to asOf, oldest first', () => {
    const points = [
      summary('2026-11-22T03:00:00Z', 3e8, 6e9),
      summary('2026-11-21T23:45:00Z', 2e8, 5e9),
      summary('2026-11-21T08:00:00Z', 1e8, 4e9),
      summary('2025-11-21T00:00:00Z', 1e8, 4e9), // more than 365 days before
      summary('2026-11-23T00:00:00Z', 1e8, 4e9), // after asOf
    ].map(historyPoint);
    expect(dailyHistory(points, '2026-11-22T04:00:00Z').map((p) => [p.asOf, p.fundToOpenInterest])).toEqual([
      ['2026-11-21T23:45:00.000Z', 0.04],
      ['2026-11-22T03:00:00.000Z', 0.05],
    ]);
  });

  it('has no fund / OI for runs stored before open interest was recorded', () => {
    expect(historyPoint(summary('2026-11-22T03:00:00Z', 3e8))).toMatchObject({
      openInterestUsd: null,
      fundToOpenInterest: null,
    });
  });
});

describe('buildFeed', () => {
  const feed = buildFeed(run, [runHistoryPoint(run)], '2026-11-22T05:00:00.000Z');

  it('copies the run’s public facts and passes its strict schema', () => {
    expect(feed).toMatchObject({
      feedVersion: 1,
      fundId: snapshot.fundId,
      lastRunAt: new Date(snapshot.asOf).toISOString(),
      fundBalanceUsd: snapshot.fundBalanceUsd,
      requiredReserveUsd: result.requiredReserveUsd,
      coverageRatio: result.coverageRatio,
      openInterestUsd: openInterest,
      fundToOpenInterest: (snapshot.fundBalanceUsd as number) / openInterest,
      composition: null,
      reverseStress: [],
      engine: 'gap',
    });
    expect(feed.stress.map((s) => [s.name, s.netFundLossUsd])).toEqual(
      result.stress.map((s) => [s.name, s.lossUsd]),
    );
    expect(TransparencyFeedSchema.safeParse({ ...feed, runId: 'x' }).success).toBe(false);
    expect(JSON.stringify(feed)).not.toContain('run-secret-1');
  });

  it('breaks the balance down by asset when the snapshot has a composition', () => {
    const balance = snapshot.fundBalanceUsd as number;
    const withAssets: StoredRun = {
      ...run,
      snapshot: {
        ...snapshot,
        fundComposition: [
          { asset: 'USDT', amountUsd: balance * 0.75 },
          { asset: 'BTC', amountUsd: balance * 0.25, priceMarketId: snapshot.markets[0]?.id as string },
        ],
      },
    };
    expect(buildFeed(withAssets, [], '2026-11-22T05:00:00.000Z').composition).toEqual([
      { asset: 'USDT', amountUsd: balance * 0.75, share: 0.75 },
      { asset: 'BTC', amountUsd: balance * 0.25, share: 0.25 },
    ]);
  });

  it('words the reverse stress test as a multiple of the path at a depth', () => {
    expect(
      reverseStressText({ scenario: '2020-03-12', liquidityFactor: 0.03, scale: 1.734, maxScale: 10 }),
    ).toBe('The fund is exhausted by 1.7 × the 2020-03-12 path at 3% depth.');
    expect(reverseStressText({ scenario: 'squeeze', liquidityFactor: 0.1, scale: null, maxScale: 10 })).toBe(
      'The fund is not exhausted by up to 10 × the squeeze path at 10% depth.',
    );
  });

  it('renders the same page bytes from the same feed, with its reverse stress lines', () => {
    const withReverse = {
      ...feed,
      reverseStress: [
        {
          scenario: 'x',
          liquidityFactor: 0.03,
          scale: 2,
          maxScale: 10,
          text: 'The fund is exhausted by 2.0 × the x path at 3% depth.',
        },
      ],
    };
    expect(renderTransparencyPage(withReverse)).toBe(renderTransparencyPage(withReverse));
    expect(renderTransparencyPage(withReverse)).toContain(
      '<ul class="reverse-stress"><li>The fund is exhausted by 2.0 × the x path at 3% depth.</li></ul>',
    );
  });
});

describe('publishSite', () => {
  class MemorySite implements SiteStore {
    readonly files = new Map<string, string>();
    async read(path: string) {
      return this.files.get(path) ?? null;
    }
    async write(files: readonly SiteFile[]) {
      for (const f of files) this.files.set(f.path, f.body);
    }
  }
  const recorder = (summaries: RunSummary[]) => {
    const calls: unknown[] = [];
    return {
      calls,
      store: {
        summaries: async (_fundId: string, query?: unknown) => {
          calls.push(query);
          return summaries;
        },
      },
    };
  };
  const earlier = summary('2026-11-20T12:00:00Z', 1e8, 4e9);

  it('bootstraps from the store, then carries the history in its own feed', async () => {
    const site = new MemorySite();
    const first = recorder([earlier]);
    const now = '2026-11-22T05:00:00.000Z';
    await publishSite({ run, store: first.store, site, now, history: 'previous-feed' });
    expect(first.calls).toEqual([{ from: '2025-11-22T00:00:00.000Z', to: snapshot.asOf }]);
    const second = recorder([]);
    const feed = await publishSite({ run, store: second.store, site, now, history: 'previous-feed' });
    expect(second.calls).toEqual([]);
    expect(feed.history.map((h: FeedHistoryPoint) => h.asOf)).toEqual([
      '2026-11-20T12:00:00.000Z',
      new Date(snapshot.asOf).toISOString(),
    ]);
    expect([...site.files.keys()]).toEqual(['feed.json', 'index.html']);
  });

  it('reads the store again when the previous feed is not valid', async () => {
    const site = new MemorySite();
    site.files.set('feed.json', '{"feedVersion": 0}');
    const again = recorder([earlier]);
    await publishSite({
      run,
      store: again.store,
      site,
      now: '2026-11-22T05:00:00.000Z',
      history: 'previous-feed',
    });
    expect(again.calls).toHaveLength(1);
  });
});

describe('fund / open interest in the report and the chart helper', () => {
  it('draws one dot per run that recorded its open interest', () => {
    const html = renderHtmlReport({
      fundId: snapshot.fundId,
      runs: [
        summary('2026-11-22T01:00:00.000Z', 9e7, 3e9),
        summary('2026-11-22T00:00:00.000Z', 1e8, 2e9),
        summary('2026-11-21T23:00:00.000Z', 1e8),
      ],
      latest: run,
      generatedAt: '2026-11-22T02:00:00.000Z',
    });
    const growth = html.slice(html.indexOf('id="growth"'), html.indexOf('id="contributions"'));
    expect(growth).toContain('<path class="series fund-oi" d="M');
    expect(growth.match(/class="dot fund-oi-dot"/g)).toHaveLength(2);
    expect(growth).toContain('<title>2026-11-22 00:00 UTC: 5.00%</title>');
    expect(growth).toContain('<title>2026-11-22 01:00 UTC: 3.00%</title>');
  });

  it('puts a higher value higher on the chart', () => {
    const svg = lineChart(
      [
        { time: new Date('2026-11-21T00:00:00Z'), value: 0.05 },
        { time: new Date('2026-11-22T00:00:00Z'), value: 0.025 },
      ],
      'ratio',
      'ratio',
      String,
      'fund / OI',
    );
    const ys = [...svg.matchAll(/class="dot ratio-dot" cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(ys).toHaveLength(2);
    expect(ys[0]).toBeLessThan(ys[1] as number);
  });
});
