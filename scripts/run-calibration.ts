/**
 * The calibration behind docs/VALIDATION.md: fits the tail, studies the liquidation window, measures
 * the stress events and their liquidity, sanity-checks the 2020-03-12 scenario against the known
 * fund outcomes and runs the backtest variants. Prints Markdown tables and writes the exceedance
 * chart to docs/img/. Deterministic (seeded), reads only fixtures/prices/.
 *
 * Run: `npx tsx scripts/run-calibration.ts [--quick]` (--quick skips the backtests).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { bookFromFund, V1_LEVERAGE_PROFILE } from '../lambda/backtest/backtest-book.ts';
import { summarizeBacktest } from '../lambda/backtest/backtest-summary.ts';
import {
  beta,
  CANDLE_COLUMNS,
  type Candle,
  eventMoves,
  impliedLiquidityFactor,
  toCandles,
} from '../lambda/backtest/calibrate/event-moves.ts';
import { fitUnitT, standardisedReturns, unitTQuantile } from '../lambda/backtest/calibrate/student-t-fit.ts';
import { exceedanceChartSvg } from '../lambda/backtest/exceedance-chart.ts';
import { modelRiskEngine } from '../lambda/backtest/model-risk-engine.ts';
import { readPriceCsv } from '../lambda/backtest/price-csv.ts';
import { alignDaily, DAY_MS } from '../lambda/backtest/price-panel.ts';
import { DEFAULT_BACKTEST_SETTINGS, runBacktest } from '../lambda/backtest/run-backtest.ts';
import { loadFundConfig } from '../lambda/config/load-fund-config.ts';
import { scenarioLoss } from '../lambda/model/engines/gap/scenario-loss.ts';
import { Xoshiro128 } from '../lambda/model/random/xoshiro128.ts';
import { computeReserve } from '../lambda/model/reserve.ts';
import type { MarketSnapshot } from '../lambda/model/schemas.ts';

const ROOT = resolve(import.meta.dirname, '..');
const PRICES = resolve(ROOT, 'fixtures/prices');
const pct = (x: number, d = 1) => `${(x * 100).toFixed(d)}%`;
const out = (line = '') => process.stdout.write(`${line}\n`);

async function candles(file: string): Promise<Candle[]> {
  const s = await readPriceCsv(resolve(PRICES, file), file, { extraColumns: CANDLE_COLUMNS });
  return toCandles(s.points);
}

/** Daily candles read with the volume column of CryptoDataDownload files (`Volume USDT`). */
async function dailyCandles(asset: string): Promise<Candle[]> {
  const file = `binance_${asset}usdt_daily.csv`;
  const s = await readPriceCsv(resolve(PRICES, file), file, {
    extraColumns: ['open', 'high', 'low', 'volume usdt'],
  });
  return toCandles(s.points);
}

const logReturns = (cs: readonly Candle[]) =>
  cs.slice(1).map((c, i) => Math.log(c.close / (cs[i]?.close ?? c.close)));

function tailSection(series: Record<string, { returns: number[]; lambda: number }>): void {
  out('### Tail fit (ML, unit-variance Student-t × free scale, on returns / EWMA vol)');
  out();
  out('| series | n | EWMA λ | ν̂ | 95% interval | scale ŝ | LL(ν̂) − LL(ν=3) | LL(ν̂) − LL(Gaussian) |');
  out('|---|---|---|---|---|---|---|---|');
  for (const [name, { returns, lambda }] of Object.entries(series)) {
    const zs = standardisedReturns(returns, lambda, 60);
    const fit = fitUnitT(zs);
    out(
      `| ${name} | ${fit.n} | ${lambda} | ${fit.nu.toFixed(2)} | ${fit.nuLow.toFixed(2)}–${fit.nuHigh.toFixed(2)} | ${fit.scale.toFixed(3)} | ${(fit.logLikelihood - fit.logLikelihoodAt3).toFixed(1)} | ${(fit.logLikelihood - fit.normalLogLikelihood).toFixed(1)} |`,
    );
  }
  out();
}

