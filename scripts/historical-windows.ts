/**
 * The Monte Carlo against history: every 4-hour window of Binance BTCUSDT 2020-10 → 2025-10
 * (fixtures/prices/binance_btcusdt_1h.csv, 10,945 windows) replayed through a snapshot's book, beside
 * the snapshot's own Monte Carlo VaR and ES (lambda/validate/historical-windows.ts says how).
 *
 * Run: `npm run validate:windows` (the demo fund's snapshot), or
 * `node scripts/historical-windows.ts --snapshot FILE`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readPriceCsv } from '../lambda/backtest/price-csv.ts';
import { computeReserve } from '../lambda/model/reserve.ts';
import { validateSnapshot } from '../lambda/model/validate-snapshot.ts';
import { formatPercent, formatUsd } from '../lambda/present/format.ts';
import { replayHistoricalWindows, type TimedCandle } from '../lambda/validate/historical-windows.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const HOURLY_CSV = join(root, 'fixtures/prices/binance_btcusdt_1h.csv');

/** The hourly candles of a price file, through the backtest's CSV reader. */
async function readHourly(file: string): Promise<TimedCandle[]> {
  const series = await readPriceCsv(file, file, { candles: true });
  return series.points.map((p) => ({
    time: new Date(p.timeMs).toISOString().replace('.000Z', 'Z'),
    open: p.open ?? p.close,
    high: p.high ?? p.close,
    low: p.low ?? p.close,
    close: p.close,
  }));
}

const { values } = parseArgs({ options: { snapshot: { type: 'string' } } });
if (values.snapshot === undefined) {
  console.error('usage: node scripts/historical-windows.ts --snapshot FILE');
  process.exit(2);
}
const { snapshot } = validateSnapshot(
  JSON.parse(readFileSync(resolve(values.snapshot), 'utf8')),
  `snapshot ${values.snapshot}`,
);
const history = replayHistoricalWindows(snapshot, await readHourly(HOURLY_CSV));
const result = computeReserve(snapshot);
const mc = result.monteCarlo;
const years = (history.windows.length * history.windowHours) / 8760;

console.log(
  `${snapshot.fundId}: ${history.windows.length} windows of ${history.windowHours} h (${years.toFixed(1)} years of BTCUSDT), κ = ${history.kappa}`,
);
for (const t of history.tail) {
  console.log(
    `  history  ${formatPercent(t.confidence, 1)}  VaR ${formatUsd(t.varUsd)}  ES ${formatUsd(t.esUsd)}  (the ${Math.ceil((1 - t.confidence) * t.count)} worst windows)`,
  );
}
console.log(
  `  Monte Carlo ${formatPercent(mc.confidence, 1)}  VaR ${formatUsd(mc.varUsd)}  ES ${formatUsd(mc.esUsd)}  (${mc.paths} paths)`,
);
const top = history.tail.find((t) => t.confidence === mc.confidence);
if (top !== undefined) console.log(`  ratio Monte Carlo / history ES: ${(mc.esUsd / top.esUsd).toFixed(2)}`);
console.log('  worst windows:');
for (const w of [...history.windows].sort((a, b) => b.lossUsd - a.lossUsd).slice(0, 8)) {
  console.log(
    `    ${w.start}  ${formatUsd(w.lossUsd).padStart(7)}  BTC ${formatPercent(w.move, 1).padStart(6)}  λ ${w.liquidityFactor.toFixed(3)}`,
  );
}
