import { describe, expect, it } from 'vitest';
import { builtInBook } from '../../../lambda/backtest/backtest-book.ts';
import { summarizeBacktest } from '../../../lambda/backtest/backtest-summary.ts';
import type { BacktestDay, BacktestRun } from '../../../lambda/backtest/run-backtest.ts';
import { DEFAULT_BACKTEST_SETTINGS } from '../../../lambda/backtest/run-backtest.ts';
import { Xoshiro128 } from '../../../lambda/model/random/xoshiro128.ts';
import { backtestChart } from '../../../lambda/present/backtest-chart.ts';
import { exceedanceSentence, renderBacktestPage } from '../../../lambda/present/backtest-page.ts';

/** 400 quiet days (loss $10M, VaR $20M, ES $30M), every 100th an exceedance, and one crash of $2B. */
function syntheticDays(): BacktestDay[] {
  const start = Date.UTC(2020, 0, 1);
  return Array.from({ length: 400 }, (_, i) => {
    const crash = i === 71;
    const exceeded = crash || i % 100 === 50;
    return {
      date: new Date(start + i * 86_400_000).toISOString().slice(0, 10),
      varUsd: 20e6,
      esUsd: 30e6,
      realizedLossUsd: crash ? 2e9 : exceeded ? 25e6 : 10e6,
      exceeded,
      returns: { 'BTC-PERP': crash ? -0.39 : 0.01 },
      vols: { 'BTC-PERP': 0.6 },
    };
  });
}

const days = syntheticDays();
const run: BacktestRun = { settings: DEFAULT_BACKTEST_SETTINGS, days, skippedGaps: 0 };
const rng = Xoshiro128.fromSeed(1);
const summary = summarizeBacktest(run, 3, () => rng.nextDouble());

describe('the backtest chart', () => {
  const chart = backtestChart(days, 'test');

  it('clips the crash day at the top of a linear axis and names it, instead of flattening the rest', () => {
    expect(chart.axisTopUsd).toBe(35e6);
    expect(chart.clipped).toEqual([{ date: '2020-03-12', series: 'realised loss', valueUsd: 2e9 }]);
    expect(chart.svg.match(/class="clipped-mark"/g)).toHaveLength(1);
    expect(chart.svg.match(/<circle class="exceedance"/g)).toHaveLength(4);
    // No series point leaves the plot: every y of the paths is within [top margin, bottom axis].
    const ys = [...chart.svg.matchAll(/class="series [^"]+" d="([^"]+)"/g)].flatMap((m) =>
      [...(m[1] ?? '').matchAll(/[ML][\d.]+,([\d.]+)/g)].map((p) => Number(p[1])),
    );
    expect(Math.min(...ys)).toBeGreaterThanOrEqual(16);
    expect(Math.max(...ys)).toBeLessThanOrEqual(272);
  });

  it('titles both axes, starts at $0 and labels the ticks in one format', () => {
    expect(chart.svg).toContain('>date (UTC)</text>');
    expect(chart.svg).toContain('rotate(-90)" text-anchor="middle">one-day loss of the book (USD)</text>');
    expect(chart.svg).toContain('text-anchor="end">$0</text>');
    const ticks = [...chart.svg.matchAll(/class="tick x-tick"[^>]*><line y2="5"\/><text[^>]*>([^<]+)</g)].map(
      (m) => m[1],
    );
    expect(ticks).toEqual(['2020-01', '2020-04', '2020-07', '2020-10', '2021-01']);
    expect(chart.svg).not.toContain('$0.00');
  });
});

describe('the backtest page', () => {
  const html = renderBacktestPage({ summary, book: builtInBook(['BTC-PERP']), files: ['btc.csv'], days });

  it('reads like the run report: verdict in words, cards, tables, no terminal dump', () => {
    expect(html).not.toContain('<pre');
    expect(html).toContain(
      '<h1>Backtest of the reserve model <span class="status status-GREEN">GREEN</span></h1>',
    );
    expect(exceedanceSentence(summary)).toBe(
      "On 5 of 400 days (1.25%) the book lost more than the model's one-day VaR at 99.0%; a correct model would see about 4.0 (1.00%).",
    );
    expect(html).toContain(exceedanceSentence(summary).replace("'", '&#39;'));
    expect(html.match(/<div class="figure[^"]*">/g)).toHaveLength(4);
    expect(html).toContain('<div class="figure">Exceedances<b>5 of 400</b><small>4.0 expected</small></div>');
    expect(html.match(/<table class="tests">[\s\S]*?<\/table>/)?.[0].match(/<tr>/g)).toHaveLength(6);
    expect(html).toContain(
      '<tr class="worst"><td>2020-03-12</td><td>$2.00B</td><td>$20.0M</td><td>$30.0M</td><td>yes</td><td class="text">BTC-PERP -39.0%</td></tr>',
    );
    expect(html).toContain(
      '<p class="note" id="clipped">The loss axis ends at $35.0M (the 99.5% quantile of the plotted values, plus 10%): realised losses above the axis, drawn as ▲ at its top: 2020-03-12 $2.00B.</p>',
    );
    expect([...html.matchAll(/<dt>([^<]+)<\/dt>/g)].map((m) => m[1])).toEqual([
      'VaR and exceedance',
      'expected shortfall (ES)',
      'Basel traffic light',
    ]);
  });

  it('is deterministic', () => {
    expect(renderBacktestPage({ summary, book: builtInBook(['BTC-PERP']), files: ['btc.csv'], days })).toBe(
      html,
    );
  });
});
