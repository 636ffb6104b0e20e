/**
 * Number formatting for human-readable output: money in readable units ($1.23B, $45.6M), ratios as
 * percentages, and plain aligned text tables.
 */

const UNITS: readonly [number, string][] = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'K'],
];

/** USD in readable units with three significant digits: `$1.23B`, `$45.6M`, `$980`, `-$2.10M`. */
export function formatUsd(usd: number | null): string {
  if (usd === null) return 'unknown';
  if (!Number.isFinite(usd)) return String(usd);
  const sign = usd < 0 ? '-' : '';
  const abs = Math.abs(usd);
  for (const [size, unit] of UNITS) {
    if (abs >= size * 0.9995) return `${sign}$${threeDigits(abs / size)}${unit}`;
  }
  return `${sign}$${abs < 1 ? abs.toFixed(2) : threeDigits(abs)}`;
}

function threeDigits(x: number): string {
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

/** A ratio as a percentage: 0.0712 → `7.1%`; null → `n/a`. */
export function formatPercent(ratio: number | null, digits = 1): string {
  return ratio === null ? 'n/a' : `${(100 * ratio).toFixed(digits)}%`;
}

/** An integer with thousands separators: 1000000 → `1,000,000`. */
export function formatCount(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
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
