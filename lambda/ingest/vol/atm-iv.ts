/**
 * 30-day at-the-money implied vol from an options chain (pure). For each chosen expiry: quotes with
 * zero open interest or no bid are dropped; at the two strikes bracketing the forward the call and put
 * mark IVs are averaged, then interpolated linearly in strike to the forward. The two expiries are
 * the nearest ones at least 7 days out that bracket 30 days (or, when none bracket, the two closest to
 * 30 days);
 * their total variances σ²·T are interpolated linearly in T to 30 days (flat vol outside the pair).
 */
import type { OptionQuote } from '../venues/venue-adapter.ts';

/** Expiries closer than this are too noisy (gamma, pin risk) to represent a 30-day vol. */
export const MIN_EXPIRY_DAYS = 7;
/** Target tenor. */
export const TARGET_TENOR_DAYS = 30;
const DAY_MS = 86_400_000;

/** ATM vol of one expiry. */
export interface ExpiryAtm {
  readonly expiryMs: number;
  /** Years to expiry (ACT/365). */
  readonly years: number;
  readonly forward: number;
  readonly atmIv: number;
}

/** The result with its working, for the provenance record. */
export interface AtmIvResult {
  /** Annualised 30-day ATM IV, decimal. */
  readonly iv: number;
  readonly expiries: readonly ExpiryAtm[];
}

function usable(q: OptionQuote): boolean {
  return Number.isFinite(q.markIv) && q.markIv > 0 && q.hasBid && q.openInterest !== 0 && q.forward > 0;
}

/** Mean of call and put IV at each strike. */
function ivByStrike(quotes: readonly OptionQuote[]): Map<number, number> {
  const sums = new Map<number, { sum: number; n: number }>();
  for (const q of quotes) {
    const s = sums.get(q.strike) ?? { sum: 0, n: 0 };
    s.sum += q.markIv;
    s.n += 1;
    sums.set(q.strike, s);
  }
  return new Map([...sums].map(([k, s]) => [k, s.sum / s.n]));
}

/** ATM IV of one expiry's quotes at `forward`, interpolated in strike between the bracketing strikes. */
export function atmIvOfExpiry(quotes: readonly OptionQuote[], forward: number): number | undefined {
  const byStrike = ivByStrike(quotes);
  const strikes = [...byStrike.keys()].sort((a, b) => a - b);
  if (strikes.length === 0) return undefined;
  const above = strikes.find((k) => k >= forward);
  const below = strikes.findLast((k) => k <= forward);
  if (above === undefined) return byStrike.get(below as number);
  if (below === undefined || below === above) return byStrike.get(above);
  const lo = byStrike.get(below) as number;
  const hi = byStrike.get(above) as number;
  return lo + ((hi - lo) * (forward - below)) / (above - below);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Picks the expiry pair (all ≥ 7 days): bracketing 30 days when possible, else the two closest to 30
 * days — the first two when all are later, the last two when all are earlier.
 */
function chooseExpiries(expiries: readonly number[], asOfMs: number): number[] {
  const eligible = expiries.filter((e) => e - asOfMs >= MIN_EXPIRY_DAYS * DAY_MS).sort((a, b) => a - b);
  const target = asOfMs + TARGET_TENOR_DAYS * DAY_MS;
  const after = eligible.findIndex((e) => e >= target);
  if (after > 0) return [eligible[after - 1] as number, eligible[after] as number];
  return after === 0 ? eligible.slice(0, 2) : eligible.slice(-2);
}

/**
 * 30-day ATM IV from a chain.
 * @param asOfMs - valuation time (epoch ms); expiries are measured from it
 * @returns undefined when no expiry ≥ 7 days has a usable quote
 * @example
 * const r = atmIv30d(chain.quotes, Date.parse('2026-11-22T00:00:00Z'));
 * r?.iv; // 0.52
 */
export function atmIv30d(quotes: readonly OptionQuote[], asOfMs: number): AtmIvResult | undefined {
  const byExpiry = new Map<number, OptionQuote[]>();
  for (const q of quotes.filter(usable)) {
    const list = byExpiry.get(q.expiryMs) ?? [];
    list.push(q);
    byExpiry.set(q.expiryMs, list);
  }
  const chosen: ExpiryAtm[] = [];
  for (const expiryMs of chooseExpiries([...byExpiry.keys()], asOfMs)) {
    const list = byExpiry.get(expiryMs) ?? [];
    const forward = median(list.map((q) => q.forward));
    const atmIv = atmIvOfExpiry(list, forward);
    if (atmIv !== undefined)
      chosen.push({ expiryMs, years: (expiryMs - asOfMs) / (365 * DAY_MS), forward, atmIv });
  }
  const [first, second] = chosen;
  if (first === undefined) return undefined;
  const target = TARGET_TENOR_DAYS / 365;
  if (second === undefined || target <= first.years) return { iv: first.atmIv, expiries: chosen };
  if (target >= second.years) return { iv: second.atmIv, expiries: chosen };
  const w1 = first.atmIv ** 2 * first.years;
  const w2 = second.atmIv ** 2 * second.years;
  const w = w1 + ((w2 - w1) * (target - first.years)) / (second.years - first.years);
  return { iv: Math.sqrt(w / target), expiries: chosen };
}
