/**
 * Data quality as a reader needs it: whether the balance the coverage rests on can be trusted (shown
 * next to the status, not at the bottom), and the run's flags with repeats collapsed into one line
 * with a count.
 */

/** A data-quality flag as runs and snapshots record it. */
export interface FlagLike {
  readonly marketId?: string | undefined;
  readonly code: string;
  readonly detail: string;
}

/** How far the fund balance can be trusted. */
export interface BalanceQuality {
  readonly kind: 'fresh' | 'stale' | 'unknown';
  /** `balance STALE (updated 228 h ago, limit 36 h)`, `balance UNKNOWN`; empty when fresh. */
  readonly note: string;
}

/** Flag codes that say the balance is old or partly missing. */
const STALE_BALANCE_CODES: ReadonlySet<string> = new Set([
  'BALANCE_STALE',
  'BALANCE_COIN_UNPRICED',
  'BALANCE_POOL_NEGATIVE',
]);

/**
 * The balance's quality from the run's flags: UNKNOWN when there is no balance, STALE when a flag
 * says it is old (with the oldest age the flags state, as `(228.6 h > 36 h)`), else fresh.
 */
export function balanceQuality(balanceUsd: number | null, flags: readonly FlagLike[]): BalanceQuality {
  if (balanceUsd === null) return { kind: 'unknown', note: 'balance UNKNOWN' };
  const stale = flags.filter((f) => f.marketId === undefined && STALE_BALANCE_CODES.has(f.code));
  if (stale.length === 0) return { kind: 'fresh', note: '' };
  const ages = stale
    .map((f) => /\(([\d.]+) h > ([\d.]+) h\)/.exec(f.detail))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ age: Number(m[1]), limit: Number(m[2]) }));
  if (ages.length === 0) {
    const codes = [...new Set(stale.map((f) => f.code))].join(', ');
    return { kind: 'stale', note: `balance STALE (${codes})` };
  }
  const oldest = ages.reduce((a, b) => (b.age > a.age ? b : a));
  return {
    kind: 'stale',
    note: `balance STALE (updated ${Math.round(oldest.age)} h ago, limit ${oldest.limit} h)`,
  };
}

/** Flags of one market and code, collapsed. */
export interface CollapsedFlag {
  readonly marketId: string | undefined;
  readonly code: string;
  readonly count: number;
  /** The details merged where they differ in one word (`USDC/USDT/BTC`), else the first one. */
  readonly detail: string;
}

/**
 * Groups flags by market and code, in first-seen order. Details that differ in exactly one
 * whitespace-separated word are merged into one (`… USDC/USDT/BTC last updated …`); otherwise the
 * first detail stands for the group.
 */
export function collapseFlags(flags: readonly FlagLike[]): CollapsedFlag[] {
  const groups = new Map<string, FlagLike[]>();
  for (const f of flags) {
    const key = `${f.marketId ?? ''}\u0000${f.code}`;
    const list = groups.get(key) ?? [];
    list.push(f);
    groups.set(key, list);
  }
  return [...groups.values()].map((list) => ({
    marketId: list[0]!.marketId,
    code: list[0]!.code,
    count: list.length,
    detail: mergeDetails(list.map((f) => f.detail)),
  }));
}

function mergeDetails(details: readonly string[]): string {
  const unique = [...new Set(details)];
  if (unique.length === 1) return unique[0]!;
  const words = unique.map((d) => d.split(' '));
  const length = words[0]!.length;
  if (words.some((w) => w.length !== length)) return unique[0]!;
  const differing = words[0]!.map((_, i) => i).filter((i) => words.some((w) => w[i] !== words[0]![i]));
  if (differing.length !== 1) return unique[0]!;
  const at = differing[0]!;
  const merged = [...new Set(words.map((w) => w[at]!))].join('/');
  return words[0]!.map((w, i) => (i === at ? merged : w)).join(' ');
}

/** One line per collapsed flag: `fund: BALANCE_STALE ×4 — binance pool … USDC/USDT/BTC/BNFCR …`. */
export function flagLines(flags: readonly FlagLike[]): string[] {
  return collapseFlags(flags).map(
    (f) => `${f.marketId ?? 'fund'}: ${f.code}${f.count > 1 ? ` ×${f.count}` : ''} — ${f.detail}`,
  );
}
