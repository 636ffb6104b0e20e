/**
 * `npm run bench` (third part): scale, measured on whole processes — `backstop reserve --json` as a
 * user runs it, so worker start-up, the stress replays and the gap bound are all in the figure.
 *
 * 1. Workers: the ten-market bench snapshot as schemaVersion 2 (as bench/run.ts reads it), precision
 *    target as shipped, `--workers 1` against `--workers 2`, interleaved; the target is ≥ 1.7×.
 *    The results must be identical (the wall-time field aside): checked on every run.
 *
 * 2. Markets: the bench book at 10 markets and scaled to 200 (bench/synthetic-fund.ts), all at the
 *    same fixed paths, `--workers 1`: 200 markets dense and with the factor model against 10; the
 *    target is ≤ 25× for the factor model.
 *
 * Prints medians of wall seconds and the CPU seconds of the child (all its threads). Wall time is
 * only meaningful on an idle machine: the load average is printed with the figures.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticFund, tenMarketsV2 } from './synthetic-fund.ts';

const TIMED_RUNS = 3;
const TARGET_SPEED_UP = 1.7;
/** Fixed paths of the markets comparison (every case the same). */
const MARKET_PATHS = 16_384;
const TARGET_MARKET_RATIO = 25;

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, '..', 'lambda', 'cli', 'backstop.mjs');

interface Sample {
  wall: number;
  cpu: number;
  /** The ReserveResult without its wall-time field. */
  result: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One `backstop reserve --json` in a child process: its wall and CPU seconds and its result. */
function reserve(snapshotFile: string, args: string[], env: NodeJS.ProcessEnv): Sample {
  const cpuBefore = childCpuSeconds();
  const started = performance.now();
  const child = spawnSync(process.execPath, [bin, 'reserve', '--snapshot', snapshotFile, '--json', ...args], {
    env,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const wall = (performance.now() - started) / 1000;
  if (child.status !== 0)
    throw new Error(`backstop reserve ${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  const result = JSON.parse(child.stdout) as { monteCarlo: { seconds: number } };
  result.monteCarlo.seconds = 0;
  return { wall, cpu: childCpuSeconds() - cpuBefore, result: JSON.stringify(result) };
}

/** CPU seconds of this process's finished children, all their threads (Linux). */
function childCpuSeconds(): number {
  // /proc/self/stat fields 16 and 17: cutime and cstime of waited-for children, in clock ticks.
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

const dir = mkdtempSync(join(tmpdir(), 'backstop-bench-scale-'));
try {
  const env = { ...process.env, NODE_COMPILE_CACHE: join(dir, 'cache') };
  const ten = join(dir, 'ten-markets-v2.json');
  writeFileSync(ten, JSON.stringify(tenMarketsV2()));

  reserve(ten, ['--workers', '2'], env); // fills the compile cache
  const one: Sample[] = [];
  const two: Sample[] = [];
  for (let run = 0; run < TIMED_RUNS; run++) {
    one.push(reserve(ten, ['--workers', '1'], env));
    two.push(reserve(ten, ['--workers', '2'], env));
  }
  const same = [...one, ...two].every((s) => s.result === one[0]!.result);
  const speedUp = median(one.map((s) => s.wall)) / median(two.map((s) => s.wall));
  const paths = (JSON.parse(one[0]!.result) as { monteCarlo: { paths: number } }).monteCarlo.paths;
  console.log(
    `\nscale         whole process (backstop reserve --json), ${TIMED_RUNS} interleaved runs, medians`,
  );
  console.log(`workers       10 markets, path engine, ${paths} paths (precision target)`);
  for (const [label, samples] of [
    ['--workers 1', one],
    ['--workers 2', two],
  ] as const) {
    console.log(
      `${label.padEnd(14)}${median(samples.map((s) => s.wall)).toFixed(2)} s wall, ${median(samples.map((s) => s.cpu)).toFixed(2)} s CPU`,
    );
  }
  console.log(
    `speed-up      ${speedUp.toFixed(2)}x with two workers (target >= ${TARGET_SPEED_UP}x); results ${same ? 'identical' : 'DIFFERENT'}`,
  );

  const cases = [
    ['10 dense', tenMarketsV2()],
    ['200 dense', syntheticFund(200)],
    [
      '200 factor',
      { ...syntheticFund(200), model: { ...syntheticFund(200).model, correlationModel: 'factor' } },
    ],
  ] as const;
  const files = cases.map(([label, snapshot], i) => {
    const file = join(dir, `markets-${i}.json`);
    writeFileSync(file, JSON.stringify({ ...snapshot, model: { ...snapshot.model, paths: MARKET_PATHS } }));
    return { label, file, samples: [] as Sample[] };
  });
  for (let run = 0; run < TIMED_RUNS; run++) {
    for (const f of files) f.samples.push(reserve(f.file, ['--workers', '1'], env));
  }
  const base = files[0]!;
  const wallOf = (f: (typeof files)[number]) => median(f.samples.map((s) => s.wall));
  const cpuOf = (f: (typeof files)[number]) => median(f.samples.map((s) => s.cpu));
  console.log(`markets       ${MARKET_PATHS} paths each, --workers 1`);
  for (const f of files) {
    console.log(
      `${f.label.padEnd(14)}${wallOf(f).toFixed(2)} s wall, ${cpuOf(f).toFixed(2)} s CPU, ${(wallOf(f) / wallOf(base)).toFixed(1)}x wall, ${(cpuOf(f) / cpuOf(base)).toFixed(1)}x CPU the 10-market run`,
    );
  }
  console.log(`target        200 factor <= ${TARGET_MARKET_RATIO}x the 10-market run`);
  console.log(`machine       ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)}`);
  if (!same) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
