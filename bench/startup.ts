/**
 * `npm run bench` (second part): how long `backstop --help` takes to start, against a bare
 * `node -e 0` on the same machine. Runs both interleaved (so a busy machine slows both alike) and
 * prints the medians and their ratio; the target is at most 2×.
 *
 * The CLI runs its TypeScript through Node's type stripping with the compile cache on (see
 * lambda/cli/backstop.mjs); one untimed run fills a fresh cache first, and the cold start (an empty
 * cache, as after a change to the sources) is measured separately.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TIMED_RUNS = 21;
const COLD_RUNS = 5;
const TARGET_RATIO = 2;

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'lambda', 'cli', 'backstop.mjs');

/** Wall milliseconds of one `node args…` with its output discarded; throws on a non-zero exit. */
function timeNode(args: string[], env: NodeJS.ProcessEnv): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: 'ignore', env });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${result.status}`);
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const cacheDir = mkdtempSync(join(tmpdir(), 'backstop-bench-cache-'));
try {
  const env = { ...process.env, NODE_COMPILE_CACHE: cacheDir };
  const cold: number[] = [];
  for (let run = 0; run < COLD_RUNS; run++) {
    rmSync(cacheDir, { recursive: true, force: true });
    cold.push(timeNode([bin, '--help'], env));
  }
  timeNode([bin, '--help'], env); // fills the cache for the warm runs
  const bare: number[] = [];
  const warm: number[] = [];
  for (let run = 0; run < TIMED_RUNS; run++) {
    bare.push(timeNode(['-e', '0'], env));
    warm.push(timeNode([bin, '--help'], env));
  }
  const ratio = median(warm) / median(bare);
  console.log(`\nstartup       node ${process.version}, ${TIMED_RUNS} interleaved runs, medians`);
  console.log(`node -e 0     ${median(bare).toFixed(1)} ms`);
  console.log(
    `backstop      ${median(warm).toFixed(1)} ms --help (compile cache warm), ${ratio.toFixed(2)}x node -e 0 (target <= ${TARGET_RATIO}x)`,
  );
  console.log(
    `cold cache    ${median(cold).toFixed(1)} ms --help, median of ${COLD_RUNS} (first run after a change)`,
  );
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
}
