/**
 * `npm run bench`: the reserve engine on the ten-market benchmark snapshot (10 markets, 6 buckets,
 * Student-t(3), 10⁶ paths). One warm-up and five timed runs; prints the median wall and CPU seconds,
 * paths per second, peak RSS and the ratio to the 0.8 s reference of a tight C implementation.
 *
 * The input is `../shared/bench/ten-markets.json` when the shared folder sits beside the repository
 * (as in CI), else the copy in bench/ten-markets.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeReserve } from '../lambda/model/reserve.ts';
import { validateSnapshot } from '../lambda/model/validate-snapshot.ts';

/** Seconds a tight single-threaded C implementation takes for the same 10⁶ paths. */
const C_REFERENCE_SECONDS = 0.8;
const WARM_UP_RUNS = 1;
const TIMED_RUNS = 5;

const here = dirname(fileURLToPath(import.meta.url));
const shared = join(here, '..', '..', 'shared', 'bench', 'ten-markets.json');
const inputPath = existsSync(shared) ? shared : join(here, 'ten-markets.json');
const { snapshot } = validateSnapshot(JSON.parse(readFileSync(inputPath, 'utf8')), `snapshot ${inputPath}`);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const wall: number[] = [];
const cpu: number[] = [];
let lastEs = 0;
for (let run = 0; run < WARM_UP_RUNS + TIMED_RUNS; run++) {
  globalThis.gc?.();
  const cpuStart = process.cpuUsage();
  const result = computeReserve(snapshot, { timer: () => performance.now() / 1000 });
  const cpuUsed = process.cpuUsage(cpuStart);
  if (run >= WARM_UP_RUNS) {
    wall.push(result.monteCarlo.seconds);
    cpu.push((cpuUsed.user + cpuUsed.system) / 1e6);
  }
  lastEs = result.monteCarlo.esUsd;
}

const paths = snapshot.model.paths ?? 0;
const medianWall = median(wall);
const peakRssMb = process.resourceUsage().maxRSS / 1024;
console.log(`input         ${inputPath}`);
console.log(`markets       ${snapshot.markets.length}, paths ${paths}, seed ${snapshot.model.seed}`);
console.log(
  `runs          ${WARM_UP_RUNS} warm-up + ${TIMED_RUNS} timed: ${wall.map((s) => s.toFixed(3)).join(' ')} s`,
);
console.log(`median        ${medianWall.toFixed(3)} s wall, ${median(cpu).toFixed(3)} s CPU`);
console.log(`throughput    ${(paths / medianWall / 1e6).toFixed(2)} M paths/s`);
console.log(`peak RSS      ${peakRssMb.toFixed(0)} MB`);
console.log(
  `vs C -O3      ${(medianWall / C_REFERENCE_SECONDS).toFixed(2)}x (wall), ${(median(cpu) / C_REFERENCE_SECONDS).toFixed(2)}x (CPU) the ${C_REFERENCE_SECONDS} s reference`,
);
// Wall time is only meaningful on an idle machine: show how busy this one was.
console.log(`machine       ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)}`);
console.log(`ES            ${(lastEs / 1e6).toFixed(2)} M USD (identical every run: seeded)`);