/**
 * Shock-law check per window length h: how often the h-hour drop exceeded the model's 99.9% quantile
 * σ_h·t_ν(0.999), σ_h from the EWMA of hourly returns before the window (expected 0.1%).
 */
function windowSection(hourly: readonly Candle[]): void {
  out(
    '### Liquidation window: h-hour drops against the model’s 99.9% quantile (BTC hourly 2020-10 → 2025-10)',
  );
  out();
  out(
    '| h | windows | worst drop | empirical 99.9% drop | exceedances of model q99.9 (ν=3) | expected | exceedances (Gaussian) |',
  );
  out('|---|---|---|---|---|---|---|');
  const returns = logReturns(hourly);
  const lambda = 0.99;
  const vols: number[] = [];
  let variance = returns.slice(0, 200).reduce((a, r) => a + r * r, 0) / 200;
  for (const r of returns) {
    vols.push(Math.sqrt(variance));
    variance = lambda * variance + (1 - lambda) * r * r;
  }
  const q3 = unitTQuantile(0.999, 3);
  const qN = 3.090232306167813;
  for (const h of [1, 2, 4, 8, 24]) {
    const drops: number[] = [];
    let hits3 = 0;
    let hitsN = 0;
    for (let t = 200; t + h <= returns.length; t += h) {
      const start = hourly[t];
      const end = hourly[t + h];
      if (start === undefined || end === undefined || end.timeMs - start.timeMs !== h * 3_600_000) continue;
      let low = Number.POSITIVE_INFINITY;
      for (let k = t + 1; k <= t + h; k++) low = Math.min(low, hourly[k]?.low ?? low);
      const drop = low / start.close - 1;
      drops.push(drop);
      const sigma = (vols[t] ?? 0) * Math.sqrt(h);
      if (drop < -sigma * q3) hits3++;
      if (drop < -sigma * qN) hitsN++;
    }
    drops.sort((a, b) => a - b);
    const q = drops[Math.floor(drops.length * 0.001)] ?? 0;
    out(
      `| ${h} h | ${drops.length} | ${pct(drops[0] ?? 0)} | ${pct(q)} | ${hits3} (${pct(hits3 / drops.length, 2)}) | ${(drops.length * 0.001).toFixed(1)} | ${hitsN} (${pct(hitsN / drops.length, 2)}) |`,
    );
  }
  out();
  out(
    'Drops are measured from the window’s opening close to the lowest low inside it (the path a liquidation engine sees).',
  );
  out();
  out(
    'One-hour path drops against the model’s 99.9% quantile at a longer model window h_m (σ_1h·√h_m·t_ν(0.999)):',
  );
  out();
  out('| h_m | ν = 3 exceedances | rate | ν = 2.75 exceedances | rate |');
  out('|---|---|---|---|---|');
  const q275 = unitTQuantile(0.999, 2.75);
  for (const hm of [1, 1.5, 2, 2.5, 3]) {
    let a = 0;
    let b = 0;
    let n = 0;
    for (let t = 200; t + 1 < hourly.length; t++) {
      const start = hourly[t];
      const next = hourly[t + 1];
      if (start === undefined || next === undefined || next.timeMs - start.timeMs !== 3_600_000) continue;
      n++;
      const drop = next.low / start.close - 1;
      const sigma = (vols[t] ?? 0) * Math.sqrt(hm);
      if (drop < -sigma * q3) a++;
      if (drop < -sigma * q275) b++;
    }
    out(`| ${hm} h | ${a} | ${pct(a / n, 2)} | ${b} | ${pct(b / n, 2)} |`);
  }
  out();
}

