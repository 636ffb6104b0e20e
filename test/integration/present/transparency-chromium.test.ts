/**
 * The public transparency page as a visitor sees it: four daily runs through the real CLI (replayed
 * venues, embedded store), `backstop publish`, the feed checked against its schema and for anything
 * private, then the page opened in headless Chromium (Debian's package, via playwright-core) with
 * every request and console message recorded: it must draw its charts from the file alone and show
 * exactly the feed's figures.
 */
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunOutcome } from '../../../lambda/pipeline/run-outcome.ts';
import { formatCoverage, formatPercent, formatTime, formatUsd } from '../../../lambda/present/format.ts';
import {
  type TransparencyFeed,
  TransparencyFeedSchema,
} from '../../../lambda/present/transparency/feed-schema.ts';
import { hasChromium, launchChromium, openFile } from '../../support/chromium.ts';
import { type CliWorkspace, cliWorkspace } from '../cli/cli-support.ts';

const withChromium = hasChromium('transparency-chromium');

/** Things of the fund config and the stored runs that must never reach the public site. */
const PRIVATE = {
  email: 'risk-desk@venue.example',
  slackChannel: 'C0SECRETCHAN',
  slackWorkspace: 'T0SECRETTEAM',
  account: 'whale-account-7',
  description: 'internal: treasury wallet rotation plan',
};

interface Box {
  readonly width: number;
  readonly height: number;
}

