/**
 * Execution slippage of the liquidation engine (docs/MODEL.md §2): the average distance from the
 * mid at which a liquidation of q USD fills, as a fraction of the mid.
 *
 * - With an order-book depth curve (`depthUsd`), the engine walks the book: resting size D(δ) within
 *   δ of mid is linear between the given points (D(0) = 0) and, beyond the last one, grows at the
 *   curve's average rate D(δ_J)/δ_J. Liquidity λ scales the book: walking q through λ·D is walking
 *   q/λ through D. The fill is the size-weighted mean of δ over the walked book.
 * - Without depth, the square-root law of the gap model on the executed flow:
 *   k·(σ/√365)·√(q/(V·λ)).
 */
import type { DepthPoint } from '../../schemas.ts';

/** A depth curve of one side, prepared for walking (arrays include the origin (0, 0)). */
export interface DepthWalk {
  /** Distances δ_0 = 0 < δ_1 < … (fraction of mid). */
  readonly distance: Float64Array;
  /** Cumulative resting USD D_j at δ_j. */
  readonly size: Float64Array;
  /** ∫₀^{D_j} δ(q) dq at each point: the USD-weighted distance of the walked book. */
  readonly integral: Float64Array;
  /** Slope dD/dδ beyond the last point. */
  readonly tailSlope: number;
}

/** Prepares one side (`bidUsd` for sells, `askUsd` for buys) of a depth curve. */
export function prepareDepthWalk(points: readonly DepthPoint[], side: 'bidUsd' | 'askUsd'): DepthWalk {
  const n = points.length + 1;
  const distance = new Float64Array(n);
  const size = new Float64Array(n);
  const integral = new Float64Array(n);
  points.forEach((p, i) => {
    distance[i + 1] = p.distance;
    size[i + 1] = p[side];
    integral[i + 1] = integral[i]! + ((distance[i]! + p.distance) / 2) * (p[side] - size[i]!);
  });
  const lastSize = size[n - 1]!;
  return { distance, size, integral, tailSlope: lastSize / distance[n - 1]! };
}

/**
 * Average fill distance of walking `usd` through the book (already divided by λ).
 * An empty book (no resting size at all) cannot fill: the slippage is infinite.
 */
export function walkSlippage(walk: DepthWalk, usd: number): number {
  if (usd <= 0) return 0;
  const { distance, size, integral, tailSlope } = walk;
  const n = size.length;
  let j = 0;
  while (j < n - 1 && size[j + 1]! <= usd) j++;
  if (j === n - 1) {
    if (!(tailSlope > 0)) return Number.POSITIVE_INFINITY;
    const extra = usd - size[j]!;
    const end = distance[j]! + extra / tailSlope;
    return (integral[j]! + ((distance[j]! + end) / 2) * extra) / usd;
  }
  const slope = (size[j + 1]! - size[j]!) / (distance[j + 1]! - distance[j]!);
  const extra = usd - size[j]!;
  const end = distance[j]! + extra / slope;
  return (integral[j]! + ((distance[j]! + end) / 2) * extra) / usd;
}

/** Square-root-law slippage k·(σ/√365)·√(q/(V·λ)) with `perRootUsd` = k·(σ/√365)/√V. */
export function rootLawSlippage(perRootUsd: number, usd: number, liquidityFactor: number): number {
  return usd <= 0 ? 0 : perRootUsd * Math.sqrt(usd / liquidityFactor);
}