async function windowSensitivity(): Promise<void> {
  const snapshot = JSON.parse(
    await readFile(resolve(ROOT, 'config/examples/snapshot.json'), 'utf8'),
  ) as MarketSnapshot;
  out('### Reserve sensitivity to the window (config/examples/snapshot.json, 200k paths, seed 42)');
  out();
  out('| h | ES 99.9% | worst stress | required (×1.25) | binding |');
  out('|---|---|---|---|---|');
  for (const h of [0.25, 0.5, 1, 2, 4, 24]) {
    const r = computeReserve({ ...snapshot, model: { ...snapshot.model, horizonHours: h } });
    const stress = Math.max(0, ...r.stress.map((s) => s.lossUsd));
    out(
      `| ${h} h | $${(r.monteCarlo.esUsd / 1e6).toFixed(0)}M | $${(stress / 1e6).toFixed(0)}M | $${(r.requiredReserveUsd / 1e6).toFixed(0)}M | ${r.binding} |`,
    );
  }
  out();
}

const EVENTS = [
  { name: '2020-03-12', from: '2020-03-12', days: 1 },
  { name: '2020-03-13 (rebound)', from: '2020-03-13', days: 1 },
  { name: '2021-05-19', from: '2021-05-19', days: 1 },
  { name: '2022-11-08/09 (FTX)', from: '2022-11-08', days: 2 },
  { name: '2025-10-10', from: '2025-10-10', days: 1 },
];

function dayIndex(cs: readonly Candle[], date: string): number {
  const ms = Date.parse(`${date}T00:00:00Z`);
  return cs.findIndex((c) => Math.floor(c.timeMs / DAY_MS) === Math.floor(ms / DAY_MS));
}

function stressSection(hourly: readonly Candle[], daily: Record<string, Candle[]>): void {
  out('### Stress events: worst moves in the shipped history');
  out();
  out(
    '| event | BTC worst 1 h open→low | BTC worst 1 h open→high | BTC worst close-to-close hour | BTC day close-to-close | ETH day | SOL day | BTC day range λ (sqrt law) |',
  );
  out('|---|---|---|---|---|---|---|---|');
  const btc = daily.btc ?? [];
  for (const e of EVENTS) {
    const from = Date.parse(`${e.from}T00:00:00Z`);
    const m = eventMoves(hourly, from, from + e.days * DAY_MS);
    const dayMove = (cs: readonly Candle[]) => {
      const i = dayIndex(cs, e.from);
      const last = cs[i + e.days - 1];
      const prev = cs[i - 1];
      return i <= 0 || last === undefined || prev === undefined ? '—' : pct(last.close / prev.close - 1);
    };
    const lambdas = Array.from({ length: e.days }, (_, k) =>
      impliedLiquidityFactor(btc, dayIndex(btc, e.from) + k),
    )
      .filter((x): x is number => x !== undefined)
      .map((x) => x.toFixed(3))
      .join(', ');
    out(
      `| ${e.name} | ${m === undefined ? 'not in hourly file' : `${pct(m.worstDrop)} (${m.worstDropAt})`} | ${m === undefined ? '—' : pct(m.worstRise)} | ${m === undefined ? '—' : pct(m.worstCloseToClose)} | ${dayMove(btc)} | ${dayMove(daily.eth ?? [])} | ${dayMove(daily.sol ?? [])} | ${lambdas || '—'} |`,
    );
  }
  out();
  out('Hourly-candle liquidity λ (square-root law, worst hour against the 30 hours before):');
  out();
  for (const e of EVENTS) {
    const from = Date.parse(`${e.from}T00:00:00Z`);
    const m = eventMoves(hourly, from, from + e.days * DAY_MS);
    if (m === undefined) continue;
    const i = hourly.findIndex((c) => c.timeMs === Date.parse(`${m.worstDropAt.replace(' ', 'T')}:00Z`));
    const lambda = impliedLiquidityFactor(hourly, i, 30);
    out(
      `- ${e.name}: worst hour ${m.worstDropAt} UTC, λ ≈ ${lambda?.toFixed(3) ?? '—'}; window peak-to-trough ${pct(m.peakToTrough)}`,
    );
  }
  out();
}

