/**
 * The HTML report as a person sees it: two real runs through the CLI, `backstop report`, then the
 * file opened in headless Chromium (Debian's package, via playwright-core) with every network
 * request recorded — the report must draw its charts from the file alone.
 */
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunOutcome } from '../../../lambda/pipeline/run-outcome.ts';
import { hasChromium, launchChromium, openFile } from '../../support/chromium.ts';
import { type CliWorkspace, cliWorkspace } from '../cli/cli-support.ts';

const withChromium = hasChromium('report-chromium');
interface Box {
  readonly width: number;
  readonly height: number;
}

describe.skipIf(!withChromium)('backstop report in headless Chromium', () => {
  let ws: CliWorkspace;
  let browser: Browser;
  let outcomes: RunOutcome[];
  let required: number;
  let html: string;
  const requests: string[] = [];
  let page: Awaited<ReturnType<Browser['newPage']>>;

  beforeAll(async () => {
    ws = await cliWorkspace();
    outcomes = [];
    // The treasury's balance moves between runs — 130%, 90%, then 60% of the requirement — so the
    // charts must show the fund sliding through WARN into BREACH. With the seed pinned the runs
    // compute (nearly) the same requirement, which `backstop snapshot` + `backstop reserve` give up
    // front.
    const pinned = await ws.writeFund('pinned', (c) => {
      (c.model as Record<string, unknown>).seed = 42;
    });
    const probe = await ws.run(
      'snapshot',
      '--fund',
      pinned,
      '--as-of',
      '2026-11-22T03:00:00Z',
      '--out',
      'probe.json',
    );
    expect(probe.code).toBe(0);
    const reserve = await ws.run('reserve', '--snapshot', 'probe.json', '--json');
    expect(reserve.code).toBe(0);
    required = JSON.parse(reserve.stdout).requiredReserveUsd;
    const runs: [string, number][] = [
      ['2026-11-22T03:00:00Z', 1.3 * required],
      ['2026-11-22T03:15:00Z', 0.9 * required],
      ['2026-11-22T03:30:00Z', 0.6 * required],
    ];
    for (const [asOf, amountUsd] of runs) {
      const fund = await ws.writeFund(`demo-${asOf.slice(11, 16).replace(':', '')}`, (c) => {
        c.balance = { type: 'static', amountUsd };
        (c.model as Record<string, unknown>).seed = 42;
      });
      const r = await ws.run('run', '--fund', fund, '--as-of', asOf, '--json');
      expect(r.code).toBe(0);
      outcomes.push(JSON.parse(r.stdout));
    }
    const report = await ws.run('report');
    expect(report).toEqual({
      code: 0,
      stdout: `wrote .backstop/report-demo-perps.html (3 runs, latest 2026-11-22 03:30 UTC ${outcomes[2]?.status})\n`,
      stderr: '',
    });
    const file = join(ws.cwd, '.backstop/report-demo-perps.html');
    html = await readFile(file, 'utf8');
    browser = await launchChromium();
    page = await openFile(browser, file, { requests });
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

  it('is self-contained: the only request is the file itself', () => {
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatch(/^file:\/\/.*report-demo-perps\.html$/);
    expect(html).not.toMatch(/<script|<link|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('draws balance against the required reserve over the WARN and BREACH bands', async () => {
    for (const selector of [
      '#balance path.band-breach',
      '#balance path.band-warn',
      '#balance path.line-required',
      '#balance path.line-balance',
    ]) {
      const [box] = await boxes(selector);
      expect(box?.width, selector).toBeGreaterThan(100);
      // A requirement that did not change between the runs is a flat line: no height, but drawn.
      if (!selector.endsWith('line-required')) expect(box?.height, selector).toBeGreaterThan(0);
    }
    expect(await boxes('#balance circle.balance-dot')).toHaveLength(3);
    expect((await boxes('#balance g.x-tick')).length).toBeGreaterThanOrEqual(2);
    expect((await boxes('#balance g.y-tick')).length).toBeGreaterThanOrEqual(3);
  });

  it('draws coverage over time with one dot per run and both thresholds', async () => {
    expect(await boxes('#coverage circle.coverage-dot')).toHaveLength(3);
    const [line] = await boxes('#coverage path.line-coverage');
    expect(line?.width).toBeGreaterThan(100);
    const labels = await page.$$eval('#coverage .threshold text', (els) => els.map((e) => e.textContent));
    expect(labels).toEqual(['WARN below 100%', 'BREACH below 80%']);
    expect((await boxes('#coverage g.y-tick')).length).toBeGreaterThanOrEqual(3);
  });

  it('draws one ES-contribution bar per market and one stress bar per scenario, sized by value', async () => {
    const latest = outcomes[2];
    expect(latest).toBeDefined();
    const esBars = await boxes('#contributions rect.es-bar');
    const stressBars = await boxes('#stress rect.stress-bar');
    const marketCount = await page.$$eval('table.markets tbody tr', (rows) => rows.length);
    const scenarioCount = await page.$$eval('table.stress tbody tr', (rows) => rows.length);
    expect(marketCount).toBe(10);
    expect(esBars).toHaveLength(marketCount);
    expect(stressBars).toHaveLength(scenarioCount);
    expect(esBars.every((b) => b.height > 0)).toBe(true);
    expect(Math.max(...stressBars.map((b) => b.width))).toBeGreaterThan(100);
    expect((await boxes('#contributions g.x-tick')).length).toBeGreaterThanOrEqual(2);
  });

  it('follows the balance through the bands: OK, then WARN, then BREACH', () => {
    expect(outcomes.map((o) => o.status)).toEqual(['OK', 'WARN', 'BREACH']);
    // The first run shares the probe's asOf, so `backstop reserve` on its snapshot reproduces the
    // pipeline's requirement exactly; later asOfs move the history windows a little.
    expect(outcomes[0]?.requiredReserveUsd).toBe(required);
    expect(outcomes.map((o) => o.coverageRatio)).toEqual([1.3, 0.9, 0.6].map((c) => expect.closeTo(c, 4)));
  });

  it('shows the latest run in the headline and tables', async () => {
    const latest = outcomes[2] as RunOutcome;
    const status = await page.textContent('h1 .status');
    expect(status).toBe(latest.status);
    const historyRows = await page.$$eval('table.history tbody tr td:first-child', (tds) =>
      tds.map((t) => t.textContent),
    );
    expect(historyRows).toEqual(['2026-11-22 03:30 UTC', '2026-11-22 03:15 UTC', '2026-11-22 03:00 UTC']);
    const verdict = await page.textContent('#verdict');
    expect(verdict).toMatch(
      /^The fund holds \d+\.\d% of its required reserve, below the BREACH threshold of 80%\. The requirement is set by the /,
    );
  });

  it('titles the axes of every chart, inside the chart', async () => {
    const titles = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        const texts = Array.from(svg.querySelectorAll('.axis-title text')).map((t) => {
          const r = t.getBoundingClientRect();
          const inside =
            r.left >= box.left - 1 &&
            r.right <= box.right + 1 &&
            r.top >= box.top - 1 &&
            r.bottom <= box.bottom + 1;
          // A rotated (y) title is tall rather than wide.
          return { text: t.textContent, inside, width: Math.max(r.width, r.height) };
        });
        return { id: svg.closest('section')?.id, texts };
      }),
    );
    expect(titles.map((t) => [t.id, t.texts.map((x) => x.text)])).toEqual([
      ['balance', ['time (UTC) on 2026-11-22', 'USD']],
      ['coverage', ['time (UTC) on 2026-11-22', 'coverage (balance / required)']],
      ['outlook', ['days from the latest run', 'fund balance (USD)']],
      ['growth', ['time (UTC) on 2026-11-22', 'fund balance / open interest']],
      ['contributions', ['ES contribution (USD)']],
      ['stress', ['net fund loss (USD)']],
    ]);
    for (const t of titles.flatMap((c) => c.texts)) {
      expect(t.inside, t.text ?? '').toBe(true);
      expect(t.width, t.text ?? '').toBeGreaterThan(20);
    }
  });

  it('marks the worst stress scenario in the table and the bars, and explains its terms', async () => {
    const worstRows = await page.$$eval('table.stress tr.worst', (rows) =>
      rows.map((r) => ({
        name: r.querySelector('td')?.firstChild?.textContent,
        tag: r.querySelector('.tag')?.textContent,
        background: getComputedStyle(r.querySelector('td') as Element).backgroundColor,
      })),
    );
    const latest = outcomes[2] as RunOutcome;
    expect(worstRows).toHaveLength(1);
    expect(worstRows[0]?.tag).toBe('worst');
    expect(worstRows[0]?.background).toBe('rgb(253, 236, 234)');
    const worstBar = await page.$$eval('#stress rect.bar-worst', (bars) =>
      bars.map((b) => getComputedStyle(b).fill),
    );
    expect(worstBar).toEqual(['rgb(197, 34, 31)']);
    expect(await page.textContent('table.monte-carlo tbody')).toContain('99.9%');
    expect(await page.$$eval('#glossary dt', (dts) => dts.map((d) => d.textContent))).toEqual([
      'coverage',
      'required reserve',
      'expected shortfall (ES)',
      'liquidity factor',
      'releasable',
      'conservative bound',
      'ADL (auto-deleveraging)',
    ]);
    expect(latest.status).toBe('BREACH');
  });

  it('renders to a screenshot', async () => {
    // Kept outside the removed workspace so a person (or CI artifact upload) can look at it.
    const path = join(tmpdir(), 'backstop-report-screenshot.png');
    const shot = await page.screenshot({ fullPage: true, path });
    expect(shot.byteLength).toBeGreaterThan(20_000);
    console.info(`report screenshot: ${path}`);
  });
});
