/**
 * The backtest page a risk committee reads (`backstop backtest --html FILE`), styled like the run
 * report: the verdict in plain words with the traffic-light zone, headline cards, the exceedance
 * chart (titled axes, outliers clipped and named), the tests with what each one asks, the worst days
 * and a glossary. Self-contained: inline CSS and SVG, no script.
 */
import type { BacktestBook } from '../backtest/backtest-book.ts';
import type { BacktestSummary } from '../backtest/backtest-summary.ts';
import { lossMeasureText, verdictLine } from '../backtest/backtest-text.ts';
import type { BacktestDay } from '../backtest/run-backtest.ts';
import { BACKTEST_CHART_STYLE, backtestChart, CLIP_QUANTILE } from './backtest-chart.ts';
import { formatCount, formatPercent, formatUsd } from './format.ts';
import { figureCard, glossary, htmlPage, htmlTable, legendRow, type Row } from './html-page.ts';
import { escapeXml } from './svg-charts.ts';

/** What the page shows. */
export interface BacktestPageInput {
  readonly summary: BacktestSummary;
  readonly book: BacktestBook;
  /** The price files, as given. */
  readonly files: readonly string[];
  /** Every evaluated day, oldest first. */
  readonly days: readonly BacktestDay[];
}

const pValue = (p: number) => (p < 0.0001 ? p.toExponential(1) : p.toFixed(4));
const passes = (p: number) => (p < 0.05 ? 'REJECT' : 'pass');

/** "On 12 of 2,400 days (0.50%) …": the count read as a sentence. */
export function exceedanceSentence(s: BacktestSummary): string {
  return `On ${formatCount(s.exceedances)} of ${formatCount(s.days)} days (${formatPercent(s.exceedanceRate, 2)}) the book lost more than the model's one-day VaR at ${formatPercent(s.confidence, 1)}; a correct model would see about ${s.expectedExceedances.toFixed(1)} (${formatPercent(1 - s.confidence, 2)}).`;
}

