/**
 * Number formatting shared by alert headlines and the email/Slack renderers, so every channel shows
 * the same figures.
 */

/**
 * A coverage ratio as a whole percentage, rounded DOWN: a fund at 99.7% is below target and must
 * never read "100%" next to a WARN.
 *
 * @example formatPercent(0.7213) // "72%"
 */
export function formatPercent(ratio: number | null): string {
  if (ratio === null) return 'unknown';
  return `${Math.floor(ratio * 100 + 1e-9)}%`;
}

/** Magnitude steps of {@link formatUsd}. */
const USD_UNITS: readonly (readonly [number, string])[] = [
  [1, ''],
  [1e3, 'K'],
  [1e6, 'M'],
  [1e9, 'B'],
  [1e12, 'T'],
];

/**
 * USD with a magnitude suffix and three significant digits: `$144M`, `$2.10B`, `$950K`, `$12.5`.
 */
export function formatUsd(usd: number | null): string {
  if (usd === null) return 'unknown';
  const sign = usd < 0 ? '-' : '';
  const abs = Math.abs(usd);
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