function betaSection(daily: Record<string, Candle[]>): Record<string, number> {
  out('### Alt betas to BTC (daily log returns on common days)');
  out();
  out('| alt | β (all days) | n | crash β (BTC day < −5%, through origin) | n |');
  out('|---|---|---|---|---|');
  const btc = daily.btc ?? [];
  const byDay = (cs: readonly Candle[]) => new Map(cs.map((c) => [Math.floor(c.timeMs / DAY_MS), c.close]));
  const btcDays = byDay(btc);
  const crash: Record<string, number> = {};
  for (const alt of ['eth', 'sol']) {
    const altDays = byDay(daily[alt] ?? []);
    const days = [...btcDays.keys()].filter(
      (d) => altDays.has(d) && altDays.has(d - 1) && btcDays.has(d - 1),
    );
    const x = days.map((d) => Math.log((btcDays.get(d) ?? 1) / (btcDays.get(d - 1) ?? 1)));
    const y = days.map((d) => Math.log((altDays.get(d) ?? 1) / (altDays.get(d - 1) ?? 1)));
    const all = beta(x, y);
    const c = beta(x, y, -0.05);
    crash[alt] = c.beta;
    out(`| ${alt.toUpperCase()} | ${all.beta.toFixed(2)} | ${all.n} | ${c.beta.toFixed(2)} | ${c.n} |`);
  }
  out();
  return crash;
}

function outcomesSection(): void {
  out('### Sanity check: the 2020-03-12 scenario on a BTC-only book against the known fund outcomes');
  out();
  out('| scenario on $1B BTC OI (default profile, MM 0.5%, volume $5B/day, σ 80%) | λ | loss | loss / OI |');
  out('|---|---|---|---|');
  const snapshot = (volume: number): MarketSnapshot => ({
    schemaVersion: 1,
    fundId: 'sanity',
    asOf: '2020-03-12T00:00:00Z',
    fundBalanceUsd: null,
    markets: [
      {
        id: 'XBTUSD',
        priceUsd: 7934.52,
        openInterestUsd: 1e9,
        dailyVolumeUsd: volume,
        impliedVol: 0.8,
        maintenanceMargin: 0.005,
        leverageProfile: [...V1_LEVERAGE_PROFILE],
      },
    ],
    correlation: [[1]],
    model: {
      horizonHours: 1,
      confidence: 0.999,
      tailDof: 3,
      paths: 1000,
      seed: 1,
      impactCoefficient: 1,
      buffer: 0.25,
      stressScenarios: [],
    },
  });
  const s = snapshot(5e9);
  for (const [name, move, lambda] of [
    ['worst hour −24.5%', -0.245, 0.1],
    ['worst hour −24.5%', -0.245, 0.03],
    ['worst hour −24.5%', -0.245, 1],
    ['day close-to-close −39.5%', -0.395, 0.03],
    ['28 h peak-to-trough −52.6%', -0.526, 0.03],
  ] as const) {
    const loss = scenarioLoss(s, { XBTUSD: move }, lambda).totalUsd;
    out(`| ${name} | ${lambda} | $${(loss / 1e6).toFixed(0)}M | ${pct(loss / 1e9)} |`);
  }
  out();
}

