/**
 * How much the required reserve depends on the assumptions nobody can observe: the leverage profile,
 * liquidity and the liquidation window. Each is moved by −50% and +50% and the reserve recomputed.
 *
 * Cost is bounded: every run (the six perturbed ones and one unperturbed reference) uses at most
 * {@link SENSITIVITY_PATHS} Monte Carlo paths of the snapshot's engine with the snapshot's own seed —
 * common random numbers, so the ratio to the reference at the same paths shows the assumption's
 * effect, not sampling noise. Pure: no I/O, no clock.
 */
import { PATH_DEFAULTS } from './engines/path/path-engine.ts';
import { computeReserve, engineOf } from './reserve.ts';
import type { LeverageBucket, MarketSnapshot, SnapshotMarket } from './schemas.ts';

/**
 * Most Monte Carlo paths per sensitivity run, by engine: 7 × 50,000 gap paths (a third of a default
 * 10⁶-path gap run, ~0.2 s) or 7 × 2,500 path-engine paths (its importance sampling keeps ~4% of
 * them in the tail; about a seventh of a precision-driven demo run, ~1 s on one core).
 */
export const SENSITIVITY_PATHS: Readonly<Record<'gap' | 'path', number>> = { gap: 50_000, path: 2_500 };
/** The relative move of each assumption: −50% and +50%. */
export const SENSITIVITY_MOVE = 0.5;
/** Longest path-engine window the schema accepts, hours. */
const MAX_WINDOW_HOURS = 168;
/** How far above the maintenance margin a shrunk bucket is kept (v2 refuses margin ≤ maintenance). */
const MARGIN_EPSILON = 1e-6;

/** The assumptions the sensitivity moves. */
export type SensitivityAssumption = 'leverage' | 'liquidity' | 'window';

/** The requirement with one assumption moved one way. */
export interface SensitivityPoint {
  /** The multiplier applied: 0.5 (−50%) or 1.5 (+50%). */
  readonly factor: number;
  /** Required reserve of the perturbed snapshot at the reduced paths, USD. */
  readonly requiredReserveUsd: number;
  /** requiredReserveUsd / the reference's at the same paths (1.4 = 40% more required). */
  readonly ratio: number;
}

/** One assumption moved both ways. */
export interface SensitivityLine {
  readonly assumption: SensitivityAssumption;
  /** What is multiplied: `leverage margins`, `volume and depth`, `window`. */
  readonly what: string;
  readonly down: SensitivityPoint;
  readonly up: SensitivityPoint;
}

/** The sensitivity of a snapshot's requirement. */
export interface Sensitivity {
  /** Monte Carlo paths of every run (the snapshot's paths, capped at {@link SENSITIVITY_PATHS}). */
  readonly paths: number;
  readonly seed: number;
  /** Runs made, the reference included. */
  readonly runs: number;
  /** The unperturbed requirement at the reduced paths, USD (the ratios' denominator). */
  readonly referenceRequiredUsd: number;
  readonly lines: readonly SensitivityLine[];
}

/** Options of {@link computeSensitivity}. */
export interface SensitivityOptions {
  /** Paths per run (default {@link SENSITIVITY_PATHS} of the snapshot's engine); never more than the snapshot's own. */
  readonly paths?: number;
}

/**
 * Recomputes the requirement of a validated snapshot with the leverage profile's margins, the
 * liquidity (daily volume and order-book depth) and the liquidation window each multiplied by 0.5
 * and by 1.5, at reduced paths with the same seed.
 *
 * Margins are kept above the maintenance margin and at most 1; the path engine's window at most
 * 168 h. A reference of zero (nothing required) gives ratios of 1 when the perturbed run also needs
 * nothing, else Infinity.
 *
 * @example
 * const s = computeSensitivity(snapshot);
 * s.lines[0].down.ratio; // 1.42: 42% more required if every position were twice as leveraged
 */
