/**
 * The backtest page as a committee member sees it: `backstop backtest --html` on the shipped BTC and
 * ETH daily history through the 2020-03 crash, opened in headless Chromium (Debian's package, via
 * playwright-core) with every network request recorded, checked on what is rendered.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandIo } from '../../../lambda/cli/io.ts';
import { main } from '../../../lambda/cli/main.ts';
import { hasChromium, launchChromium, openFile } from '../../support/chromium.ts';

const withChromium = hasChromium('backtest-chromium');
const ROOT = resolve(import.meta.dirname, '../../..');
const PRICES = ['binance_btcusdt_daily.csv', 'binance_ethusdt_daily.csv'].map((f) => `fixtures/prices/${f}`);

interface Rect {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

describe.skipIf(!withChromium)('backstop backtest --html in headless Chromium', () => {
  let dir: string;
  let browser: Browser;
  let page: Page;
  let html: string;
  let stdout = '';
  const requests: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'backstop-backtest-page-'));
    const file = join(dir, 'backtest.html');
    const io: CommandIo = {
      stdout: (t) => {
        stdout += t;
      },
      stderr: () => {},
      stderrIsTty: false,
      cwd: ROOT,
      env: {},
    };
    const argv = ['backtest', '--prices', PRICES.join(','), '--from', '2019-09-01', '--to', '2020-08-31'];
    const code = await main([...argv, '--paths', '2000', '--html', file], io);
    expect(code).toBe(0);
    html = await readFile(file, 'utf8');
    browser = await launchChromium();
    page = await openFile(browser, file, { requests });
  });
  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is a page, not a terminal dump: self-contained, no <pre>', () => {
    expect(requests).toHaveLength(1);
    expect(html).not.toMatch(/<pre|<script|<link/);
    expect(stdout).toMatch(/^Backtest 2019-09-01 → 2020-08-31: 366 one-day forecasts at 99\.0%/);
  });

  it('leads with the zone, a verdict in words and four headline cards', async () => {
    const zone = await page.textContent('h1 .status');
    expect(['GREEN', 'YELLOW', 'RED']).toContain(zone);
    expect(stdout).toContain(`Verdict: ${zone} — `);
    const verdict = (await page.textContent('#verdict')) ?? '';
    expect(verdict).toMatch(
      /^Model [a-z ,:]+[^.]*\. On \d+ of 366 days \(\d+\.\d\d%\) the book lost more than the model's one-day VaR at 99\.0%; a correct model would see about 3\.7 \(1\.00%\)\.$/,
    );
    const cards = await page.$$eval('.headline .figure', (els) => els.map((e) => e.firstChild?.textContent));
    expect(cards).toEqual(['Exceedances', 'Exceedance rate', 'Traffic light', 'ES test']);
  });

  it('draws the chart inside its frame: titled axes, every line within the plot, the legend outside it', async () => {
    const geometry = await page.$eval('#chart svg.chart', (svg) => {
      const rect = (el: Element) => {
        const r = el.getBoundingClientRect();
        return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
      };
      const ticks = Array.from(svg.querySelectorAll('.y-tick'));
      return {
        svg: rect(svg),
        series: Array.from(svg.querySelectorAll('path.series')).map(rect),
        titles: Array.from(svg.querySelectorAll('.axis-title text')).map((t) => t.textContent),
        top: rect(ticks[ticks.length - 1] as Element),
        bottom: rect(ticks[0] as Element),
        yLabels: ticks.map((t) => t.textContent),
        legend: rect(document.querySelector('#chart .legend') as Element),
      };
    });
    expect(geometry.titles).toEqual(['date (UTC)', 'one-day loss of the book (USD)']);
    expect(geometry.yLabels[0]).toBe('$0');
    expect(geometry.series).toHaveLength(3);
    const inside = (r: Rect) => r.top >= geometry.top.top - 1 && r.bottom <= geometry.bottom.bottom + 1;
    for (const r of geometry.series)
      expect(inside(r), JSON.stringify({ r, top: geometry.top, bottom: geometry.bottom })).toBe(true);
    expect(geometry.legend.top).toBeGreaterThanOrEqual(geometry.svg.bottom);
  });

  it('tabulates the five tests and the ten worst days, the 2020-03-12 crash first and marked', async () => {
    const tests = await page.$$eval('table.tests tbody tr td:first-child', (tds) =>
      tds.map((t) => t.textContent),
    );
    expect(tests).toEqual([
      'Basel traffic light',
      'Kupiec POF',
      'Christoffersen independence',
      'Conditional coverage',
      'Acerbi–Székely Z2',
    ]);
    const worst = await page.$$eval('table.worst-days tbody tr', (rows) =>
      rows.map((r) => ({ date: r.querySelector('td')?.textContent, cls: r.className })),
    );
    expect(worst).toHaveLength(10);
    expect(worst[0]).toEqual({ date: '2020-03-12', cls: 'worst' });
    const glossary = await page.$$eval('#glossary dt', (dts) => dts.map((d) => d.textContent));
    expect(glossary).toEqual(['VaR and exceedance', 'expected shortfall (ES)', 'Basel traffic light']);
  });

  it('renders to a screenshot', async () => {
    const path = join(tmpdir(), 'backstop-backtest-screenshot.png');
    const shot = await page.screenshot({ fullPage: true, path });
    expect(shot.byteLength).toBeGreaterThan(20_000);
    console.info(`backtest screenshot: ${path}`);
  });
});
