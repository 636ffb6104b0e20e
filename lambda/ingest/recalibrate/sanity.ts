/**
 * Sanity bounds, pure: nonsense from a venue becomes a flag and a fallback, never a crash and never
 * a lower reserve. What is possible but implausible (OI far below volume or peers, sudden drops) is
 * plausibility.ts.
 */

/** IV above this (1000%) is nonsense for a 30-day perp vol. */
export const MAX_IMPLIED_VOL = 10;
/**
 * Largest USD amount a market's OI or 24h volume may be (10 trillion, far above any venue): beyond it
 * the number is a unit slip, and it would overflow the table's number range at persist.
 */
export const MAX_MARKET_USD = 1e13;
/** Largest price in USD (a billion per coin). */
export const MAX_PRICE_USD = 1e9;

/** What is wrong with a market's price / OI / volume; empty when sane. */
export function quoteProblems(q: {
  priceUsd: number;
  openInterestUsd: number;
  dailyVolumeUsd: number;
}): string[] {
  const problems: string[] = [];
  if (!Number.isFinite(q.priceUsd) || q.priceUsd <= 0) problems.push(`price ${q.priceUsd} <= 0`);
  else if (q.priceUsd > MAX_PRICE_USD) problems.push(`price ${q.priceUsd} > ${MAX_PRICE_USD}`);
  if (!Number.isFinite(q.openInterestUsd) || q.openInterestUsd < 0)
    problems.push(`open interest ${q.openInterestUsd} < 0`);
  else if (q.openInterestUsd > MAX_MARKET_USD)
    problems.push(`open interest ${q.openInterestUsd} USD > ${MAX_MARKET_USD}`);
  if (!Number.isFinite(q.dailyVolumeUsd) || q.dailyVolumeUsd <= 0)
    problems.push(`24h volume ${q.dailyVolumeUsd} <= 0`);
  else if (q.dailyVolumeUsd > MAX_MARKET_USD)
    problems.push(`24h volume ${q.dailyVolumeUsd} USD > ${MAX_MARKET_USD}`);
  return problems;
}

/** Why an IV reading is unusable, or undefined when it is within (0, 10]. */
export function ivProblem(iv: number): string | undefined {
  if (!Number.isFinite(iv) || iv <= 0) return `IV ${iv} <= 0`;
  if (iv > MAX_IMPLIED_VOL) return `IV ${iv} > ${MAX_IMPLIED_VOL}`;
  return undefined;
}
