/**
 * The one set of rules for every number a person reads (terminal, HTML report, alerts, pages): one
 * function per kind of number, so a figure reads the same wherever it appears.
 */

/**
 * A coverage ratio as a percentage with one decimal, rounded DOWN: a fund at 99.97% is below target
 * and must never read "100.0%" next to a WARN.
 *
 * @example formatCoverage(0.9997) // "99.9%"
 */
export function formatCoverage(ratio: number | null): string {
  if (ratio === null) return 'unknown';
  if (!Number.isFinite(ratio)) return String(ratio);
  // The epsilon keeps 0.8 (= 79.99999… in binary) at "80.0%".
  return `${(Math.floor(ratio * 1000 + 1e-6) / 10).toFixed(1)}%`;
}

/** A ratio other than coverage (IV, shares, confidence) as a percentage, rounded: 0.0712 → `7.1%`. */
export function formatPercent(ratio: number | null, digits = 1): string {
  return ratio === null ? 'n/a' : `${(100 * ratio).toFixed(digits)}%`;
}

/** A probability: `0.4%`, `<0.1%` below one in a thousand (but above 0), `0%`; null → `unknown`. */
export function formatProbability(p: number | null): string {
  if (p === null) return 'unknown';
  if (p === 0) return '0%';
  if (p < 0.001) return '<0.1%';
  return formatPercent(p);
}

/** Magnitude steps of {@link formatUsd}, smallest first. */
const USD_UNITS: readonly (readonly [number, string])[] = [
  [1, ''],
  [1e3, 'K'],
  [1e6, 'M'],
  [1e9, 'B'],
  [1e12, 'T'],
];

/**
 * USD in compact form with three significant digits: `$1.23B`, `$45.6M`, `$980`, `-$2.10M`;
 * amounts under $1 with cents (`$0.50`); null → `unknown`.
 */
export function formatUsd(usd: number | null): string {
  if (usd === null) return 'unknown';
  if (!Number.isFinite(usd)) return String(usd);
  const sign = usd < 0 ? '-' : '';
  const abs = Math.abs(usd);
  if (abs < 1) return `${sign}$${abs.toFixed(2)}`;
  let step = USD_UNITS.length - 1;
  while (step > 0 && abs < (USD_UNITS[step]?.[0] ?? 1)) step--;
  let text = (abs / (USD_UNITS[step]?.[0] ?? 1)).toPrecision(3);
  // 999,999 rounds to "1.00e+3" K: carry into the next unit instead.
  if (Number(text) >= 1000 && step < USD_UNITS.length - 1) {
    step++;
    text = (abs / (USD_UNITS[step]?.[0] ?? 1)).toPrecision(3);
  }
  return `${sign}$${text}${USD_UNITS[step]?.[1] ?? ''}`;
}

/** A signed change in percentage points of coverage: `+3.2 pp`, `-12.0 pp`. */
export function formatPointChange(from: number, to: number): string {
  const pp = (to - from) * 100;
  return `${pp >= 0 ? '+' : ''}${pp.toFixed(1)} pp`;
}

/** An integer with thousands separators: 1000000 → `1,000,000`. */
export function formatCount(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Basis points with two decimals: 32.5 → `32.50 bps`. */
export function formatBps(bps: number): string {
  return `${bps.toFixed(2)} bps`;
}

/**
 * A point in time, always in UTC and saying so, to the minute (seconds only when present):
 * `2026-11-22T04:15:00.000Z` → `2026-11-22 04:15 UTC`.
 */
export function formatTime(time: string | Date): string {
  const iso = (typeof time === 'string' ? new Date(time) : time).toISOString();
  const seconds = iso.slice(16, 19) === ':00' ? '' : iso.slice(16, 19);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${seconds} UTC`;
}

/** Column alignment of a {@link formatTable} column. */
export type Align = 'left' | 'right';

/** A plain text table: header, a rule, rows; columns padded to their widest cell. */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[],
): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (align[c] === 'right' ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  // A column with an empty header (a marker such as '<- worst') gets no rule under it.
  const rule = widths.map((w, c) => (header[c] === '' ? '' : '-'.repeat(w)));
  return [line(header), line(rule), ...rows.map(line)].join('\n');
}
