/**
 * Realized volatility from daily closes (pure): exponentially weighted (RiskMetrics-style, zero
 * mean) mean of squared daily log returns, annualised with √365 because crypto trades every day.
 */

/** Decay of the EWMA, the same λ as the correlation (docs/MARKET-DATA.md, Recalibration). */
export const EWMA_LAMBDA = 0.97;
/** Crypto trades 365 days a year. */
export const TRADING_DAYS_PER_YEAR = 365;

/** Daily log returns of consecutive closes (oldest first in, oldest first out). */
export function logReturns(closes: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < closes.length; i++)
    out.push(Math.log((closes[i] as number) / (closes[i - 1] as number)));
  return out;
}

/**
 * Annualised EWMA vol of daily log returns, weights λ^age normalised over the window.
 * @param returns - daily log returns, oldest first
 * @returns undefined with fewer than 2 returns
 * @example ewmaVol([0.01, -0.01], 0.97) // ≈ 0.191 (= 0.01·√365)
 */
export function ewmaVol(returns: readonly number[], lambda = EWMA_LAMBDA): number | undefined {
  if (returns.length < 2) return undefined;
  let num = 0;
  let den = 0;
  for (let i = 0; i < returns.length; i++) {
    const w = lambda ** (returns.length - 1 - i);
    num += w * (returns[i] as number) ** 2;
    den += w;
  }
  return Math.sqrt((TRADING_DAYS_PER_YEAR * num) / den);
}