async function backtestSection(quick: boolean): Promise<void> {
  if (quick) return;
  const btc = await readPriceCsv(resolve(PRICES, 'binance_btcusdt_daily.csv'));
  const eth = await readPriceCsv(resolve(PRICES, 'binance_ethusdt_daily.csv'));
  const fund = await loadFundConfig(resolve(ROOT, 'config/funds/demo.json'));
  const ids = ['BTC-PERP-BINANCE', 'ETH-PERP-BINANCE'];
  const panel = alignDaily([
    { marketId: ids[0] ?? '', series: btc },
    { marketId: ids[1] ?? '', series: eth },
  ]);
  // This section is the gap model's (v1) backtest on closes; the path engine's is `backstop backtest`.
  const base = { ...bookFromFund(fund, ids, 'config/funds/demo.json'), engine: 'gap' as const };
  out('### Backtests: BTC + ETH daily, demo fund profile on $1B OI per market');
  out();
  out(
    '| variant | days | exceedances | expected | zone | Kupiec p | Christoffersen p | Z2 (5% crit) | loss/ES on exceedances | seconds |',
  );
  out('|---|---|---|---|---|---|---|---|---|---|');
  const variants: Array<{
    name: string;
    tailDof: number | null;
    confidence: number;
    paths: number;
    chart: boolean;
    volDecay?: number;
  }> = [
    { name: 'ν = 3, 99%, 20k paths (default)', tailDof: 3, confidence: 0.99, paths: 20_000, chart: true },
    { name: 'Gaussian, 99%', tailDof: null, confidence: 0.99, paths: 20_000, chart: false },
    { name: 'ν = 4, 99%', tailDof: 4, confidence: 0.99, paths: 20_000, chart: false },
    { name: 'ν = 6, 99%', tailDof: 6, confidence: 0.99, paths: 20_000, chart: false },
    { name: 'ν = 3, 99.9%, 50k paths', tailDof: 3, confidence: 0.999, paths: 50_000, chart: false },
    { name: 'ν = 3, 99%, 5k paths', tailDof: 3, confidence: 0.99, paths: 5_000, chart: false },
    {
      name: 'ν = 3, 99%, vol λ = 0.97 (recalibration’s)',
      tailDof: 3,
      confidence: 0.99,
      paths: 20_000,
      chart: false,
      volDecay: 0.97,
    },
  ];
  for (const v of variants) {
    const book = { ...base, tailDof: v.tailDof };
    const started = performance.now();
    const run = runBacktest(panel, book, modelRiskEngine, {
      ...DEFAULT_BACKTEST_SETTINGS,
      confidence: v.confidence,
      paths: v.paths,
      decays: {
        ...DEFAULT_BACKTEST_SETTINGS.decays,
        vol: v.volDecay ?? DEFAULT_BACKTEST_SETTINGS.decays.vol,
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const rng = Xoshiro128.fromSeed(DEFAULT_BACKTEST_SETTINGS.seed);
    const s = summarizeBacktest(run, v.tailDof, () => rng.nextDouble());
    const es = s.expectedShortfall;
    const ratio =
      es.meanLossOnExceedanceUsd === null || es.meanEsOnExceedanceUsd === null
        ? '—'
        : (es.meanLossOnExceedanceUsd / es.meanEsOnExceedanceUsd).toFixed(2);
    out(
      `| ${v.name} | ${s.days} | ${s.exceedances} | ${s.expectedExceedances.toFixed(1)} | ${s.trafficLight.zone} | ${s.kupiec.pValue.toFixed(3)} | ${s.christoffersen.pValue.toFixed(3)} | ${es.z2.toFixed(2)} (${es.criticalValue5pct.toFixed(2)}) | ${ratio} | ${seconds.toFixed(1)} |`,
    );
    if (v.chart) {
      const svg = exceedanceChartSvg(
        run.days,
        `Backstop backtest BTC+ETH ${s.from} → ${s.to}, 99% one-day VaR/ES`,
      );
      await writeFile(resolve(ROOT, 'docs/img/backtest-btc-eth-99.svg'), `${svg}\n`);
      out();
      out(
        `Exceedance days: ${run.days
          .filter((d) => d.exceeded)
          .map((d) => d.date)
          .join(', ')}`,
      );
      out();
    }
  }
  out();
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const hourly = await candles('binance_btcusdt_1h.csv');
  const daily = {
    btc: await dailyCandles('btc'),
    eth: await dailyCandles('eth'),
    sol: await dailyCandles('sol'),
  };
  tailSection({
    'BTC daily': { returns: logReturns(daily.btc), lambda: 0.94 },
    'ETH daily': { returns: logReturns(daily.eth), lambda: 0.94 },
    'SOL daily': { returns: logReturns(daily.sol), lambda: 0.94 },
    'BTC hourly': { returns: logReturns(hourly), lambda: 0.99 },
  });
  windowSection(hourly);
  await windowSensitivity();
  stressSection(hourly, daily);
  betaSection(daily);
  outcomesSection();
  await backtestSection(quick);
}

await main();
