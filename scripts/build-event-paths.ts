/**
 * Writes the price path of every validation event, config/events/<name>/path.csv (`backstop stress`
 * format: `minute,<marketId>…,*`, cumulative simple returns from the first row):
 *
 * - recorded: Binance BTCUSDT hourly candles of fixtures/prices/binance_event_windows_1h.csv, four
 *   points per candle (open, the extremes in the order the candle implies, close) at 20-minute
 *   steps, as the stress library does;
 * - reported: built from the reported facts each event's event.json cites, and said so there.
 *
 * Run: `node --import tsx scripts/build-event-paths.ts` (the output is committed; a test checks the
 * files are what this script writes).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const EVENTS_CSV = join(root, 'fixtures/prices/binance_event_windows_1h.csv');
export const EVENTS_DIR = join(root, 'config/events');

interface Candle {
  readonly time: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

function btcCandles(from: string, to: string): Candle[] {
  return readFileSync(EVENTS_CSV, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','))
    .filter((f) => f[1] === 'BTCUSDT' && f[0]! >= from && f[0]! < to)
    .map((f) => ({
      time: f[0]!,
      open: Number(f[2]),
      high: Number(f[3]),
      low: Number(f[4]),
      close: Number(f[5]),
    }));
}

/** Four prices per candle at minutes 0, 20, 40, 60 of its hour; a falling candle has its high first. */
function candlePath(candles: readonly Candle[]): { minutes: number[]; prices: number[] } {
  const prices: number[] = [];
  candles.forEach((c, i) => {
    if (i === 0) prices.push(c.open);
    const falling = c.close < c.open;
    prices.push(falling ? c.high : c.low, falling ? c.low : c.high, c.close);
  });
  return { minutes: prices.map((_, k) => 20 * k), prices };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
const cumulative = (prices: readonly number[]) => prices.map((p) => round(p / prices[0]! - 1));
const raised = (returns: readonly number[], beta: number) => returns.map((r) => round((1 + r) ** beta - 1));

/** One CSV: the minute column, then each named column (the last one should be `*`). */
function csv(minutes: readonly number[], columns: Record<string, readonly number[]>): string {
  const names = Object.keys(columns);
  const rows = minutes.map((m, k) => [m, ...names.map((n) => columns[n]![k])].join(','));
  return `${['minute', ...names].join(',')}\n${rows.join('\n')}\n`;
}

/** The paths, by event name. */
export function buildEventPaths(): Record<string, string> {
  const crash = candlePath(btcCandles('2020-03-12T00:00:00Z', '2020-03-13T02:00:00Z'));
  const rebound = candlePath(btcCandles('2020-03-13T02:00:00Z', '2020-03-13T12:00:00Z'));
  const deribit = candlePath(btcCandles('2020-03-12T00:00:00Z', '2020-03-13T12:00:00Z'));
  const crashBtc = cumulative(crash.prices);
  const reboundBtc = cumulative(rebound.prices);
  const deribitBtc = cumulative(deribit.prices);

  // 2025-10-10 20:00 → 24:00 UTC on Binance (the stress library's reported path): BTC 121,662 at
  // 20:00, the first leg after 20:50, the low 102,000 around 21:20, the close 112,775; ETH and BNB
  // −16% when BTC was −12% (β ≈ 1.33).
  const binanceMinutes = [0, 30, 50, 65, 75, 80, 85, 95, 110, 140, 180, 240];
  const binanceBtc = cumulative([
    121_662, 121_000, 119_500, 114_000, 108_000, 104_000, 102_000, 106_000, 109_500, 111_000, 112_000,
    112_775,
  ]);
  // Hyperliquid's own book, 20:00 → 24:00 UTC: BTC 112,000 at 21:15 and 97,000 at 21:27 (−13.1% in
  // 12 minutes), SOL 185 → 137 over the same minutes (β = ln(137/185)/ln(97/112) ≈ 2.1).
  const hlMinutes = [0, 50, 60, 75, 81, 87, 100, 120, 180, 240];
  const hlBtc = cumulative([
    121_000, 119_500, 116_000, 112_000, 104_000, 97_000, 105_000, 109_000, 111_500, 112_500,
  ]);
  // dYdX YFI-USD from its peak on 2023-11-17/18: about −30% within an hour, −43% ($14,500 →
  // $8,300) within about five hours.
  const yfiMinutes = [0, 20, 40, 60, 90, 120, 180, 240, 300, 360];
  const yfi = [0, -0.06, -0.18, -0.3, -0.24, -0.3, -0.36, -0.4, -0.43, -0.42];

  return {
    'bitmex-2020-03-12': csv(crash.minutes, { XBTUSD: crashBtc, '*': crashBtc }),
    'bitmex-2020-03-13': csv(rebound.minutes, { XBTUSD: reboundBtc, '*': reboundBtc }),
    'deribit-2020-03-12': csv(deribit.minutes, { 'BTC-PERPETUAL': deribitBtc, '*': deribitBtc }),
    'binance-2025-10-10': csv(binanceMinutes, {
      BTCUSDT: binanceBtc,
      ETHUSDT: raised(binanceBtc, 1.33),
      BNBUSDT: raised(binanceBtc, 1.33),
      '*': raised(binanceBtc, 1.33),
    }),
    'dydx-2023-11-18-yfi': csv(yfiMinutes, { 'YFI-USD': yfi, '*': yfi }),
    'hyperliquid-2025-10-10': csv(hlMinutes, {
      BTC: hlBtc,
      ETH: raised(hlBtc, 1.33),
      SOL: raised(hlBtc, 2.1),
      '*': raised(hlBtc, 3),
    }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [name, text] of Object.entries(buildEventPaths())) {
    writeFileSync(join(EVENTS_DIR, name, 'path.csv'), text);
    console.log(`wrote config/events/${name}/path.csv`);
  }
}
