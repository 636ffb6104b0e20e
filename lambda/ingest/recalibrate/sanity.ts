/**
 * Sanity bounds (DESIGN.md §6), pure: nonsense from a venue becomes a flag and a fallback, never a
 * crash and never a lower reserve.
 */

/** IV above this (1000%) is nonsense for a 30-day perp vol. */
export const MAX_IMPLIED_VOL = 10;
/** OI moving by more than this factor since the last run needs confirmation. */
export const OI_JUMP_FACTOR = 10;

/** What is wrong with a market's price / OI / volume; empty when sane. */
export function quoteProblems(q: {
  priceUsd: number;
  openInterestUsd: number;
  dailyVolumeUsd: number;
}): string[] {
  const problems: string[] = [];
  if (!Number.isFinite(q.priceUsd) || q.priceUsd <= 0) problems.push(`price ${q.priceUsd} <= 0`);
  if (!Number.isFinite(q.openInterestUsd) || q.openInterestUsd < 0)
    problems.push(`open interest ${q.openInterestUsd} < 0`);
  if (!Number.isFinite(q.dailyVolumeUsd) || q.dailyVolumeUsd <= 0)
    problems.push(`24h volume ${q.dailyVolumeUsd} <= 0`);
  return problems;
}

/** Why an IV reading is unusable, or undefined when it is within (0, 10]. */
export function ivProblem(iv: number): string | undefined {
  if (!Number.isFinite(iv) || iv <= 0) return `IV ${iv} <= 0`;
  if (iv > MAX_IMPLIED_VOL) return `IV ${iv} > ${MAX_IMPLIED_VOL}`;
  return undefined;
}

/**
 * Open interest to use given the last run's: a jump up by more than {@link OI_JUMP_FACTOR} is kept
 * (it can only raise the reserve) but flagged; a fall by more than that factor is unconfirmed, so the
 * last value is kept and flagged.
 */
export function checkOiJump(fresh: number, last: number | undefined): { oiUsd: number; problem?: string } {
  if (last === undefined || last <= 0) return { oiUsd: fresh };
  if (fresh > last * OI_JUMP_FACTOR) {
    return {
      oiUsd: fresh,
      problem: `OI rose ${(fresh / last).toFixed(1)}x since the last run (${last} -> ${fresh} USD); kept, unconfirmed`,
    };
  }
  if (fresh * OI_JUMP_FACTOR < last) {
    return {
      oiUsd: last,
      problem: `OI fell to ${fresh} USD from ${last} USD (> ${OI_JUMP_FACTOR}x) without confirmation; last value kept`,
    };
  }
  return { oiUsd: fresh };
}
