import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeReserve } from '../../../lambda/model/reserve.ts';
import { validateSnapshot } from '../../../lambda/model/validate-snapshot.ts';
import { renderHtmlReport } from '../../../lambda/present/html-report.ts';
import type { RunSummary, StoredRun } from '../../../lambda/run/stored-run.ts';

const example = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../../config/examples/snapshot.json'), 'utf8'),
);
example.model.paths = 2_000;
example.model.stressScenarios[0].name = '<script>alert("x")</script> & co';
const { snapshot } = validateSnapshot(example, 'example');
const result = computeReserve(snapshot);
const latest: StoredRun = {
  fundId: snapshot.fundId,
  asOf: snapshot.asOf,
  runId: 'run-1',
  modelVersion: result.modelVersion,
  snapshot,
  result,
  observations: [],
  flags: [{ marketId: 'SOL-PERP', code: 'STALE_FILLED', detail: 'bybit did not answer' }],
  steps: [],
};
const summary = (asOf: string, fundBalanceUsd: number): RunSummary => ({
  fundId: snapshot.fundId,
  asOf,
  runId: asOf,
  status: 'OK',
  fundBalanceUsd,
  requiredReserveUsd: result.requiredReserveUsd,
  coverageRatio: fundBalanceUsd / result.requiredReserveUsd,
});
const input = {
  fundId: snapshot.fundId,
  runs: [summary('2026-11-22T01:00:00.000Z', 9e7), summary('2026-11-22T00:00:00.000Z', 1e8)],
  latest,
  generatedAt: '2026-11-22T02:00:00.000Z',
};

describe('renderHtmlReport', () => {
  const html = renderHtmlReport(input);

  it('is one self-contained document: inline style and SVG, no script, no link, no external URL', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html.match(/<svg /g)).toHaveLength(4);
    expect(html).not.toMatch(/<script|<link|<img|url\(/i);
    expect(html.match(/https?:\/\/[^"]+/g)?.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true);
  });

  it('escapes names that come from configs', () => {
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; co');
  });

  it('draws one bar per market and per stress scenario, and one dot per run', () => {
    expect(html.match(/class="bar es-bar"/g)).toHaveLength(3);
    expect(html.match(/class="bar stress-bar( bar-worst)?"/g)).toHaveLength(5);
    expect(html.match(/class="bar stress-bar bar-worst"/g)).toHaveLength(1);
    expect(html.match(/class="dot balance-dot"/g)).toHaveLength(2);
    expect(html.match(/class="dot coverage-dot"/g)).toHaveLength(2);
  });

  it('lists the data flags of the latest run', () => {
    expect(html).toContain('<li>SOL-PERP: STALE_FILLED — bybit did not answer</li>');
  });

  it('reads for a committee: one UTC time format, percentages, counts, the worst scenario marked', () => {
    const worst = result.stress.reduce((w, x) => (x.lossUsd > w.lossUsd ? x : w));
    expect(html).toContain('<p class="meta">Latest run 2026-11-22 00:00 UTC (run run-1');
    expect(html).toContain('generated 2026-11-22 02:00 UTC</p>');
    expect(html).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    expect(html).toContain('<td>2,000</td>');
    expect(html).toContain('<td>99.9%</td>');
    expect(html).toContain(
      `<tr class="worst"><td class="text">${worst.name.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)}<span class="tag">worst</span></td>`,
    );
    expect(html).toContain(
      '<text class="x-title" x="412.0" y="272" text-anchor="middle">time (UTC) on 2026-11-22</text>',
    );
  });

  it('says in words where the fund stands and why, and explains its terms', () => {
    const verdict = html.match(/<p class="verdict" id="verdict">([^<]+)<\/p>/)?.[1];
    expect(verdict).toMatch(/^The fund holds [\d.]+% of its required reserve/);
    expect(verdict).toContain('The requirement is set by the');
    expect(html).toContain('<h2>Why this number</h2>');
    const terms = [...html.matchAll(/<dt>([^<]+)<\/dt>/g)].map((m) => m[1]);
    expect(terms).toEqual([
      'coverage',
      'required reserve',
      'expected shortfall (ES)',
      'liquidity factor',
      'releasable',
      'conservative bound',
      'ADL (auto-deleveraging)',
    ]);
    expect(html).not.toContain('id="data-caveat"');
  });

  it('puts a stale balance in the headline: a banner and the balance card marked', () => {
    const stale = renderHtmlReport({
      ...input,
      latest: {
        ...latest,
        flags: [{ code: 'BALANCE_STALE', detail: 'pool BTCUSDT updated 2026-11-12 (228.4 h > 36 h)' }],
      },
    });
    expect(stale).toContain(
      '<p class="caveat-banner" id="data-caveat">Data: balance STALE (updated 228 h ago, limit 36 h) — the coverage rests on this balance; check the balance source before acting on the status.</p>',
    );
    expect(stale).toMatch(
      /<div class="figure caveat">Fund balance<b>[^<]+<\/b><small>balance STALE \(updated 228 h ago, limit 36 h\)<\/small><\/div>/,
    );
  });

  it('is deterministic', () => {
    expect(renderHtmlReport(input)).toBe(html);
  });
});
