/**
 * The full path-engine backtests behind docs/VALIDATION.md: the demo fund's book on the shipped BTC
 * and ETH daily histories (each alone, then together), one-day VaR/ES at 99%, the realised loss the
 * replay of each day's candle. Prints the markdown table the document shows.
 *
 *   npm run backtest:full                       # the shipped histories (about 10 minutes per history)
 *   npm run backtest:full -- --loss net         # the net loss (bad debt less liquidation income)
 *   npm run backtest:full -- --paths 1000 --prices other_btc.csv   # also (or only) another series
 *
 * `--prices FILE[,FILE]` replaces the shipped sets by one set (files mapped to the fund's markets
 * by asset, as `backstop backtest` does).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bookFromFund } from '../lambda/backtest/backtest-book.ts';
import { summarizeBacktest } from '../lambda/backtest/backtest-summary.ts';
import { mapFilesToMarkets } from '../lambda/backtest/market-mapping.ts';
import { createPathRiskEngine, type LossMeasure } from '../lambda/backtest/path-risk-engine.ts';
import { readPriceCsv } from '../lambda/backtest/price-csv.ts';
import { alignDaily, intradayMarkets } from '../lambda/backtest/price-panel.ts';
import {
  DEFAULT_BACKTEST_SETTINGS,
  DEFAULT_PATH_BACKTEST_PATHS,
  runBacktest,
} from '../lambda/backtest/run-backtest.ts';
import { loadFundConfig } from '../lambda/config/load-fund-config.ts';
import { Xoshiro128 } from '../lambda/model/random/xoshiro128.ts';

const ROOT = resolve(import.meta.dirname, '..');
const PRICES = resolve(ROOT, 'fixtures/prices');
const SHIPPED = [
  [resolve(PRICES, 'binance_btcusdt_daily.csv')],
  [resolve(PRICES, 'binance_ethusdt_daily.csv')],
  [resolve(PRICES, 'binance_btcusdt_daily.csv'), resolve(PRICES, 'binance_ethusdt_daily.csv')],
];

const { values } = parseArgs({
  options: {
    paths: { type: 'string' },
    prices: { type: 'string' },
    fund: { type: 'string' },
    loss: { type: 'string' },
  },
});
const paths = values.paths === undefined ? DEFAULT_PATH_BACKTEST_PATHS : Number(values.paths);
const sets = values.prices === undefined ? SHIPPED : [values.prices.split(',').map((f) => resolve(f))];
const fundPath = resolve(ROOT, values.fund ?? 'config/funds/demo.json');
const fund = await loadFundConfig(fundPath);
const settings = { ...DEFAULT_BACKTEST_SETTINGS, paths };
if (values.loss !== undefined && values.loss !== 'net' && values.loss !== 'bad-debt') {
  console.error(`--loss: expected bad-debt or net, got ${JSON.stringify(values.loss)}`);
  process.exit(2);
}
const lossMeasure: LossMeasure = values.loss ?? 'bad-debt';

const p4 = (p: number) => (p < 0.0001 ? p.toExponential(1) : p.toFixed(4));
const musd = (x: number) => `$${(x / 1e6).toFixed(1)}M`;
console.log(
  `Path-engine backtests, ${fund.fundId} book ($1B OI per market), 99%, ${paths} paths per day, loss: ${lossMeasure}`,
);
console.log();
console.log(
  '| prices | days | exceedances | expected | zone | Kupiec p | Christoffersen p | cond. coverage p | Z2 (5% crit) | mean VaR | worst day | seconds |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const files of sets) {
  const started = performance.now();
  const marketIds = mapFilesToMarkets(files, fund.markets, undefined);
  const book = {
    ...bookFromFund(fund, marketIds, 'config/funds/demo.json'),
    engine: 'path' as const,
    lossMeasure,
  };
  const series = await Promise.all(files.map((f) => readPriceCsv(f, f, { candles: true })));
  const panel = alignDaily(
    series.map((s, i) => ({ marketId: marketIds[i]!, series: s })),
    {},
    settings.warmupDays + 2,
  );
  const run = runBacktest(panel, book, createPathRiskEngine(lossMeasure, intradayMarkets(panel)), settings);
  const rng = Xoshiro128.fromSeed(settings.seed);
  const s = summarizeBacktest(run, book.tailDof, () => rng.nextDouble());
  const worst = s.worstDays[0];
  const names = files.map((f) => f.replace(`${PRICES}/`, '')).join(' + ');
  const candles = series.every((x) => x.candleColumns !== null) ? '' : ' (closes only)';
  console.log(
    `| ${names}${candles} ${s.from} → ${s.to} | ${s.days} | ${s.exceedances} | ${s.expectedExceedances.toFixed(1)} | ${s.trafficLight.zone} | ${p4(s.kupiec.pValue)} | ${p4(s.christoffersen.pValue)} | ${p4(s.conditionalCoverage.pValue)} | ${s.expectedShortfall.z2.toFixed(2)} (${s.expectedShortfall.criticalValue5pct.toFixed(2)}) | ${musd(s.meanVarUsd)} | ${worst === undefined ? '—' : `${worst.date} ${musd(worst.realizedLossUsd)}`} | ${((performance.now() - started) / 1000).toFixed(0)} |`,
  );
}
