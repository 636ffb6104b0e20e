/**
 * From the requirement and the balance to what a treasury acts on: coverage ratio, status and the
 * recommendation (the fee that closes a shortfall, or the surplus that may be released).
 */
import type { MarketSnapshot, ReserveResult, RunStatus } from './schemas.ts';

/** Coverage above which surplus may be released, keeping this multiple of the requirement. */
export const DEFAULT_RELEASE_MULTIPLE = 1.5;
/** Days over which the recommended fee closes a shortfall. */
export const FEE_HORIZON_DAYS = 30;

/** Coverage thresholds of a snapshot: its own, else warn below 1 and breach below 1/(1+buffer). */
export function coverageThresholds(model: MarketSnapshot['model']): {
  warnBelow: number;
  breachBelow: number;
} {
  return model.thresholds ?? { warnBelow: 1, breachBelow: 1 / (1 + model.buffer) };
}

/**
 * balance / required; null when the balance is unknown or nothing is required (infinite coverage).
 */
export function coverageRatio(balanceUsd: number | null, requiredUsd: number): number | null {
  if (balanceUsd === null || requiredUsd <= 0) return null;
  return balanceUsd / requiredUsd;
}

/** OK / WARN / BREACH from coverage (OK when nothing is required), UNKNOWN without a balance. */
export function coverageStatus(
  balanceUsd: number | null,
  requiredUsd: number,
  thresholds: { warnBelow: number; breachBelow: number },
): RunStatus {
  if (balanceUsd === null) return 'UNKNOWN';
  const ratio = coverageRatio(balanceUsd, requiredUsd);
  if (ratio === null) return 'OK';
  if (ratio < thresholds.breachBelow) return 'BREACH';
  if (ratio < thresholds.warnBelow) return 'WARN';
  return 'OK';
}

/**
 * The recommendation. Shortfall = max(0, required − balance) (an unknown balance counts as nothing
 * held, so the shortfall is the whole requirement); the fee in bps of 30 days' volume that raises
 * it, shortfall / (30·Σ daily volume)·10⁴, null when there is no shortfall or the balance is
 * unknown; releasable = balance − releaseMultiple·required when coverage ≥ releaseMultiple, else 0.
 */
export function recommend(snapshot: MarketSnapshot, requiredUsd: number): ReserveResult['recommendation'] {
  const balance = snapshot.fundBalanceUsd;
  const releaseMultiple = snapshot.model.releaseMultiple ?? DEFAULT_RELEASE_MULTIPLE;
  if (balance === null) {
    return { shortfallUsd: requiredUsd, feeBpsToCloseIn30Days: null, releasableUsd: 0 };
  }
  const shortfallUsd = Math.max(0, requiredUsd - balance);
  const monthlyVolume = FEE_HORIZON_DAYS * snapshot.markets.reduce((s, m) => s + m.dailyVolumeUsd, 0);
  const ratio = coverageRatio(balance, requiredUsd);
  const releasable = ratio === null || ratio >= releaseMultiple;
  return {
    shortfallUsd,
    feeBpsToCloseIn30Days: shortfallUsd > 0 ? (shortfallUsd / monthlyVolume) * 1e4 : null,
    releasableUsd: releasable ? Math.max(0, balance - releaseMultiple * requiredUsd) : 0,
  };
}