export function computeSensitivity(snapshot: MarketSnapshot, options: SensitivityOptions = {}): Sensitivity {
  const paths = Math.max(
    100,
    Math.min(options.paths ?? SENSITIVITY_PATHS[engineOf(snapshot)], snapshot.model.paths ?? Infinity),
  );
  const reduced = atPaths(snapshot, paths);
  const reference = computeReserve(reduced).requiredReserveUsd;
  const point = (factor: number, perturb: (s: MarketSnapshot, f: number) => MarketSnapshot) => {
    const requiredReserveUsd = computeReserve(perturb(reduced, factor)).requiredReserveUsd;
    return { factor, requiredReserveUsd, ratio: ratioTo(requiredReserveUsd, reference) };
  };
  const line = (
    assumption: SensitivityAssumption,
    what: string,
    perturb: (s: MarketSnapshot, f: number) => MarketSnapshot,
  ): SensitivityLine => ({
    assumption,
    what,
    down: point(1 - SENSITIVITY_MOVE, perturb),
    up: point(1 + SENSITIVITY_MOVE, perturb),
  });
  const lines = [
    line('leverage', 'leverage margins', scaleMargins),
    line('liquidity', 'volume and depth', scaleLiquidity),
    line('window', 'window', scaleWindow),
  ];
  return {
    paths,
    seed: snapshot.model.seed,
    runs: 1 + 2 * lines.length,
    referenceRequiredUsd: reference,
    lines,
  };
}

function ratioTo(value: number, reference: number): number {
  if (reference > 0) return value / reference;
  return value === 0 ? 1 : Number.POSITIVE_INFINITY;
}

/** The snapshot at `paths` paths; v2's precision target and reverse-stress grid cut to match. */
function atPaths(snapshot: MarketSnapshot, paths: number): MarketSnapshot {
  const model = { ...snapshot.model, paths };
  if (model.precision !== undefined)
    model.precision = { ...model.precision, maxPaths: Math.max(1000, paths) };
  // The reverse stress test does not enter the requirement: one liquidity level keeps it cheap.
  if (snapshot.schemaVersion === 2) model.reverseStressLiquidity = [model.reverseStressLiquidity?.[0] ?? 1];
  return { ...snapshot, model };
}

/** Every bucket's distance to bankruptcy × f (f = 0.5: positions twice as leveraged). */
function scaleMargins(snapshot: MarketSnapshot, f: number): MarketSnapshot {
  const scale = (m: SnapshotMarket, profile: readonly LeverageBucket[]) => {
    const floor = Math.max(
      m.maintenanceMargin + MARGIN_EPSILON,
      m.maxLeverage === undefined ? 0 : 1 / m.maxLeverage,
    );
    return profile.map((b) => ({ ...b, margin: Math.min(1, Math.max(floor, b.margin * f)) }));
  };
  return {
    ...snapshot,
    markets: snapshot.markets.map((m) => ({
      ...m,
      leverageProfile: scale(m, m.leverageProfile),
      ...(m.leverageProfileShort === undefined
        ? {}
        : { leverageProfileShort: scale(m, m.leverageProfileShort) }),
    })),
  };
}

/** Daily volume and resting depth × f (f = 0.5: half the liquidity in calm and in stress). */
function scaleLiquidity(snapshot: MarketSnapshot, f: number): MarketSnapshot {
  return {
    ...snapshot,
    markets: snapshot.markets.map((m) => ({
      ...m,
      dailyVolumeUsd: m.dailyVolumeUsd * f,
      ...(m.depthUsd === undefined
        ? {}
        : { depthUsd: m.depthUsd.map((d) => ({ ...d, bidUsd: d.bidUsd * f, askUsd: d.askUsd * f })) }),
    })),
  };
}

/**
 * The liquidation window × f: the gap engine's `horizonHours`; the path engine's `windowHours` (its
 * default when unset), at most 168 h.
 */
function scaleWindow(snapshot: MarketSnapshot, f: number): MarketSnapshot {
  const { model } = snapshot;
  if (engineOf(snapshot) === 'gap')
    return { ...snapshot, model: { ...model, horizonHours: model.horizonHours * f } };
  const hours = model.windowHours ?? PATH_DEFAULTS.windowHours;
  return { ...snapshot, model: { ...model, windowHours: Math.min(MAX_WINDOW_HOURS, hours * f) } };
}