/** Renders the page. Deterministic: the same input gives the same bytes. */
export function renderBacktestPage(input: BacktestPageInput): string {
  const { summary: s, book } = input;
  const zone = s.trafficLight.zone.toUpperCase();
  const markets = book.markets.map((m) => m.id).join(' + ');
  const verdict = verdictLine(s);
  const chart = backtestChart(
    input.days,
    `Forecast VaR and ES against the realised loss, ${s.from} to ${s.to}`,
  );
  const es = s.expectedShortfall;
  const z2 = Number.isFinite(es.z2) ? es.z2.toFixed(3) : '+inf';
  const losses = chart.clipped.filter((c) => c.series === 'realised loss');
  const forecasts = chart.clipped.length - losses.length;
  const clippedParts = [
    ...(losses.length === 0
      ? []
      : [
          `realised losses above the axis, drawn as ▲ at its top: ${losses.map((c) => `${c.date} ${formatUsd(c.valueUsd)}`).join(', ')}`,
        ]),
    ...(forecasts === 0
      ? []
      : [
          `${forecasts} forecast day${forecasts === 1 ? '' : 's'} (ES or VaR) above the axis, drawn at its top`,
        ]),
  ];
  const clippedNote =
    clippedParts.length === 0
      ? ''
      : `<p class="note" id="clipped">The loss axis ends at ${formatUsd(chart.axisTopUsd)} (the ${formatPercent(CLIP_QUANTILE, 1)} quantile of the plotted values, plus 10%): ${escapeXml(clippedParts.join('; '))}.</p>`;
  const tests: Row[] = [
    [
      { text: 'Basel traffic light', cls: 'text' },
      { text: 'Are there more exceedances than chance allows?', cls: 'text' },
      `P(X ≤ ${s.exceedances}) = ${s.trafficLight.cumulativeProbability.toFixed(4)}`,
      `green < ${s.trafficLight.yellowFrom}, red ≥ ${s.trafficLight.redFrom}`,
      zone,
    ],
    [
      { text: 'Kupiec POF', cls: 'text' },
      { text: 'Is the exceedance rate the nominal one (too many or too few)?', cls: 'text' },
      `LR ${s.kupiec.lr.toFixed(3)}`,
      `p = ${pValue(s.kupiec.pValue)}`,
      passes(s.kupiec.pValue),
    ],
    [
      { text: 'Christoffersen independence', cls: 'text' },
      {
        text: `Do exceedances cluster? (${s.christoffersen.clusteredExceedances} back-to-back)`,
        cls: 'text',
      },
      `LR ${s.christoffersen.lr.toFixed(3)}`,
      `p = ${pValue(s.christoffersen.pValue)}`,
      passes(s.christoffersen.pValue),
    ],
    [
      { text: 'Conditional coverage', cls: 'text' },
      { text: 'Both at once: the right rate, and independent', cls: 'text' },
      `LR ${s.conditionalCoverage.lr.toFixed(3)}`,
      `p = ${pValue(s.conditionalCoverage.pValue)}`,
      passes(s.conditionalCoverage.pValue),
    ],
    [
      { text: 'Acerbi–Székely Z2', cls: 'text' },
      { text: 'Beyond VaR, are losses as large as the forecast ES says?', cls: 'text' },
      `Z2 ${z2}`,
      `critical ${es.criticalValue5pct.toFixed(3)} (5%)`,
      es.verdict === 'accept' ? 'pass' : 'REJECT',
    ],
  ];
  const worst: Row[] = s.worstDays.map((d) => {
    const cells = [
      d.date,
      formatUsd(d.realizedLossUsd),
      formatUsd(d.varUsd),
      formatUsd(d.esUsd),
      d.exceeded ? 'yes' : 'no',
      {
        text: Object.entries(d.returns)
          .map(([id, r]) => `${id} ${r >= 0 ? '+' : ''}${formatPercent(r, 1)}`)
          .join(', '),
        cls: 'text',
      },
    ];
    return d.exceeded ? { cells, cls: 'worst' } : cells;
  });
  const body = `<h1>Backtest of the reserve model <span class="status status-${zone}">${zone}</span></h1>
<p class="meta">${escapeXml(markets)} · ${escapeXml(s.from)} to ${escapeXml(s.to)} (UTC days) · ${formatCount(s.days)} one-day forecasts at ${formatPercent(s.confidence, 1)} · book: ${escapeXml(book.source)}, ${formatUsd(book.markets[0]?.openInterestUsd ?? 0)} open interest per market, ν = ${book.tailDof ?? 'Gaussian'} · loss: ${escapeXml(lossMeasureText(book))} · prices: ${escapeXml(input.files.join(', '))}${s.skippedGaps > 0 ? ` · ${s.skippedGaps} forecasts skipped (next day missing)` : ''}</p>
<p class="verdict" id="verdict">${escapeXml(verdict.charAt(0).toUpperCase() + verdict.slice(1))}. ${escapeXml(exceedanceSentence(s))}</p>
<div class="headline">
${figureCard('Exceedances', `${formatCount(s.exceedances)} of ${formatCount(s.days)}`, { text: `${s.expectedExceedances.toFixed(1)} expected`, caveat: false })}
${figureCard('Exceedance rate', formatPercent(s.exceedanceRate, 2), { text: `nominal ${formatPercent(1 - s.confidence, 2)}`, caveat: false })}
${figureCard('Traffic light', zone, { text: `red from ${s.trafficLight.redFrom} exceedances`, caveat: zone !== 'GREEN' })}
${figureCard('ES test', es.verdict === 'accept' ? 'pass' : 'REJECT', { text: `loss beyond VaR ${formatUsd(es.meanLossOnExceedanceUsd)} vs ES ${formatUsd(es.meanEsOnExceedanceUsd)}`, caveat: es.verdict !== 'accept' })}
</div>

<section class="card" id="chart">
<h2>Forecast against what happened</h2>
${chart.svg}
${legendRow([
  ['background:#1a62c4;height:2px', 'VaR (forecast)'],
  ['background:#e08a00;height:2px', 'ES (forecast)'],
  ['background:#8f9aab;height:2px', 'realised loss of the book'],
  ['background:#c5221f;border-radius:50%;width:8px;height:8px', 'exceedance (loss above VaR)'],
])}
${clippedNote}
</section>

<section class="card" id="tests">
<h2>The tests</h2>
${htmlTable(['test', 'what it asks', 'statistic', 'threshold', 'result'], tests, 'tests')}
<p class="note">Mean forecast VaR ${formatUsd(s.meanVarUsd)}, mean forecast ES ${formatUsd(s.meanEsUsd)} per day; a p-value below 0.05 rejects the model at 5%.</p>
</section>

<section class="card" id="worst-days">
<h2>The worst days</h2>
${htmlTable(['date (UTC)', 'loss', 'VaR', 'ES', 'exceeded', 'returns'], worst, 'worst-days')}
</section>

<section class="card" id="glossary">
<h2>Glossary</h2>
${glossary(['VaR and exceedance', 'expected shortfall (ES)', 'Basel traffic light'])}
</section>`;
  return htmlPage(`Backstop backtest ${s.from} to ${s.to} (${markets})`, body, BACKTEST_CHART_STYLE);
}
