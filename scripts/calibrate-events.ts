/**
 * The evidence behind the path engine's liquidation and leverage defaults, as docs/VALIDATION.md
 * shows it:
 *
 * 1. the open-interest declines of past cascades against the leverage profile (and the profile
 *    family fitted to them alone);
 * 2. the fit of the engine's knobs on the validation events (grid search, the OI evidence as a
 *    prior) and leave-one-out: fit on all events but one, predict the one left out;
 * 3. with `--snapshot FILE` (e.g. `backstop snapshot --as-of 2026-11-30T00:00:00Z --out demo.json`),
 *    the fund's required reserve when each key parameter moves by −50% and +50%.
 *
 *   npm run calibrate:events [-- --snapshot demo.json --paths 8192]
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { V1_LEVERAGE_PROFILE } from '../lambda/backtest/backtest-book.ts';
import { DEFAULT_LEVERAGE_PROFILE } from '../lambda/config/leverage-profile.ts';
import { DEFAULT_LIQUIDATION } from '../lambda/model/engines/path/path-book.ts';
import { computeReserve } from '../lambda/model/reserve.ts';
import type { MarketSnapshot } from '../lambda/model/schemas.ts';
import { computeSensitivity } from '../lambda/model/sensitivity.ts';
import { validateSnapshot } from '../lambda/model/validate-snapshot.ts';
import {
  bestPoint,
  type EngineGrid,
  type EngineParams,
  leaveOneOut,
  replayWith,
  scoreGrid,
} from '../lambda/validate/event-fit.ts';
import { loadEvents } from '../lambda/validate/event-library.ts';
import {
  declineError,
  fitLeverageFamily,
  leverageFamily,
  liquidatedShare,
} from '../lambda/validate/leverage-fit.ts';
import { OI_DECLINES } from '../lambda/validate/oi-declines.ts';
import { TARGET_FACTOR } from '../lambda/validate/replay-event.ts';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { snapshot: { type: 'string' }, paths: { type: 'string' }, 'skip-fit': { type: 'boolean' } },
});

/** The grid of the event fit; the shipped defaults are on it. */
const GRID: EngineGrid = {
  throughputMultiple: [5, 10, 20, 40, 80],
  permanentImpactShare: [0, 0.33, 0.67, 0.9],
  throughputLiquidityExponent: [0.5, 1],
  leverageMedian: [0.1, 0.2, 0.5, 1],
  leverageLogSd: [1, 1.5, 2, 3],
};
/**
 * Weight of the OI evidence in the event fit: a profile whose G misses one cascade's OI decline by
 * 0.1 costs as much as predicting one event a factor e off.
 */
const OI_PRIOR_WEIGHT = 100;

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const musd = (x: number) =>
  Math.abs(x) >= 1e9
    ? `${x < 0 ? '−' : ''}$${(Math.abs(x) / 1e9).toFixed(2)}B`
    : `${x < 0 ? '−' : ''}$${(Math.abs(x) / 1e6).toFixed(2)}M`;

function oiSection(): void {
  console.log('## Open-interest declines against the leverage profile');
  console.log();
  console.log('| cascade | adverse move | OI closed | G, default profile | G, v1 profile | source |');
  console.log('|---|---|---|---|---|---|');
  for (const p of OI_DECLINES) {
    const g = liquidatedShare(DEFAULT_LEVERAGE_PROFILE, p.adverseMove, p.maintenanceMargin);
    const v1 = liquidatedShare(V1_LEVERAGE_PROFILE, p.adverseMove, p.maintenanceMargin);
    console.log(
      `| ${p.label} | ${pct(p.adverseMove)} | ${pct(p.oiDecline)} | ${pct(g)} | ${pct(v1)} | ${p.source} |`,
    );
  }
  const fit = fitLeverageFamily(OI_DECLINES, GRID.leverageMedian, GRID.leverageLogSd);
  console.log();
  console.log(
    `Least squares on the declines alone: median ${fit.median}, log-sd ${fit.sd} (SSE ${fit.error.toFixed(4)}); the default (0.5, 2) has SSE ${declineError(OI_DECLINES, 0.5, 2).toFixed(4)}.`,
  );
  console.log();
}

