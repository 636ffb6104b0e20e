/**
 * Growth against open interest: does the fund keep pace with the open interest (OI) it backs? The
 * ratio fund balance / total OI over the stored runs, and the GROWTH decision — the ratio fell by
 * more than a configured share over the window (default 30 days) while coverage is still OK, so the
 * team hears it before coverage itself slips. Pure: no I/O, no clock.
 */
import { GROWTH_ALERT_DEFAULTS, type GrowthAlert } from '../config/fund-config.ts';
import type { ReserveResult, RunStatus } from '../model/schemas.ts';
import { formatCoverage, formatPercent } from '../present/format.ts';

const DAY_MS = 86_400_000;
/**
 * How far after the window's start the reference run may lie: one day, so a fund run every 15
 * minutes or once a day always has one, and the alert step only reads that day and the current run.
 */
export const GROWTH_REFERENCE_SLACK_DAYS = 1;

/** A run's fund balance and total open interest (one side, USD); null = unknown then. */
export interface GrowthPoint {
  readonly asOf: string;
  readonly fundBalanceUsd: number | null;
  readonly openInterestUsd?: number | null;
}

/** How fund / OI moved over the window. */
export interface GrowthFall {
  /** The reference run, at the start of the window. */
  readonly fromAsOf: string;
  readonly fromRatio: number;
  readonly toRatio: number;
  /** Relative fall (fromRatio − toRatio) / fromRatio; negative when the ratio rose. */
  readonly fall: number;
  readonly windowDays: number;
}

/** A GROWTH notification to send: the headline and the figures behind it. */
export interface GrowthSignal extends GrowthFall {
  readonly headline: string;
}

/**
 * Fund balance / total open interest (0.05 = the fund holds 5% of OI); null when either is unknown
 * or there is no open interest.
 */
export function fundToOpenInterest(point: GrowthPoint): number | null {
  const { fundBalanceUsd: fund, openInterestUsd: oi } = point;
  if (fund === null || oi === null || oi === undefined || !(oi > 0)) return null;
  return fund / oi;
}

/** The known ratios of `points`, oldest first, for charts and feeds. */
export function growthSeries(points: readonly GrowthPoint[]): { asOf: string; fundToOpenInterest: number }[] {
  return points
    .map((p) => ({ asOf: p.asOf, fundToOpenInterest: fundToOpenInterest(p) }))
    .filter((p): p is { asOf: string; fundToOpenInterest: number } => p.fundToOpenInterest !== null)
    .sort((a, b) => Date.parse(a.asOf) - Date.parse(b.asOf));
}

/**
 * The [from, to] range of the reference run for a window ending at `asOf`: the first
 * {@link GROWTH_REFERENCE_SLACK_DAYS} of the window. The alert step reads exactly this range.
 */
export function growthReferenceRange(asOf: string, windowDays: number): { from: string; to: string } {
  const start = Date.parse(asOf) - windowDays * DAY_MS;
  return {
    from: new Date(start).toISOString(),
    to: new Date(start + GROWTH_REFERENCE_SLACK_DAYS * DAY_MS).toISOString(),
  };
}

/**
 * How fund / OI moved from the start of the window to `current`. The reference is the earliest run
 * with a known ratio in the window's first day ({@link growthReferenceRange}); without one — a
 * history shorter than the window, or a gap at its start — there is no fall to report (null).
 *
 * @param history - runs in any order; others than the reference range are ignored
 */
export function growthFall(
  current: GrowthPoint,
  history: readonly GrowthPoint[],
  windowDays: number,
): GrowthFall | null {
  const toRatio = fundToOpenInterest(current);
  if (toRatio === null) return null;
  const range = growthReferenceRange(current.asOf, windowDays);
  const lo = Date.parse(range.from);
  const hi = Date.parse(range.to);
  let reference: { t: number; asOf: string; ratio: number } | null = null;
  for (const point of history) {
    const t = Date.parse(point.asOf);
    const ratio = fundToOpenInterest(point);
    if (ratio === null || t < lo || t > hi) continue;
    if (reference === null || t < reference.t) reference = { t, asOf: point.asOf, ratio };
  }
  if (reference === null) return null;
  return {
    fromAsOf: reference.asOf,
    fromRatio: reference.ratio,
    toRatio,
    fall: (reference.ratio - toRatio) / reference.ratio,
    windowDays,
  };
}

/** The run being decided, as the alert policy has it (its ReserveResult). */
export type GrowthRun = Pick<ReserveResult, 'fundId' | 'asOf' | 'fundBalanceUsd' | 'coverageRatio'>;

/**
 * The GROWTH decision: a signal when coverage is OK and fund / OI fell by MORE than
 * `settings.fall` over `settings.windowDays`; null otherwise (also when the run's own open interest
 * is not in `history`). The alert policy turns it into one notification per reminder interval, like
 * the other kinds.
 *
 * @param coverage - the run's effective coverage status: GROWTH is an early warning, sent only while OK
 * @param history - stored runs with their open interest, the current one included (the pipeline
 *   stores a run before it alerts)
 * @example
 * const signal = growthSignal(result, 'OK', history, config.alerts.growth);
 */
export function growthSignal(
  run: GrowthRun,
  coverage: RunStatus,
  history: readonly GrowthPoint[],
  settings: GrowthAlert = GROWTH_ALERT_DEFAULTS,
): GrowthSignal | null {
  if (coverage !== 'OK') return null;
  const t = Date.parse(run.asOf);
  const own = history.find((p) => Date.parse(p.asOf) === t);
  const current: GrowthPoint = {
    asOf: run.asOf,
    fundBalanceUsd: run.fundBalanceUsd,
    openInterestUsd: own?.openInterestUsd ?? null,
  };
  const fall = growthFall(current, history, settings.windowDays);
  if (fall === null || !(fall.fall > settings.fall)) return null;
  const covered =
    run.coverageRatio === null ? 'fully covered' : `coverage still ${formatCoverage(run.coverageRatio)}`;
  return {
    ...fall,
    headline: `${run.fundId} fund/OI fell ${(fall.fall * 100).toFixed(1)}% in ${fall.windowDays} days (${percent(fall.fromRatio)} -> ${percent(fall.toRatio)} of OI), ${covered}`,
  };
}

/** What the team should do about a GROWTH alert (the renderers' next steps). */
export function growthNextSteps(fundId: string): string[] {
  return [
    `The fund of ${fundId} is not growing with the open interest it backs: review the insurance fee and contributions.`,
    `See the one-year outlook and its recommendation: backstop outlook --fund ${fundId}`,
  ];
}

/** Fund / OI is typically a few percent: two decimals. */
function percent(ratio: number): string {
  return formatPercent(ratio, 2);
}
