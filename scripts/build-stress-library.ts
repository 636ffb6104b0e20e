/**
 * Builds the default stress library, config/stress-library.json, from recorded price paths and
 * reported facts (docs/MODEL.md §5 lists each scenario and its source):
 *
 * - 2020-03-12 crash, 2020-03-13 rebound, 2021-05-19: Binance BTCUSDT/ETHUSDT hourly candles
 *   (fixtures/prices/binance_event_windows_1h.csv);
 * - 2022-11-08/09 FTX collapse: Binance BTCUSDT hourly candles (fixtures/prices/binance_btcusdt_1h.csv),
 *   ETH and SOL scaled from BTC by their moves of that week;
 * - 2025-10-10 cascade: no recorded path in the repository; built from the reported facts.
 *
 * Each hourly candle becomes four points — open, then high and low in the order the candle implies
 * (a falling candle: high first), then close — at minutes 0, 20, 40, 60 of the hour. Columns are
 * underlyings (BTC, ETH, SOL) plus `*` for every other market; alts are the BTC path raised to an
 * event beta, (1 + r)^β − 1.
 *
 * Run: `node --import tsx scripts/build-stress-library.ts` (rewrites the file; the output is
 * committed, and a test checks it is what this script produces).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LibraryScenario, StressLibrarySchema } from '../lambda/config/stress-library.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const EVENTS_CSV = join(root, 'fixtures/prices/binance_event_windows_1h.csv');
const HOURLY_CSV = join(root, 'fixtures/prices/binance_btcusdt_1h.csv');
export const LIBRARY_PATH = join(root, 'config/stress-library.json');

interface Candle {
  readonly time: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

/** Candles of `symbol` from the event-window file (header open_time_utc,symbol,open,high,low,close). */
function eventCandles(symbol: string): Candle[] {
  return readFileSync(EVENTS_CSV, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','))
    .filter((f) => f[1] === symbol)
    .map((f) => ({
      time: f[0]!,
      open: Number(f[2]),
      high: Number(f[3]),
      low: Number(f[4]),
      close: Number(f[5]),
    }));
}

/** Candles of the shipped hourly BTC history (header open_time,open,high,low,close,volume), ISO times. */
function hourlyBtc(): Candle[] {
  return readFileSync(HOURLY_CSV, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','))
    .map((f) => ({
      time: `${f[0]!.replace(' ', 'T')}Z`,
      open: Number(f[1]),
      high: Number(f[2]),
      low: Number(f[3]),
      close: Number(f[4]),
    }));
}

/** Candles with from ≤ time < to (ISO strings compare as times). */
function between(candles: readonly Candle[], from: string, to: string): Candle[] {
  return candles.filter((c) => c.time >= from && c.time < to);
}

/** Four prices per candle: open, the two extremes in the order the candle implies, close. */
function candlePoints(candles: readonly Candle[]): number[] {
  const prices: number[] = [];
  candles.forEach((c, i) => {
    if (i === 0) prices.push(c.open);
    const falling = c.close < c.open;
    prices.push(falling ? c.high : c.low, falling ? c.low : c.high, c.close);
  });
  return prices;
}