const paramsText = (p: EngineParams) =>
  `Θ ${p.throughputMultiple}, π ${p.permanentImpactShare}, a ${p.throughputLiquidityExponent}, profile (${p.leverageMedian}, ${p.leverageLogSd})`;

async function fitSection(): Promise<void> {
  const events = await loadEvents(resolve(ROOT, 'config/events'));
  const started = performance.now();
  const scores = scoreGrid(
    events,
    GRID,
    (p) => OI_PRIOR_WEIGHT * declineError(OI_DECLINES, p.leverageMedian, p.leverageLogSd),
  );
  const all = bestPoint(scores, () => true);
  const shipped = scores.points.findIndex(
    (p) =>
      p.throughputMultiple === DEFAULT_LIQUIDATION.throughputMultiple &&
      p.permanentImpactShare === DEFAULT_LIQUIDATION.permanentImpactShare &&
      p.throughputLiquidityExponent === DEFAULT_LIQUIDATION.throughputLiquidityExponent &&
      p.leverageMedian === 0.5 &&
      p.leverageLogSd === 2,
  );
  const total = (k: number) => scores.errors[k]!.reduce((s, e) => s + e, scores.priors[k]!);
  console.log('## Fit on the validation events');
  console.log();
  console.log(
    `${scores.points.length} grid points × ${events.length} events in ${((performance.now() - started) / 1000).toFixed(0)} s.`,
  );
  console.log(
    'The error is Σ over events of ln(predicted/reported)² (a wrong sign +3, a wrong ADL call +1 inside the square) plus the OI prior.',
  );
  console.log();
  console.log(`| parameters | error (prior) | ${scores.names.join(' | ')} | within target |`);
  console.log(`|---|---|${scores.names.map(() => '---|').join('')}---|`);
  for (const [label, k] of [
    ['best on all events', all.index],
    ['shipped defaults', shipped],
  ] as const) {
    const p = scores.points[k]!;
    const rows = replayWith(events, p);
    console.log(
      `| ${label}: ${paramsText(p)} | ${total(k).toFixed(2)} (${scores.priors[k]!.toFixed(2)}) | ${rows.map((c) => `${c.ratio.toFixed(2)}${c.withinTarget ? '' : ' ✗'}`).join(' | ')} | ${rows.filter((c) => c.withinTarget).length} of ${rows.length} |`,
    );
  }
  console.log();
  // The points that meet the target on the most events, whatever their error: what the events
  // alone would choose, beside what the OI evidence says of the profile.
  const hits = scores.points.map((p) => replayWith(events, p).filter((c) => c.withinTarget).length);
  const most = Math.max(...hits);
  const leaders = scores.points
    .map((p, k) => ({ p, k }))
    .filter(
      ({ p, k }) => hits[k] === most && p.permanentImpactShare === DEFAULT_LIQUIDATION.permanentImpactShare,
    )
    .sort((a, b) => scores.priors[a.k]! - scores.priors[b.k]!)
    .slice(0, 5);
  console.log(
    `Points within target on ${most} of ${events.length} events (π at its default), least OI prior first:`,
  );
  console.log();
  console.log(
    '| parameters | error (prior) | ratios, events in library order | G at the four cascades (observed 48.5%, 14.9%, 19.2%, 14.1%) |',
  );
  console.log('|---|---|---|---|');
  for (const { p, k } of leaders) {
    const profile = leverageFamily(p.leverageMedian, p.leverageLogSd);
    const g = OI_DECLINES.map((d) => pct(liquidatedShare(profile, d.adverseMove, d.maintenanceMargin)));
    const ratios = replayWith(events, p).map((c) => `${c.ratio.toFixed(2)}${c.withinTarget ? '' : ' ✗'}`);
    console.log(
      `| ${paramsText(p)} | ${total(k).toFixed(2)} (${scores.priors[k]!.toFixed(2)}) | ${ratios.join(', ')} | ${g.join(', ')} |`,
    );
  }
  console.log();
  console.log(
    'π (the permanent share of impact) does not enter a replay of a recorded path, whose prices hold the impact already: the events cannot identify it, so ties on π are broken by the grid order.',
  );
  console.log();
  console.log('## Leave-one-out (fit on the other events, predict the one left out)');
  console.log();
  console.log(
    '| left out | fitted on the others | predicted | reported | ratio | ADL predicted / reported | within target |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const fold of leaveOneOut(events, scores)) {
    const c = fold.comparison;
    const adl = `${c.predictedAdl ? 'yes' : 'no'} / ${c.reportedAdl === null ? 'n/a' : c.reportedAdl ? 'yes' : 'no'}`;
    console.log(
      `| ${fold.left} | ${paramsText(fold.params)} | ${musd(c.predictedUsd)} | ${musd(c.reportedUsd)} | ${c.ratio.toFixed(2)} | ${adl} | ${c.withinTarget ? 'yes' : `no (target: same sign, within ×${TARGET_FACTOR})`} |`,
    );
  }
  console.log();
}

