/**
 * The path generator's dynamics fitted to the hourly BTCUSDT history and tested on the part of it
 * the fit did not see (lambda/validate/dynamics-fit.ts says how). Prints the markdown tables of
 * docs/MODEL.md §6 and docs/VALIDATION.md.
 *
 *   npm run validate:dynamics                 # grids at 10 000 paths per vol, final rows at 100 000 (~3 min)
 *   npm run validate:dynamics -- --grid-paths 4000 --paths 20000   # quicker, noisier
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_TAIL_DOF } from '../lambda/config/fund-config.ts';
import { PATH_DEFAULTS } from '../lambda/model/engines/path/path-engine.ts';
import {
  type CheckResult,
  DEFAULT_FORECAST,
  type DynamicsCandidate,
  evaluateChecks,
  freeJumpGrid,
  isTailCheck,
  modelThresholds,
  readHourlyCandles,
  searchDynamics,
  splitWindows,
  tailDofGrid,
  windowsByHalfLife,
} from '../lambda/validate/dynamics-fit.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const HOURLY_CSV = join(root, 'fixtures/prices/binance_btcusdt_1h.csv');
/** The fit sees 2020-10 → 2023-03; 2023-04 → 2025-10 is held out. */
const SPLIT_MS = Date.UTC(2023, 3, 1);
const SEED = 20_201_007;

const { values } = parseArgs({ options: { 'grid-paths': { type: 'string' }, paths: { type: 'string' } } });
const gridPaths = Number(values['grid-paths'] ?? 10_000);
const finalPaths = Number(values.paths ?? 100_000);

const windowsFor = windowsByHalfLife(await readHourlyCandles(HOURLY_CSV));

const shipped = PATH_DEFAULTS.pathDynamics;
const grid = tailDofGrid(shipped);
const scored = searchDynamics(windowsFor, grid, SPLIT_MS, gridPaths, SEED);
const label = (c: DynamicsCandidate) =>
  `ν ${c.params.tailDof}, jumps ${c.params.jumpRatePerDay}/day of ${(100 * c.params.jumpMeanSize).toFixed(1)}%, ${(100 * c.params.jumpDownShare).toFixed(0)}% down, forecast half-life ${c.halfLifeHours / 24} d`;
const isShipped = (c: DynamicsCandidate) =>
  c.halfLifeHours === DEFAULT_FORECAST.halfLifeHours && c.params.tailDof === DEFAULT_TAIL_DOF;

console.log(
  `Fit of record: ν × forecast half-life, jumps held at the shipped ${shipped.jumpRatePerDay}/day of ${100 * shipped.jumpMeanSize}%; ${grid.length} candidates, ${gridPaths} paths per vol, fit part 2020-10 → 2023-03`,
);
console.log();
console.log('| rank | candidate | Σ Kupiec LR over the 16 tail checks, fit part |');
console.log('|---|---|---|');
scored.forEach((c, i) => {
  if (i < 5 || isShipped(c))
    console.log(`| ${i + 1} | ${label(c)}${isShipped(c) ? ' (shipped)' : ''} | ${c.objective.toFixed(1)} |`);
});

function table(title: string, candidate: DynamicsCandidate): void {
  const thresholds = modelThresholds(candidate.params, finalPaths, SEED + 1);
  const { fit, heldOut } = splitWindows(windowsFor(candidate.halfLifeHours), SPLIT_MS);
  const a = evaluateChecks(fit, thresholds);
  const b = evaluateChecks(heldOut, thresholds);
  const p = (r: CheckResult) => (r.kupiecP < 0.001 ? r.kupiecP.toExponential(1) : r.kupiecP.toFixed(3));
  const cell = (r: CheckResult) => `${r.exceedances} / ${r.expected.toFixed(1)} (p ${p(r)})`;
  console.log();
  console.log(`${title}: ${label(candidate)}; ${finalPaths} paths per vol`);
  console.log();
  console.log(
    '| statistic | beyond the model’s | fit 2020-10 → 2023-03: seen / expected | held out 2023-04 → 2025-10 |',
  );
  console.log('|---|---|---|---|');
  a.forEach((r, i) => {
    const level =
      r.check.tail === 'upper'
        ? `${(100 * (1 - r.check.probability)).toFixed(1)}%`
        : `${(100 * r.check.probability).toFixed(0)}% (below)`;
    const diag = isTailCheck(r.check) ? '' : ' (diagnostic)';
    console.log(`| ${r.check.statistic}${diag} | ${level} | ${cell(r)} | ${cell(b[i]!)} |`);
  });
  const tails = b.filter((r) => isTailCheck(r.check));
  const rejected = tails.filter((r) => r.kupiecP < 0.05);
  console.log();
  console.log(
    `Held out: ${tails.length - rejected.length} of ${tails.length} tail checks pass Kupiec at 5%${rejected.length === 0 ? '' : `; rejected: ${rejected.map((r) => `${r.check.statistic} ${(100 * (1 - r.check.probability)).toFixed(1)}%`).join(', ')}`}`,
  );
}

table('Fitted', scored[0]!);
const shippedCandidate = scored.find(isShipped);
if (shippedCandidate !== undefined && shippedCandidate !== scored[0]) table('Shipped', shippedCandidate);

// The free fit: jumps fitted too. Its best point on the fit part, and how it does held out.
const free = searchDynamics(windowsFor, freeJumpGrid(), SPLIT_MS, gridPaths, SEED)[0]!;
const freeThresholds = modelThresholds(free.params, gridPaths, SEED);
const freeHeld = evaluateChecks(
  splitWindows(windowsFor(free.halfLifeHours), SPLIT_MS).heldOut,
  freeThresholds,
).filter((r) => isTailCheck(r.check));
console.log();
console.log(
  `Free fit (jumps too, ${freeJumpGrid().length} candidates): best ${label(free)}, fit Σ LR ${free.objective.toFixed(1)}; held out it passes ${freeHeld.filter((r) => r.kupiecP >= 0.05).length} of ${freeHeld.length} tail checks (Σ LR ${freeHeld.reduce((a, r) => a + r.kupiecLr, 0).toFixed(1)}).`,
);
