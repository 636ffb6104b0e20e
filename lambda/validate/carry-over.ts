/**
 * The book an event starts from when an earlier event has just moved the market (the 2020-03-13
 * rebound starts where the 2020-03-12 crash ended). The winning side of the earlier path kept its
 * positions and gained: a short at distance d from bankruptcy at P0 has, at P1 = P0·(1 + r), the
 * distance (1 + d)/(1 + r) − 1 (a long: 1 − (1 − d)/(1 + r)); those the path squeezed on the way
 * (adverse move ≥ d − maintenance margin) are gone. A share of the new book is those survivors, the
 * rest opened fresh at the default profile.
 */
import type { LeverageBucket } from '../model/schemas.ts';

/** Sub-buckets per bucket when a bucket's uniform spread is carried through the move. */
const SLICES = 8;
/** Relative half-width of a bucket (the distance book's spread). */
const SPREAD = 0.5;
/** Distances beyond this are "no longer at risk": the schema caps a margin at 1. */
const MAX_MARGIN = 1;

/** What the earlier path did to the carried side: its end return and its worst adverse move. */
export interface CarriedMove {
  readonly side: 'long' | 'short';
  /** Simple return of the price over the earlier path, end against start. */
  readonly endReturn: number;
  /** Largest move against the carried side along the path (fraction of the start price). */
  readonly maxAdverse: number;
  readonly maintenanceMargin: number;
}

/** The carried side's survivors as buckets (shares of the side's original OI, summing to ≤ 1). */
export function survivors(profile: readonly LeverageBucket[], move: CarriedMove): LeverageBucket[] {
  const out: LeverageBucket[] = [];
  const r = move.endReturn;
  for (const bucket of profile) {
    const lo = bucket.margin * (1 - SPREAD);
    const width = (2 * SPREAD * bucket.margin) / SLICES;
    for (let k = 0; k < SLICES; k++) {
      const d = lo + (k + 0.5) * width;
      if (d - move.maintenanceMargin <= move.maxAdverse) continue;
      const moved = move.side === 'short' ? (1 + d) / (1 + r) - 1 : 1 - (1 - d) / (1 + r);
      out.push({ margin: Math.min(MAX_MARGIN, moved), share: bucket.share / SLICES });
    }
  }
  return out;
}

/**
 * The new profile of the carried side: `carriedShare` of its OI the survivors (renormalised), the
 * rest `fresh`. Buckets at the same margin are merged.
 */
export function carriedProfile(
  profile: readonly LeverageBucket[],
  fresh: readonly LeverageBucket[],
  move: CarriedMove,
  carriedShare: number,
): LeverageBucket[] {
  const kept = survivors(profile, move);
  const total = kept.reduce((s, b) => s + b.share, 0);
  const share = total > 0 ? carriedShare : 0;
  const merged = new Map<number, number>();
  const add = (margin: number, s: number) => merged.set(margin, (merged.get(margin) ?? 0) + s);
  for (const b of kept) add(b.margin, (share * b.share) / total);
  for (const b of fresh) add(b.margin, (1 - share) * b.share);
  const buckets = [...merged.entries()].filter(([, s]) => s > 0).sort((a, b) => a[0] - b[0]);
  const sum = buckets.reduce((acc, [, s]) => acc + s, 0);
  return buckets.map(([margin, s]) => ({ margin, share: s / sum }));
}