/** The snapshot at `paths` paths with one reverse-stress level (as the sensitivity module runs it). */
function atPaths(snapshot: MarketSnapshot, paths: number): MarketSnapshot {
  return {
    ...snapshot,
    model: {
      ...snapshot.model,
      paths,
      reverseStressLiquidity: [snapshot.model.reverseStressLiquidity?.[0] ?? 1],
    },
  };
}

function liquidation(
  s: MarketSnapshot,
  key: 'throughputMultiple' | 'permanentImpactShare' | 'liquidityVolElasticity',
  f: number,
): MarketSnapshot {
  const base = s.model.liquidation?.[key] ?? DEFAULT_LIQUIDATION[key];
  const value = key === 'permanentImpactShare' ? Math.min(1, base * f) : base * f;
  const current = {
    throughputMultiple: DEFAULT_LIQUIDATION.throughputMultiple,
    permanentImpactShare: DEFAULT_LIQUIDATION.permanentImpactShare,
    ...s.model.liquidation,
  };
  return { ...s, model: { ...s.model, liquidation: { ...current, [key]: value } } };
}

async function sensitivitySection(file: string, paths: number): Promise<void> {
  const raw = JSON.parse(await readFile(resolve(file), 'utf8'));
  const { snapshot } = validateSnapshot(raw, file);
  const reduced = atPaths(snapshot, paths);
  const reference = computeReserve(reduced);
  const required = (s: MarketSnapshot) => computeReserve(s).requiredReserveUsd;
  const rows: [string, number, number][] = [];
  const module = computeSensitivity(snapshot, { paths });
  for (const line of module.lines)
    rows.push([line.what, line.down.requiredReserveUsd, line.up.requiredReserveUsd]);
  const extra: [string, (s: MarketSnapshot, f: number) => MarketSnapshot][] = [
    ['liquidation throughput Θ', (s, f) => liquidation(s, 'throughputMultiple', f)],
    ['permanent impact share π (capped at 1)', (s, f) => liquidation(s, 'permanentImpactShare', f)],
    ['liquidity-vol elasticity κ', (s, f) => liquidation(s, 'liquidityVolElasticity', f)],
    [
      'implied vol (every market)',
      (s, f) => ({ ...s, markets: s.markets.map((m) => ({ ...m, impliedVol: m.impliedVol * f })) }),
    ],
    [
      'open interest (every market)',
      (s, f) => ({ ...s, markets: s.markets.map((m) => ({ ...m, openInterestUsd: m.openInterestUsd * f })) }),
    ],
  ];
  for (const [what, perturb] of extra)
    rows.push([what, required(perturb(reduced, 0.5)), required(perturb(reduced, 1.5))]);
  console.log(
    `## Sensitivity of ${snapshot.fundId}'s required reserve (${snapshot.asOf}, ${paths} paths, seed ${snapshot.model.seed})`,
  );
  console.log();
  console.log(
    `Reference at these paths: ${musd(reference.requiredReserveUsd)} (binding: ${reference.binding}; the module's own reference ${musd(module.referenceRequiredUsd)}).`,
  );
  console.log();
  console.log('| parameter × 0.5 / × 1.5 | required at −50% | ratio | required at +50% | ratio |');
  console.log('|---|---|---|---|---|');
  const ref = reference.requiredReserveUsd;
  for (const [what, down, up] of rows) {
    console.log(
      `| ${what} | ${musd(down)} | ${(down / ref).toFixed(2)} | ${musd(up)} | ${(up / ref).toFixed(2)} |`,
    );
  }
  console.log();
}

oiSection();
if (values['skip-fit'] !== true) await fitSection();
if (values.snapshot !== undefined) await sensitivitySection(values.snapshot, Number(values.paths ?? 8192));
