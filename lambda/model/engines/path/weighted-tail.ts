/**
 * VaR, ES and their standard error from weighted (importance-sampled) losses.
 *
 * With N paths of loss L_i and likelihood-ratio weight w_i (E[w] = 1), the tail holds weight
 * T = (1 − α)·N. Walking the paths from the largest loss down (ties: lower path index first),
 * VaR v is the loss of the path at which the accumulated weight reaches T, and
 *   ES = (Σ_{above v} w_i·L_i + v·(T − Σ_{above v} w_i)) / T,
 * i.e. the Rockafellar–Uryasev form v + Σ w_i(L_i − v)⁺/T. With w ≡ 1 this is v1's convention
 * exactly: the mean of the (1 − α)·N largest losses.
 *
 * Standard error: ES is stationary in v (the envelope theorem), so to first order its error is the
 * sampling error of the mean of ψ_i = w_i·(L_i − v)⁺: SE = sd(ψ)/√N/(1 − α). Everything is summed in
 * the sorted order, so the result depends only on the set of paths, never on how they were split.
 */

/** The tail of a weighted sample: which paths it holds and with what weight. */
export interface WeightedTail {
  readonly varUsd: number;
  readonly esUsd: number;
  readonly esStdErrorUsd: number;
  /** Paths strictly above VaR, in descending order of loss, then the VaR path itself. */
  readonly paths: Uint32Array;
  /** Weight of each path of `paths` in the tail average: w_i, and T − Σ above for the VaR path. */
  readonly tailWeights: Float64Array;
  /** T = (1 − α)·N. */
  readonly tailWeight: number;
}

/** Path indices ordered by loss, largest first (ties: lower index first). */
export function descendingOrder(losses: Float64Array, count: number): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  order.sort((a, b) => losses[b]! - losses[a]! || a - b);
  return order;
}

/**
 * The weighted tail of the first `count` paths at confidence α.
 *
 * @param losses - net fund loss per path (USD; negative = gain)
 * @param weights - likelihood-ratio weight per path
 */
export function weightedTail(
  losses: Float64Array,
  weights: Float64Array,
  count: number,
  confidence: number,
): WeightedTail {
  const order = descendingOrder(losses, count);
  const tailWeight = (1 - confidence) * count;
  let above = 0;
  let aboveLoss = 0;
  let k = 0;
  for (; k < count - 1; k++) {
    const i = order[k]!;
    // (1 − 1e-12): (1 − α)·N computed in binary is a hair above the integer it means (0.999, 2000).
    if (above + weights[i]! >= tailWeight * (1 - 1e-12)) break;
    above += weights[i]!;
    aboveLoss += weights[i]! * losses[i]!;
  }
  const varPath = order[k]!;
  const v = losses[varPath]!;
  const esUsd = (aboveLoss + v * (tailWeight - above)) / tailWeight;
  // ψ_i = w_i·(L_i − v)⁺ is zero outside the paths above VaR.
  let sum = 0;
  let sumSq = 0;
  for (let j = 0; j < k; j++) {
    const i = order[j]!;
    const psi = weights[i]! * (losses[i]! - v);
    sum += psi;
    sumSq += psi * psi;
  }
  const variance = count > 1 ? Math.max(0, (sumSq - (sum * sum) / count) / (count - 1)) : 0;
  const esStdErrorUsd = Math.sqrt(variance / count) / (1 - confidence);
  const paths = order.slice(0, k + 1);
  const tailWeights = new Float64Array(k + 1);
  for (let j = 0; j < k; j++) tailWeights[j] = weights[order[j]!]!;
  tailWeights[k] = tailWeight - above;
  return { varUsd: v, esUsd, esStdErrorUsd, paths, tailWeights, tailWeight };
}
