/**
 * The reverse stress test (docs/MODEL.md §5): for each stress scenario scaled by s ≥ 0, at each
 * liquidity factor of a small grid, the smallest s at which the scenario's net loss reaches the
 * effective balance — "the fund is exhausted by 1.7 × the 2020-03-12 path at 3% depth".
 *
 * The loss need not be monotone in s (a larger move can liquidate more positions above their
 * bankruptcy price and earn more), so the first crossing is bracketed on a grid of s and then
 * bisected; a scenario that never exhausts the fund up to `maxScale` reports null.
 */
import type { LossEngine } from './engines/loss-engine.ts';
import type { ReverseStress, StressScenario } from './schemas.ts';

/** Largest multiple of a scenario tried. */
export const REVERSE_STRESS_MAX_SCALE = 10;
/** Grid step of the bracketing scan. */
const SCAN_STEP = 0.25;
/** Bisection stops when the bracket is this narrow (in multiples of the scenario). */
const SCALE_TOLERANCE = 1e-4;

/** The smallest s ≤ maxScale with loss(s) ≥ target, or null. */
function firstCrossing(loss: (s: number) => number, target: number, maxScale: number): number | null {
  if (loss(0) >= target) return 0;
  let lo = 0;
  let hi = Number.NaN;
  for (let s = SCAN_STEP; s <= maxScale + 1e-12; s += SCAN_STEP) {
    if (loss(s) >= target) {
      hi = s;
      break;
    }
    lo = s;
  }
  if (Number.isNaN(hi)) return null;
  while (hi - lo > SCALE_TOLERANCE) {
    const mid = (lo + hi) / 2;
    if (loss(mid) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * Runs the reverse stress test of `scenarios` against `balanceUsd` through `engine`.
 *
 * @param liquidityGrid - liquidity factors λ at which each scenario is scaled
 * @returns one entry per scenario and λ, in scenario order
 */
export function reverseStress(
  engine: LossEngine,
  scenarios: readonly StressScenario[],
  liquidityGrid: readonly number[],
  balanceUsd: number,
  maxScale = REVERSE_STRESS_MAX_SCALE,
): ReverseStress[] {
  return scenarios.flatMap((scenario) =>
    liquidityGrid.map((liquidityFactor) => ({
      scenario: scenario.name,
      liquidityFactor,
      scale: firstCrossing(
        (scale) => engine.replay(scenario, { scale, liquidityFactor }).netLossUsd,
        balanceUsd,
        maxScale,
      ),
      maxScale,
    })),
  );
}
