/**
 * `npm run bench`: the reserve engines on the ten-market benchmark snapshot (bench/ten-markets.json:
 * 10 markets, 6 buckets, Student-t(3)), side by side in one process so their ratio holds on a busy
 * machine:
 * - the v1 gap engine at 10⁶ paths (the file as written, schemaVersion 1);
 * - the v2 path engine on the same book as schemaVersion 2 with its defaults (paths chosen by the
 *   precision target), the alts' maintenance margin at 0.5% — v2 refuses a bucket at or below the
 *   maintenance margin, and the file puts its 100x bucket (margin 1%) exactly at the alts' 1%.
 * Runs alternate (gap, path, gap, path…) after one warm-up each; prints medians of wall and CPU
 * seconds, the path/gap ratio, paths per second, peak RSS and the gap engine against the 0.8 s of a
 * tight C implementation.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeReserve } from '../lambda/model/reserve.ts';
import type { MarketSnapshot, ReserveResult } from '../lambda/model/schemas.ts';
import { validateSnapshot } from '../lambda/model/validate-snapshot.ts';

/** Seconds a tight single-threaded C implementation takes for the gap model's 10⁶ paths. */
const C_REFERENCE_SECONDS = 0.8;
const WARM_UP_RUNS = 1;
const TIMED_RUNS = 3;

const inputPath = join(dirname(fileURLToPath(import.meta.url)), 'ten-markets.json');
const raw = JSON.parse(readFileSync(inputPath, 'utf8')) as MarketSnapshot;
const { snapshot: gapSnapshot } = validateSnapshot(raw, `snapshot ${inputPath}`);
const { snapshot: pathSnapshot } = validateSnapshot(asPathSnapshot(raw), `snapshot ${inputPath} as v2`);

/** The same book as schemaVersion 2: engine defaults, no fixed path count, mm at most 0.5%. */
function asPathSnapshot(v1: MarketSnapshot): unknown {
  const { paths: _paths, ...model } = v1.model;
  return {
    ...v1,
    schemaVersion: 2,
    markets: v1.markets.map((m) => ({ ...m, maintenanceMargin: Math.min(m.maintenanceMargin, 0.005) })),
    model,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface Timing {
  wall: number[];
  cpu: number[];
  last?: ReserveResult;
}

function timeOnce(snapshot: MarketSnapshot, into: Timing, keep: boolean): void {
  globalThis.gc?.();
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  const result = computeReserve(snapshot, { timer: () => performance.now() / 1000 });
  const wall = (performance.now() - started) / 1000;
  const cpuUsed = process.cpuUsage(cpuStart);
  if (keep) {
    into.wall.push(wall);
    into.cpu.push((cpuUsed.user + cpuUsed.system) / 1e6);
  }
  into.last = result;
}

const gap: Timing = { wall: [], cpu: [] };
const path: Timing = { wall: [], cpu: [] };
for (let run = 0; run < WARM_UP_RUNS + TIMED_RUNS; run++) {
  timeOnce(gapSnapshot, gap, run >= WARM_UP_RUNS);
  timeOnce(pathSnapshot, path, run >= WARM_UP_RUNS);
}

const peakRssMb = process.resourceUsage().maxRSS / 1024;
const gapWall = median(gap.wall);
const pathWall = median(path.wall);
const gapResult = gap.last!;
const pathResult = path.last!;
const line = (label: string, text: string) => console.log(`${label.padEnd(14)}${text}`);
line('input', `${inputPath} (${gapSnapshot.markets.length} markets)`);
line('runs', `${WARM_UP_RUNS} warm-up + ${TIMED_RUNS} timed each, alternating`);
line(
  'gap engine',
  `${gapResult.monteCarlo.paths} paths: median ${gapWall.toFixed(3)} s wall, ${median(gap.cpu).toFixed(3)} s CPU, ${(gapResult.monteCarlo.paths / gapWall / 1e6).toFixed(2)} M paths/s (whole computeReserve)`,
);
line(
  'path engine',
  `${pathResult.monteCarlo.paths} paths: median ${pathWall.toFixed(3)} s wall, ${median(path.cpu).toFixed(3)} s CPU, ${(pathResult.monteCarlo.paths / pathWall / 1e3).toFixed(1)} k paths/s (Monte Carlo ${pathResult.monteCarlo.seconds.toFixed(3)} s; with stress, reverse stress and the gap bound)`,
);
line(
  'ratio',
  `path / gap = ${(pathWall / gapWall).toFixed(2)}x wall, ${(median(path.cpu) / median(gap.cpu)).toFixed(2)}x CPU (target ≤ 15x)`,
);
line(
  'precision',
  `path ES ${(pathResult.monteCarlo.esUsd / 1e6).toFixed(1)} M ± ${(pathResult.monteCarlo.esStdErrorUsd / 1e6).toFixed(1)} M (${((100 * pathResult.monteCarlo.esStdErrorUsd) / pathResult.monteCarlo.esUsd).toFixed(1)}%), gap ES ${(gapResult.monteCarlo.esUsd / 1e6).toFixed(1)} M ± ${(gapResult.monteCarlo.esStdErrorUsd / 1e6).toFixed(1)} M`,
);
line('peak RSS', `${peakRssMb.toFixed(0)} MB (target ≤ 500 MB)`);
line(
  'gap vs C -O3',
  `${(gapWall / C_REFERENCE_SECONDS).toFixed(2)}x (wall), ${(median(gap.cpu) / C_REFERENCE_SECONDS).toFixed(2)}x (CPU) the ${C_REFERENCE_SECONDS} s reference`,
);
// Wall time is only meaningful on an idle machine: show how busy this one was.
line('machine', `${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)}`);
