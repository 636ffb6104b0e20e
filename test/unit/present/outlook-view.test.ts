import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertFacts } from '../../../lambda/alert/render-facts.ts';
import { FundManagementSchema } from '../../../lambda/config/fund-config.ts';
import { type FundOutlook, fundOutlook } from '../../../lambda/manage/fund-outlook.ts';
import { computeReserve } from '../../../lambda/model/reserve.ts';
import { validateSnapshot } from '../../../lambda/model/validate-snapshot.ts';
import { outlookSection } from '../../../lambda/present/outlook-section.ts';
import { recommendationColumns } from '../../../lambda/present/recommendation-view.ts';
import { renderReserveSummary } from '../../../lambda/present/reserve-summary.ts';
import { fanChart } from '../../../lambda/present/svg-charts.ts';
import { outboxItem } from '../alert/result-fixtures.ts';

const example = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../../config/examples/snapshot.json'), 'utf8'),
);
example.model.paths = 2_000;
const { snapshot } = validateSnapshot(example, 'example');
const result = computeReserve(snapshot);
const outlook = fundOutlook({
  snapshot,
  result,
  history: [],
  management: FundManagementSchema.parse({ outlookPaths: 1000 }),
}) as FundOutlook;

describe('the fan chart', () => {
  it('draws both bands, the median and the reference level where it belongs', () => {
    const days = [0, 100, 365].map((day) => ({
      day,
      p5Usd: 0,
      p25Usd: 50,
      medianUsd: 100,
      p75Usd: 150,
      p95Usd: 200,
    }));
    const svg = fanChart(days, { value: 100, label: 'required reserve $100' }, 'fan');
    expect(svg).toContain('<path class="band fan-outer" d="M');
    expect(svg).toContain('<path class="band fan-inner" d="M');
    const median = /class="series fan-median" d="M([\d.]+),([\d.]+)/.exec(svg);
    const reference = /class="line-required" x1="[\d.]+" x2="[\d.]+" y1="([\d.]+)"/.exec(svg);
    // The median sits at 100 all year, exactly on the reference line.
    expect(Number(median?.[2])).toBeCloseTo(Number(reference?.[1]), 1);
    expect(svg).toContain('>required reserve $100</text>');
    expect(svg).toContain('>day 0</text>');
  });
});

describe('the outlook in the report and the terminal', () => {
  it('shows the one-year figures, the fan and the recommendation’s sentence', () => {
    const html = outlookSection(outlook);
    expect(html).toContain(
      `data-field="exhaustionProbability1y" data-value="${outlook.exhaustionProbability1y}"`,
    );
    expect(html).toContain('class="band fan-outer"');
    expect(html).toContain(outlook.recommendation.text.replace(/'/g, '&#39;'));
    expect(outlookSection(undefined)).toBe('');
  });

  it('replaces the 30-day fee columns with the targeted ones when the run has an outlook', () => {
    expect(recommendationColumns(result).headers).toEqual([
      'shortfall',
      'fee to close in 30 days',
      'releasable',
    ]);
    const targeted = recommendationColumns(result, outlook);
    expect(targeted.headers).toEqual([
      'shortfall',
      'one-year P(exhausted), target 1.0%',
      'contribution for both targets',
      'added fee within 90 days',
      'releasable',
    ]);
    expect(targeted.cells[1]).toBe(`${(100 * outlook.exhaustionProbability1y).toFixed(1)}%`);
  });

  it('prints the targeted recommendation in the reserve summary', () => {
    const text = renderReserveSummary(snapshot, result, { outlook });
    expect(text).toContain(`Next steps\n  1. ${outlook.recommendation.text}\n`);
    expect(text).toContain(
      `One-year outlook (target: P(exhausted within 1 year) <= 1.0% and the required reserve)\n  P(exhausted) ${(100 * outlook.exhaustionProbability1y).toFixed(1)}%; fund median `,
    );
    expect(text).not.toContain('to collect it in 30 days');
  });
});

describe('the alert’s next steps', () => {
  it('say the run’s targeted recommendation instead of the 30-day fee', () => {
    const sentence = 'Raise the insurance fee by 0.66 bps of volume: within 90 days that reaches the target.';
    const item = { ...outboxItem(), recommendation: sentence };
    const steps = alertFacts(item).nextSteps;
    expect(steps[0]).toBe(sentence);
    expect(steps[1]).toMatch(/^Lower the requirement where it comes from: BTC-PERP carries /);
    expect(steps.at(-1)).toBe(
      'Audit the run: backstop replay --fund demo-perps --as-of 2026-11-22T04:00:00.000Z',
    );
    expect(steps.join('\n')).not.toContain('30 days');
    expect(alertFacts(outboxItem()).nextSteps[0]).toMatch(
      /^Restore coverage: top up the fund by \$[0-9.]+[MB], or raise insurance fees by 1\.30 bps of traded volume to collect it in 30 days\.$/,
    );
  });
});
