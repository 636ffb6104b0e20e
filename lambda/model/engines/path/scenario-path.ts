/**
 * Stress scenarios as step paths of the path engine (docs/MODEL.md §4).
 *
 * - A v2 `path` `[[minute, {id | "*": cumulative simple return}], …]` is interpolated linearly onto
 *   equal steps of about `stepMinutes` covering the path's length (its last minute).
 * - A v1 `shocks` scenario is a path of one step over the model's window.
 * - A market without its own column takes, in order: the fund's first market's return raised to its
 *   `beta` (1 + r)^β − 1 when the market has a `beta` and the first market has a column; the `"*"`
 *   column; 0.
 * - `scale` multiplies every return (the reverse stress test's s); a scaled fall is capped at −99.99%
 *   so a price stays positive.
 */
import type { MarketSnapshot, StressScenario } from '../../schemas.ts';

/** Deepest fall a scaled path reaches: a price stays positive. */
export const SCALED_FLOOR = -0.9999;

/** The one step of a `shocks` scenario is a gap: the whole move happens before anything fills. */
const GAP = Uint8Array.of(1);

/** A deterministic scenario in the kernel's terms. */
export interface ScenarioPath {
  /** Cumulative simple return of market m after step t at [t·n + m]. */
  readonly cumulativeReturn: Float64Array;
  readonly steps: number;
  readonly stepMinutes: number;
  readonly liquidityFactor: number;
  /** Steps that are gaps (a one-step `shocks` scenario is one gap); null = continuous. */
  readonly gapSteps: Uint8Array | null;
  /** The scenario's `recorded` flag: its moves already include the liquidations' impact. */
  readonly impactIncluded: boolean;
}

/** Per-market resolution of a scenario's columns: the market's own, its beta on the first, "*", or 0. */
function returnOf(
  returns: Readonly<Record<string, number>>,
  id: string,
  firstId: string,
  beta: number | undefined,
): number {
  const own = returns[id];
  if (own !== undefined) return own;
  const first = returns[firstId];
  if (beta !== undefined && first !== undefined) return (1 + first) ** beta - 1;
  return returns['*'] ?? 0;
}

/**
 * The step path of `scenario` for `snapshot`'s markets.
 *
 * @param stepMinutes - the engine's step; the path is cut into ⌈length/step⌉ equal steps
 * @param windowMinutes - the window of a one-step `shocks` scenario
 * @param scale - multiplies every return (1 = as written)
 * @param liquidityFactor - overrides the scenario's own λ (the reverse stress grid, `--liquidity`)
 */
export function scenarioPath(
  snapshot: MarketSnapshot,
  scenario: StressScenario,
  options: { stepMinutes: number; windowMinutes: number; scale?: number; liquidityFactor?: number },
): ScenarioPath {
  const markets = snapshot.markets;
  const n = markets.length;
  const firstId = markets[0]!.id;
  const scale = options.scale ?? 1;
  const liquidityFactor = options.liquidityFactor ?? scenario.liquidityFactor;
  const scaled = (r: number) => {
    const v = r * scale;
    return v < SCALED_FLOOR ? SCALED_FLOOR : v;
  };
  if (scenario.shocks !== undefined) {
    const shocks = scenario.shocks;
    const cumulativeReturn = Float64Array.from(markets, (m) =>
      scaled(returnOf(shocks, m.id, firstId, m.beta)),
    );
    return {
      cumulativeReturn,
      steps: 1,
      stepMinutes: options.windowMinutes,
      liquidityFactor,
      gapSteps: GAP,
      impactIncluded: scenario.recorded === true,
    };
  }
  const points = scenario.path ?? [[0, {}]];
  const length = points[points.length - 1]![0];
  const steps = Math.max(1, Math.ceil(length / options.stepMinutes - 1e-9));
  const stepMinutes = length > 0 ? length / steps : options.stepMinutes;
  // Each market's value at each path point (its own column, else beta or "*", else 0).
  const values = new Float64Array(points.length * n);
  points.forEach((_, p) => {
    markets.forEach((m, i) => {
      values[p * n + i] = returnOf(points[p]![1], m.id, firstId, m.beta);
    });
  });
  const cumulativeReturn = new Float64Array(steps * n);
  const gaps = scenario.gaps ?? [];
  const gapSteps = gaps.length === 0 ? null : new Uint8Array(steps);
  for (const minute of gaps) {
    // The step whose interval (start, end] holds the gap's minute.
    const t = Math.min(
      steps - 1,
      Math.max(0, Math.ceil((minute * steps) / Math.max(length, 1e-9) - 1e-9) - 1),
    );
    if (gapSteps !== null) gapSteps[t] = 1;
  }
  let p = 0;
  for (let t = 0; t < steps; t++) {
    const minute = length > 0 ? ((t + 1) * length) / steps : 0;
    while (p < points.length - 2 && points[p + 1]![0] < minute) p++;
    const m0 = points[p]![0];
    const m1 = points[Math.min(p + 1, points.length - 1)]![0];
    const w = m1 > m0 ? Math.min(1, (minute - m0) / (m1 - m0)) : 1;
    const q = Math.min(p + 1, points.length - 1);
    for (let i = 0; i < n; i++) {
      const a = values[p * n + i]!;
      const b = values[q * n + i]!;
      cumulativeReturn[t * n + i] = scaled(w === 1 ? b : a + (b - a) * w);
    }
  }
  return {
    cumulativeReturn,
    steps,
    stepMinutes,
    liquidityFactor,
    gapSteps,
    impactIncluded: scenario.recorded === true,
  };
}
