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
    expect(html.match(/class="bar stress-bar"/g)).toHaveLength(5);
    expect(html.match(/class="dot balance-dot"/g)).toHaveLength(2);
    expect(html.match(/class="dot coverage-dot"/g)).toHaveLength(2);
  });

  it('lists the data flags of the latest run', () => {
    expect(html).toContain('<li>SOL-PERP: STALE_FILLED — bybit did not answer</li>');
  });

  it('is deterministic', () => {
    expect(renderHtmlReport(input)).toBe(html);
  });
});