describe.skipIf(!withChromium)('backstop publish: the transparency page in headless Chromium', () => {
  let ws: CliWorkspace;
  let browser: Browser;
  let page: Page;
  let feed: TransparencyFeed;
  let feedText: string;
  let html: string;
  let outcomes: RunOutcome[];
  const requests: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ws = await cliWorkspace();
    outcomes = [];
    const days: [string, number][] = [
      ['2026-11-19T12:00:00Z', 1.6e9],
      ['2026-11-20T12:00:00Z', 1.5e9],
      ['2026-11-21T12:00:00Z', 1.2e9],
      ['2026-11-22T12:00:00Z', 1.0e9],
    ];
    for (const [asOf, amountUsd] of days) {
      const fund = await ws.writeFund(`day-${asOf.slice(8, 10)}`, (c) => {
        c.balance = { type: 'static', amountUsd };
        c.description = PRIVATE.description;
        c.notifications = {
          emails: [PRIVATE.email],
          slack: { workspaceId: PRIVATE.slackWorkspace, channelId: PRIVATE.slackChannel },
        };
        const model = c.model as Record<string, unknown>;
        model.seed = 42;
        model.largestAccounts = [
          { id: PRIVATE.account, marketId: 'BTC-PERP-BINANCE', side: 'long', notionalUsd: 4e8, margin: 0.02 },
        ];
      });
      const r = await ws.run('run', '--fund', fund, '--as-of', asOf, '--json');
      expect(r.code).toBe(0);
      outcomes.push(JSON.parse(r.stdout));
    }
    const published = await ws.run('publish', '--out', 'site');
    expect(published).toEqual({
      code: 0,
      stdout: `wrote site/index.html and site/feed.json (demo-perps, last run 2026-11-22T12:00:00.000Z ${outcomes[3]?.status}, 4 days of history)\n`,
      stderr: '',
    });
    feedText = await readFile(join(ws.cwd, 'site/feed.json'), 'utf8');
    feed = JSON.parse(feedText);
    const file = join(ws.cwd, 'site/index.html');
    html = await readFile(file, 'utf8');
    browser = await launchChromium();
    page = await openFile(browser, file, { requests, errors: consoleErrors });
  });
  afterAll(async () => {
    await browser?.close();
    await ws?.remove();
  });

  const boxes = (selector: string): Promise<Box[]> =>
    page.$$eval(selector, (els) =>
      els.map((el) => {
        const r = el.getBoundingClientRect();
        return { width: r.width, height: r.height };
      }),
    );
  const field = (name: string) =>
    page.$eval(`[data-field="${name}"]`, (el) => ({
      text: el.textContent,
      value: el.getAttribute('data-value'),
    }));

  it('writes a feed its zod schema accepts, with the latest run and one point per day', () => {
    expect(TransparencyFeedSchema.safeParse(feed).success).toBe(true);
    const last = outcomes[3] as RunOutcome;
    expect(feed).toMatchObject({
      fundId: 'demo-perps',
      lastRunAt: '2026-11-22T12:00:00.000Z',
      status: last.status,
      fundBalanceUsd: 1e9,
      requiredReserveUsd: last.requiredReserveUsd,
      coverageRatio: last.coverageRatio,
      engine: 'path',
    });
    expect(feed.history.map((h) => [h.asOf, h.fundBalanceUsd])).toEqual([
      ['2026-11-19T12:00:00.000Z', 1.6e9],
      ['2026-11-20T12:00:00.000Z', 1.5e9],
      ['2026-11-21T12:00:00.000Z', 1.2e9],
      ['2026-11-22T12:00:00.000Z', 1.0e9],
    ]);
    expect(feed.history.at(-1)?.fundToOpenInterest).toBe(feed.fundToOpenInterest);
    expect(feed.stress).toHaveLength(5);
  });

  it('publishes nothing private: no account, no run id, nothing from the config', () => {
    for (const text of [feedText, html]) {
      for (const secret of [
        ...Object.values(PRIVATE),
        ...outcomes.map((o) => o.runId),
        'cover2Usd',
        'FUND#',
      ]) {
        expect(text).not.toContain(secret);
      }
    }
  });

  it('is self-contained: the only request is the page itself, and no console errors', () => {
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatch(/^file:\/\/.*\/site\/index\.html$/);
    expect(html).not.toMatch(/<script|<link|<img|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(consoleErrors).toEqual([]);
  });

  it('shows exactly the feed’s headline figures', async () => {
    expect(await field('fundBalanceUsd')).toEqual({
      text: formatUsd(feed.fundBalanceUsd),
      value: String(feed.fundBalanceUsd),
    });
    expect(await field('requiredReserveUsd')).toEqual({
      text: formatUsd(feed.requiredReserveUsd),
      value: String(feed.requiredReserveUsd),
    });
    expect(await field('coverageRatio')).toEqual({
      text: formatCoverage(feed.coverageRatio),
      value: String(feed.coverageRatio),
    });
    expect(await field('fundToOpenInterest')).toEqual({
      text: formatPercent(feed.fundToOpenInterest, 2),
      value: String(feed.fundToOpenInterest),
    });
    expect(await field('openInterestUsd')).toEqual({
      text: formatUsd(feed.openInterestUsd),
      value: String(feed.openInterestUsd),
    });
    expect((await field('status')).text).toBe(feed.status);
    expect(await page.getAttribute('[data-field="lastRunAt"]', 'datetime')).toBe(feed.lastRunAt);
    expect(await page.textContent('[data-field="lastRunAt"]')).toBe('2026-11-22 12:00 UTC');
  });

  it('draws balance, coverage and fund / open interest over the four days', async () => {
    for (const selector of [
      '#history path.line-balance',
      '#history path.line-required',
      '#history path.line-coverage',
      '#growth path.fund-oi',
    ]) {
      const [box] = await boxes(selector);
      expect(box?.width, selector).toBeGreaterThan(300);
    }
    expect(await boxes('#history circle.balance-dot')).toHaveLength(4);
    expect(await boxes('#growth circle.fund-oi-dot')).toHaveLength(4);
    const tooltips = await page.$$eval('#growth circle.fund-oi-dot title', (ts) =>
      ts.map((t) => t.textContent),
    );
    expect(tooltips).toEqual(
      feed.history.map((h) => `${formatTime(h.asOf)}: ${formatPercent(h.fundToOpenInterest as number, 2)}`),
    );
  });

  it('lists the stress results of the feed, one bar and one row each', async () => {
    const rows = await page.$$eval('table.stress tbody tr', (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)),
    );
    expect(rows).toEqual(
      feed.stress.map((s) => [
        s.name,
        formatPercent(s.liquidityFactor, 0),
        formatUsd(s.netFundLossUsd),
        formatUsd(s.fundAfterUsd),
      ]),
    );
    const bars = await boxes('#stress rect.stress-bar');
    expect(bars).toHaveLength(feed.stress.length);
    expect(Math.max(...bars.map((b) => b.width))).toBeGreaterThan(100);
    expect(await page.$$eval('#methodology p', (ps) => ps.map((p) => p.textContent))).toEqual(
      feed.methodology,
    );
  });

  it('draws the one-year outlook as a fan with the required reserve in the report', async () => {
    const report = await ws.run('report');
    expect(report.code).toBe(0);
    const outlook = JSON.parse((await ws.run('outlook', '--json')).stdout);
    const reportPage = await browser.newPage({ viewport: { width: 900, height: 1000 } });
    const errors: string[] = [];
    reportPage.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await reportPage.goto(`file://${join(ws.cwd, '.backstop/report-demo-perps.html')}`);
    for (const selector of [
      '#outlook path.fan-outer',
      '#outlook path.fan-inner',
      '#outlook path.fan-median',
    ]) {
      const width = await reportPage.$eval(selector, (el) => el.getBoundingClientRect().width);
      expect(width, selector).toBeGreaterThan(300);
    }
    expect(await reportPage.getAttribute('[data-field="exhaustionProbability1y"]', 'data-value')).toBe(
      String(outlook.exhaustionProbability1y),
    );
    expect(await reportPage.textContent('#outlook .recommendation-text')).toBe(outlook.recommendation.text);
    expect(await reportPage.textContent('#outlook .fan-reference text')).toBe(
      `required reserve ${formatUsd(feed.requiredReserveUsd)}`,
    );
    const path = join(tmpdir(), 'backstop-outlook-fan-screenshot.png');
    await reportPage.locator('#outlook').screenshot({ path });
    console.info(`outlook fan screenshot: ${path}`);
    expect(errors).toEqual([]);
    await reportPage.close();
  });

  it('renders to a screenshot', async () => {
    const path = join(tmpdir(), 'backstop-transparency-screenshot.png');
    const shot = await page.screenshot({ fullPage: true, path });
    expect(shot.byteLength).toBeGreaterThan(20_000);
    console.info(`transparency screenshot: ${path}`);
  });
});
