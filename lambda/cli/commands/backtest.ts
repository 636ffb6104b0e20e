/**
 * `backstop backtest --prices FILE[,FILE…] [--from DATE] [--to DATE] [--fund FILE] [--map FILE=MARKET,…]
 * [--confidence A] [--paths N] [--seed S] [--json] [--html FILE]`: the model's one-day VaR/ES on daily
 * price history against the realised loss of the same book, with the verdict a risk committee reads.
 */
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { type BacktestBook, bookFromFund, builtInBook } from '../../backtest/backtest-book.ts';
import { summarizeBacktest } from '../../backtest/backtest-summary.ts';
import { renderBacktestText } from '../../backtest/backtest-text.ts';
import { assetOfFileName, mapFilesToMarkets, parseMapOption } from '../../backtest/market-mapping.ts';
import { modelRiskEngine } from '../../backtest/model-risk-engine.ts';
import { createPathRiskEngine, type LossMeasure } from '../../backtest/path-risk-engine.ts';
import { parseTimeCell, readPriceCsv } from '../../backtest/price-csv.ts';
import { alignDaily, intradayMarkets } from '../../backtest/price-panel.ts';
import {
  DEFAULT_BACKTEST_SETTINGS,
  DEFAULT_PATH_BACKTEST_PATHS,
  runBacktest,
} from '../../backtest/run-backtest.ts';
import { loadFundConfig } from '../../config/load-fund-config.ts';
import type { EngineName } from '../../model/engines/loss-engine.ts';
import { Xoshiro128 } from '../../model/random/xoshiro128.ts';
import { InvalidInputError } from '../../model/validation.ts';
import { renderBacktestPage } from '../../present/backtest-page.ts';
import { type CommandIo, ExitCode, intOption, parseOptions } from '../io.ts';
import { writeFileAtomic } from '../write-atomic.ts';

/** The fund used when `--fund` is not given (the built-in book when this file does not exist). */
export const DEFAULT_FUND_PATH = 'config/funds/demo.json';

const USAGE = `usage: backstop backtest --prices FILE[,FILE...] [options]

Backtests the model's one-day VaR and ES of the fund's loss on daily price history: for every day a
snapshot from data up to that day only (EWMA vol as the IV proxy, EWMA correlation, the fund's leverage
profile on a fixed $1B-OI-per-market book), then the realised loss of the next day through the same
engine: the path engine replays the day's candle (open, high, low, close in the order the candle
implies) through the book; the gap model takes the close-to-close move. The day's loss is its bad
debt (zero on most days; a day at the VaR's zero counts with the randomised PIT's probability), or with
--loss net bad debt less liquidation income.
  --prices FILE[,FILE...]  daily price CSVs (a time column and a close column; open/high/low columns
                           give the path engine the day's candle, else it sees a straight move), one per market
  --map FILE=MARKET,...    which fund market each file prices (default: asset in the file name, else order)
  --fund FILE              fund config (default ${DEFAULT_FUND_PATH}; a built-in book if it is absent)
  --from DATE, --to DATE   first / last realised day (YYYY-MM-DD, inclusive)
  --engine path|gap        loss engine (default: the fund's, path without a fund file)
  --loss bad-debt|net      what a day's loss is (default bad-debt; the gap model has no income)
  --confidence A           VaR/ES confidence (default ${DEFAULT_BACKTEST_SETTINGS.confidence})
  --paths N                Monte Carlo paths per day (default ${DEFAULT_PATH_BACKTEST_PATHS} path, ${DEFAULT_BACKTEST_SETTINGS.paths} gap)
  --seed S                 base seed (default ${DEFAULT_BACKTEST_SETTINGS.seed})
  --json                   print the summary and every day as JSON
  --html FILE              also write the committee page: verdict, cards, the exceedance chart, tests
`;

function dateOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? parseTimeCell(value) : undefined;
  if (ms === undefined) {
    throw new InvalidInputError(`--${name}: expected a date YYYY-MM-DD, got ${JSON.stringify(value)}`, name);
  }
  return ms;
}

function confidenceOption(value: string | undefined): number {
  if (value === undefined) return DEFAULT_BACKTEST_SETTINGS.confidence;
  const a = Number(value);
  if (!(a > 0.5 && a < 1)) {
    throw new InvalidInputError(
      `--confidence: expected a number in (0.5, 1), got ${JSON.stringify(value)}`,
      'confidence',
    );
  }
  return a;
}

function lossOption(value: string | undefined): LossMeasure | undefined {
  if (value === undefined || value === 'bad-debt' || value === 'net') return value;
  throw new InvalidInputError(`--loss: expected bad-debt or net, got ${JSON.stringify(value)}`, 'loss');
}

function engineOption(value: string | undefined): EngineName | undefined {
  if (value === undefined || value === 'path' || value === 'gap') return value;
  throw new InvalidInputError(`--engine: expected path or gap, got ${JSON.stringify(value)}`, 'engine');
}