/** Cumulative simple returns from the first price, rounded to 1e-6. */
function cumulative(prices: readonly number[]): number[] {
  return prices.map((p) => round(p / prices[0]! - 1));
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** The BTC path raised to an event beta: (1 + r)^β − 1. */
function scaled(returns: readonly number[], beta: number): number[] {
  return returns.map((r) => round((1 + r) ** beta - 1));
}

function minutesOf(points: number): number[] {
  return Array.from({ length: points }, (_, k) => k * 20);
}

function recorded(args: {
  name: string;
  from: string;
  to: string;
  liquidityFactor: number;
  altBeta: number;
  source: string;
}): LibraryScenario {
  const btc = cumulative(candlePoints(between(eventCandles('BTCUSDT'), args.from, args.to)));
  const eth = cumulative(candlePoints(between(eventCandles('ETHUSDT'), args.from, args.to)));
  return {
    name: args.name,
    source: args.source,
    liquidityFactor: args.liquidityFactor,
    minutes: minutesOf(btc.length),
    returns: { BTC: btc, ETH: eth, '*': scaled(btc, args.altBeta) },
  };
}

function ftx(): LibraryScenario {
  const btc = cumulative(candlePoints(between(hourlyBtc(), '2022-11-08T00:00:00Z', '2022-11-10T00:00:00Z')));
  return {
    name: '2022-11-08/09 FTX collapse',
    source:
      'Binance BTCUSDT hourly candles 2022-11-08 00:00 → 2022-11-09 23:00 UTC (fixtures/prices/binance_btcusdt_1h.csv); ETH = BTC^1.31, SOL and others = BTC^2.31 (their moves that week)',
    liquidityFactor: 0.04,
    minutes: minutesOf(btc.length),
    returns: { BTC: btc, ETH: scaled(btc, 1.31), SOL: scaled(btc, 2.31), '*': scaled(btc, 2.31) },
  };
}

/**
 * 2025-10-10, 20:00 → 24:00 UTC, from reported facts: BTC 121,662 at the day's open, a first leg
 * after 20:50, the low of 102,000 (−16.2%) around 21:20 (Hyperliquid's BTC fell 112,000 → 97,000
 * between 21:15 and 21:27), a rebound, and the daily close of 112,775 (−7.3%). ETH −16% when BTC
 * was −12% (β ≈ 1.33), SOL −31% (β ≈ 2.6); other alts fell 70–90% on some books for minutes:
 * `*` takes β = 3. Liquidity 0.073: the square-root law on the day's daily candle, the measurement
 * every event without hourly candles gets (the validation events calibrate the engine on it); the
 * reported −98% depth (λ = 0.02) is the cascade's worst minute, not its window.
 */
function october2025(): LibraryScenario {
  const minutes = [0, 30, 50, 65, 75, 80, 85, 95, 110, 140, 180, 240];
  const btcPrice = [
    121_662, 121_000, 119_500, 114_000, 108_000, 104_000, 102_000, 106_000, 109_500, 111_000, 112_000,
    112_775,
  ];
  const btc = cumulative(btcPrice);
  return {
    name: '2025-10-10 liquidation cascade',
    source:
      'built from reported facts, no recorded path: Binance BTCUSDT day open 121,662, low 102,000, close 112,775; Hyperliquid BTC 112,000 → 97,000 in 21:15–21:27 UTC; ETH −16% and SOL −31% when BTC was −12%; λ 0.073 from the square-root law on the day’s candle (as for 2020-03-12; the reported −98% depth is its worst minute)',
    liquidityFactor: 0.073,
    minutes,
    returns: { BTC: btc, ETH: scaled(btc, 1.33), SOL: scaled(btc, 2.6), '*': scaled(btc, 3) },
  };
}

/** The library, in a fixed order. */
export function buildStressLibrary(): LibraryScenario[] {
  const eventsSource = (window: string) =>
    `Binance BTCUSDT/ETHUSDT hourly candles ${window} (fixtures/prices/binance_event_windows_1h.csv)`;
  return [
    recorded({
      name: '2020-03-12 crash',
      from: '2020-03-12T00:00:00Z',
      to: '2020-03-13T03:00:00Z',
      liquidityFactor: 0.03,
      altBeta: 1.28,
      source: `${eventsSource('2020-03-12 00:00 → 2020-03-13 02:00 UTC')}; others = BTC^1.28 (SOL's crash beta)`,
    }),
    recorded({
      name: '2020-03-13 rebound (short squeeze)',
      from: '2020-03-13T02:00:00Z',
      to: '2020-03-13T10:00:00Z',
      liquidityFactor: 0.04,
      altBeta: 1.28,
      source: `${eventsSource('2020-03-13 02:00 → 09:00 UTC')}; others = BTC^1.28`,
    }),
    recorded({
      name: '2021-05-19 crash',
      from: '2021-05-19T00:00:00Z',
      to: '2021-05-19T17:00:00Z',
      liquidityFactor: 0.08,
      altBeta: 2.6,
      source: `${eventsSource('2021-05-19 00:00 → 16:00 UTC')}; others = BTC^2.6 (SOL/BTC that day)`,
    }),
    ftx(),
    october2025(),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const library = StressLibrarySchema.parse({ scenarios: buildStressLibrary() });
  writeFileSync(LIBRARY_PATH, `${JSON.stringify(library, null, 1)}\n`);
  console.log(`wrote ${LIBRARY_PATH}: ${library.scenarios.map((s) => s.name).join('; ')}`);
}
