/**
 * A one-line chart of a series (`▁▂▃▄▅▆▇█`) for terminals: the history listing shows how coverage
 * moved across runs at a glance.
 */

/** The eight block levels, lowest first. */
export const SPARK_LEVELS = '▁▂▃▄▅▆▇█';

/**
 * Maps each value linearly between the series' minimum (▁) and maximum (█); a flat series is drawn
 * at mid height (▄), and an unknown value (null) as a space so gaps stay visible.
 *
 * @param values - oldest first
 * @param minSpan - the smallest range the eight levels cover (centred on the data), so that noise
 *   (coverage 20.46% vs 20.45%) does not read as a swing from ▁ to █
 * @example
 * sparkline([0.5, 1, 1.5]); // '▁▅█' (1 sits half way: level round(3.5) = 4)
 */
export function sparkline(values: readonly (number | null)[], minSpan = 0): string {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (known.length === 0) return ' '.repeat(values.length);
  const pad = Math.max(0, minSpan - (Math.max(...known) - Math.min(...known))) / 2;
  const min = Math.min(...known) - pad;
  const max = Math.max(...known) + pad;
  const top = SPARK_LEVELS.length - 1;
  return values
    .map((v) => {
      if (v === null || !Number.isFinite(v)) return ' ';
      const level = max === min ? 3 : Math.round(((v - min) / (max - min)) * top);
      return SPARK_LEVELS[level];
    })
    .join('');
}
