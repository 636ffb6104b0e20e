/**
 * The readable backtest report: the verdict first (zone, tests, ES), then the worst days. Money in
 * USD millions, rates in percent.
 */
import type { BacktestBook } from './backtest-book.ts';
import type { BacktestSummary } from './backtest-summary.ts';

const musd = (x: number | null) => (x === null ? '—' : `${(x / 1e6).toFixed(1)}M`);
const usd = (x: number) => (x >= 1e9 ? `$${(x / 1e9).toFixed(2)}B` : `$${(x / 1e6).toFixed(1)}M`);
const pct = (x: number, digits = 2) => `${(x * 100).toFixed(digits)}%`;
const pv = (p: number) => (p < 0.0001 ? p.toExponential(1) : p.toFixed(4));

/** What each engine realises a day as, for the report's second line. */
const ENGINE_TEXT = {
  path: "path — each day's candle (open, extremes in the order the candle implies, close) replayed through the book",
  gap: 'gap — the close-to-close move through the liquidation cascade',
} as const;

/** What a day's loss is, for the report's second line. */
export function lossMeasureText(book: BacktestBook): string {
  if (book.engine === 'gap') return 'bad debt (the gap model has no liquidation income)';
  return book.lossMeasure === 'net'
    ? 'net: bad debt less liquidation income'
    : 'bad debt (zero on most days; a day at a zero VaR counts by the randomised PIT)';
}

/**
 * The one-line verdict: the traffic-light zone decides, and a green zone is qualified when another
 * test disagrees (too few exceedances, clustering, ES too small), because a committee reads the line.
 */
export function verdictLine(s: BacktestSummary): string {
  const { zone } = s.trafficLight;
  if (zone === 'red') return 'model rejected: far more exceedances than the confidence level allows (red)';
  if (zone === 'yellow')
    return 'model questionable: more exceedances than the confidence level allows (yellow)';
  if (s.kupiec.pValue < 0.05 && s.exceedances < s.expectedExceedances) {
    return 'model accepted but conservative: significantly fewer exceedances than expected (Kupiec)';
  }
  if (s.christoffersen.pValue < 0.05)
    return 'model accepted on the count, but exceedances cluster (Christoffersen)';
  if (s.expectedShortfall.verdict !== 'accept') {
    return 'VaR accepted, but losses beyond VaR exceed the forecast ES (Acerbi–Székely)';
  }
  return 'model accepted: exceedances consistent with the confidence level';
}

/** Renders the summary as a plain-text report. */
export function renderBacktestText(s: BacktestSummary, book: BacktestBook, files: readonly string[]): string {
  const es = s.expectedShortfall;
  const lines = [
    `Backtest ${s.from} → ${s.to}: ${s.days} one-day forecasts at ${pct(s.confidence, 1)} (book: ${book.source}, ${book.markets.map((m) => m.id).join(' + ')}, ${usd(book.markets[0]?.openInterestUsd ?? 0)} OI per market, ν = ${book.tailDof ?? 'Gaussian'})`,
    `Engine: ${ENGINE_TEXT[book.engine]}; loss: ${lossMeasureText(book)}`,
    `Prices: ${files.join(', ')}${s.skippedGaps > 0 ? ` (${s.skippedGaps} forecasts skipped: next day missing)` : ''}`,
    '',
    `Verdict: ${s.trafficLight.zone.toUpperCase()} — ${verdictLine(s)}`,
    '',
    `  exceedances            ${s.exceedances} observed vs ${s.expectedExceedances.toFixed(1)} expected (rate ${pct(s.exceedanceRate)} vs ${pct(1 - s.confidence)})`,
    `  Basel traffic light    ${s.trafficLight.zone} (green < ${s.trafficLight.yellowFrom}, red ≥ ${s.trafficLight.redFrom}; P(X ≤ ${s.exceedances}) = ${s.trafficLight.cumulativeProbability.toFixed(4)})`,
    `  Kupiec POF             LR ${s.kupiec.lr.toFixed(3)}  p = ${pv(s.kupiec.pValue)}  ${s.kupiec.pValue < 0.05 ? 'REJECT' : 'pass'}`,
    `  Christoffersen ind.    LR ${s.christoffersen.lr.toFixed(3)}  p = ${pv(s.christoffersen.pValue)}  ${s.christoffersen.pValue < 0.05 ? 'REJECT' : 'pass'} (${s.christoffersen.clusteredExceedances} back-to-back)`,
    `  conditional coverage   LR ${s.conditionalCoverage.lr.toFixed(3)}  p = ${pv(s.conditionalCoverage.pValue)}  ${s.conditionalCoverage.pValue < 0.05 ? 'REJECT' : 'pass'}`,
    `  ES (Acerbi–Székely Z2) ${Number.isFinite(es.z2) ? es.z2.toFixed(3) : '+inf'} vs critical ${es.criticalValue5pct.toFixed(3)} (5%) / ${es.criticalValue001pct.toFixed(3)} (0.01%)  ${es.verdict === 'accept' ? 'pass' : 'REJECT'}`,
    `  mean loss on exceedance days ${musd(es.meanLossOnExceedanceUsd)} vs mean predicted ES ${musd(es.meanEsOnExceedanceUsd)}`,
    `  mean VaR ${musd(s.meanVarUsd)}, mean ES ${musd(s.meanEsUsd)}`,
    '',
    book.engine === 'path' && book.lossMeasure === 'net'
      ? 'Worst days (realised net loss of the book; negative = the fund earned on its liquidations):'
      : 'Worst days (realised bad debt of the book):',
    `  ${'date'.padEnd(10)}  ${'loss'.padStart(9)}  ${'VaR'.padStart(9)}  ${'ES'.padStart(9)}  exceed  returns`,
    ...s.worstDays.map(
      (d) =>
        `  ${d.date}  ${musd(d.realizedLossUsd).padStart(9)}  ${musd(d.varUsd).padStart(9)}  ${musd(d.esUsd).padStart(9)}  ${(d.exceeded ? 'yes' : 'no').padEnd(6)}  ${Object.entries(
          d.returns,
        )
          .map(([id, r]) => `${id} ${r >= 0 ? '+' : ''}${pct(r, 1)}`)
          .join(', ')}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