async function loadBook(
  fundOption: string | undefined,
  files: readonly string[],
  mapOption: string | undefined,
  cwd: string,
): Promise<{ book: BacktestBook; marketIds: string[] }> {
  const explicit = mapOption === undefined ? undefined : parseMapOption(mapOption);
  const fundPath = resolve(cwd, fundOption ?? DEFAULT_FUND_PATH);
  if (fundOption === undefined && !existsSync(fundPath)) {
    const marketIds = files.map((f) => {
      const asset = assetOfFileName(f);
      return (
        explicit?.get(f) ??
        explicit?.get(basename(f)) ??
        (asset === undefined ? basename(f).replace(/\.[^.]*$/, '') : `${asset}-PERP`)
      );
    });
    return { book: builtInBook(marketIds), marketIds };
  }
  const fund = await loadFundConfig(fundPath);
  const marketIds = mapFilesToMarkets(files, fund.markets, explicit);
  return { book: bookFromFund(fund, marketIds, fundOption ?? DEFAULT_FUND_PATH), marketIds };
}

/** The `backtest` command; returns the exit code (0 ok, 2 bad input, 1 failure). */
export async function backtestCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseOptions(
    argv,
    {
      prices: { type: 'string' },
      map: { type: 'string' },
      fund: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      engine: { type: 'string' },
      loss: { type: 'string' },
      confidence: { type: 'string' },
      paths: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
      html: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    'backtest',
  );
  if (values.help) {
    io.stdout(USAGE);
    return ExitCode.Ok;
  }
  if (values.prices === undefined || values.prices.trim() === '') {
    throw new InvalidInputError('backstop backtest: --prices FILE[,FILE...] is required', 'prices');
  }
  const files = values.prices.split(',').map((f) => f.trim());
  const engineName = engineOption(values.engine);
  const lossMeasure = lossOption(values.loss);
  const fromMs = dateOption(values.from, 'from');
  const toMs = dateOption(values.to, 'to');
  const loaded = await loadBook(values.fund, files, values.map, io.cwd);
  const book = {
    ...loaded.book,
    ...(engineName === undefined ? {} : { engine: engineName }),
    ...(lossMeasure === undefined ? {} : { lossMeasure }),
  };
  const { marketIds } = loaded;
  const settings = {
    ...DEFAULT_BACKTEST_SETTINGS,
    confidence: confidenceOption(values.confidence),
    paths:
      intOption(values.paths, 'paths', 100) ??
      (book.engine === 'path' ? DEFAULT_PATH_BACKTEST_PATHS : DEFAULT_BACKTEST_SETTINGS.paths),
    seed: intOption(values.seed, 'seed', 0) ?? DEFAULT_BACKTEST_SETTINGS.seed,
  };
  const series = await Promise.all(
    files.map((f) => readPriceCsv(resolve(io.cwd, f), f, { candles: book.engine === 'path' })),
  );
  // The first forecast needs the warm-up before it, so the range cut starts warm-up days earlier.
  const range = {
    ...(fromMs === undefined ? {} : { fromMs: fromMs - (settings.warmupDays + 1) * 86_400_000 }),
    ...(toMs === undefined ? {} : { toMs }),
  };
  const panel = alignDaily(
    series.map((s, i) => ({ marketId: marketIds[i] ?? s.file, series: s })),
    range,
    settings.warmupDays + 2,
  );
  const progress = io.stderrIsTty
    ? (done: number, total: number) => {
        if (done % 100 === 0 || done === total) io.stderr(`\rbacktest ${done} / ${total} days`);
        if (done === total) io.stderr('\n');
      }
    : undefined;
  const engine =
    book.engine === 'path' ? createPathRiskEngine(book.lossMeasure, intradayMarkets(panel)) : modelRiskEngine;
  const run = runBacktest(panel, book, engine, settings, progress);
  const rng = Xoshiro128.fromSeed(settings.seed);
  const summary = summarizeBacktest(run, book.tailDof, () => rng.nextDouble());
  const text = renderBacktestText(summary, book, files);
  if (values.html !== undefined) {
    const page = renderBacktestPage({ summary, book, files, days: run.days });
    await writeFileAtomic(resolve(io.cwd, values.html), page);
  }
  if (values.json) {
    const { worstDays, ...rest } = summary;
    const json = {
      files,
      book: {
        source: book.source,
        fundId: book.fundId,
        engine: book.engine,
        lossMeasure: book.lossMeasure,
        markets: book.markets,
        tailDof: book.tailDof,
      },
      settings,
      summary: { ...rest, worstDays: worstDays.map((d) => d.date) },
      days: run.days,
    };
    io.stdout(`${JSON.stringify(json, (_, v) => (v === Number.POSITIVE_INFINITY ? 'Infinity' : v))}\n`);
  } else {
    io.stdout(text);
  }
  return ExitCode.Ok;
}
