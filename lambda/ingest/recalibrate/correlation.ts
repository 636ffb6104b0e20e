/**
 * EWMA correlation of daily log returns (pure, docs/MARKET-DATA.md, Recalibration): λ = 0.97, zero mean, pairwise over the
 * days both markets have a return, weights λ^age with age counted from the latest day of any market.
 * Pairs with too few common days are left undefined for the caller to fill (last good or 1).
 */

import type { DailyClose } from '../venues/venue-adapter.ts';
import { EWMA_LAMBDA } from '../vol/realized.ts';

/** Fewer common daily returns than this and a pairwise correlation is noise. */
export const MIN_COMMON_RETURNS = 10;

/** Daily log returns keyed by the UTC day of the later close; only consecutive days count. */
export function returnsByDay(closes: readonly DailyClose[]): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 1; i < closes.length; i++) {
    const prev = closes[i - 1] as DailyClose;
    const cur = closes[i] as DailyClose;
    if (cur.dayMs - prev.dayMs === 86_400_000) out.set(cur.dayMs, Math.log(cur.close / prev.close));
  }
  return out;
}

/**
 * Pairwise EWMA correlation matrix; `undefined` entries where two series share fewer than
 * {@link MIN_COMMON_RETURNS} days (or a series is missing). Diagonal is 1.
 */
export function ewmaCorrelation(
  series: readonly (Map<number, number> | undefined)[],
  lambda = EWMA_LAMBDA,
): (number | undefined)[][] {
  const n = series.length;
  let latest = Number.NEGATIVE_INFINITY;
  for (const s of series) for (const day of s?.keys() ?? []) latest = Math.max(latest, day);
  const out: (number | undefined)[][] = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? 1 : undefined)),
  );
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = series[i];
      const b = series[j];
      if (a === undefined || b === undefined) continue;
      let sab = 0;
      let saa = 0;
      let sbb = 0;
      let count = 0;
      for (const [day, ra] of a) {
        const rb = b.get(day);
        if (rb === undefined) continue;
        const w = lambda ** ((latest - day) / 86_400_000);
        sab += w * ra * rb;
        saa += w * ra * ra;
        sbb += w * rb * rb;
        count++;
      }
      if (count < MIN_COMMON_RETURNS || saa === 0 || sbb === 0) continue;
      const rho = Math.max(-1, Math.min(1, sab / Math.sqrt(saa * sbb)));
      out[i]![j] = rho;
      out[j]![i] = rho;
    }
  }
  return out;
}
