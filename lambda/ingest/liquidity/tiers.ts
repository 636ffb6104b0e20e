/**
 * Position tiers (pure): a venue's margin table — maintenance margin and maximum leverage by
 * position size — reduced to what the snapshot carries: the venue's maximum leverage (that of its
 * first tier: no position sits closer than 1/maxLeverage to bankruptcy) and the maintenance margin
 * of the tier that holds the market's typical position.
 */

/** Position size used to pick a tier when the fund config names none, USD notional. */
export const DEFAULT_TYPICAL_POSITION_USD = 100_000;

/** One tier: positions up to `upTo` (in `upToUnit`) carry this maintenance margin and leverage cap. */
export interface MarginTier {
  /** Upper bound of the tier's position size; `Infinity` for the last tier. */
  readonly upTo: number;
  /** `USD` notional, or base `coin` (converted at the mark price). */
  readonly upToUnit: 'USD' | 'coin';
  /** Maintenance margin rate, decimal (0.005 = 0.5%). */
  readonly maintenanceMargin: number;
  readonly maxLeverage: number;
}

/** A venue's tiers for one market, in the venue's order, with what they were read from. */
export interface MarginTable {
  readonly tiers: readonly MarginTier[];
  /** e.g. `/v5/market/risk-limit`, for flags and provenance. */
  readonly endpoint: string;
  readonly fetchedAt: string;
  /** How the venue sent the rates, e.g. `decimal`, `percent`, `1/(2·maxLeverage)`. */
  readonly rateUnit: string;
}

/** What the snapshot takes from a margin table. */
export interface TierChoice {
  readonly maxLeverage: number;
  readonly maintenanceMargin: number;
  /** 1-based tier holding the typical position. */
  readonly tier: number;
  readonly tierCount: number;
}

/** Why a tier table is unusable, or undefined when it is sane. */
export function tierProblem(table: MarginTable): string | undefined {
  if (table.tiers.length === 0) return 'no tiers';
  for (const [i, t] of table.tiers.entries()) {
    if (!(t.maxLeverage >= 1 && t.maxLeverage <= 1000)) return `tier ${i + 1}: max leverage ${t.maxLeverage}`;
    if (!(t.maintenanceMargin > 0 && t.maintenanceMargin < 1))
      return `tier ${i + 1}: maintenance margin ${t.maintenanceMargin}`;
    // Maintenance above the initial margin (1/maxLeverage) would liquidate a position at opening.
    if (t.maintenanceMargin > 1 / t.maxLeverage)
      return `tier ${i + 1}: maintenance margin ${t.maintenanceMargin} above the initial margin 1/${t.maxLeverage}`;
    if (!(t.upTo > 0)) return `tier ${i + 1}: upper bound ${t.upTo}`;
  }
  return undefined;
}

/**
 * The venue's maximum leverage and the maintenance margin of the tier holding `positionUsd`.
 * @param priceUsd - mark price, to convert coin bounds to USD
 * @returns the choice, or a problem when the table is empty or not sane
 */
export function chooseTier(
  table: MarginTable,
  positionUsd: number,
  priceUsd: number,
): TierChoice | { readonly problem: string } {
  const problem = tierProblem(table);
  if (problem !== undefined) return { problem };
  const bound = (t: MarginTier) => (t.upToUnit === 'USD' ? t.upTo : t.upTo * priceUsd);
  const sorted = [...table.tiers].sort((a, b) => bound(a) - bound(b));
  const index = sorted.findIndex((t) => bound(t) >= positionUsd);
  const chosen = sorted[index === -1 ? sorted.length - 1 : index] as MarginTier;
  return {
    maxLeverage: Math.max(...sorted.map((t) => t.maxLeverage)),
    maintenanceMargin: chosen.maintenanceMargin,
    tier: (index === -1 ? sorted.length - 1 : index) + 1,
    tierCount: sorted.length,
  };
}

/**
 * Reads a margin rate that a venue may send as a decimal (0.005) or in percent (0.5): Bybit's
 * documented `risk-limit` example is in percent while its live linear answers are decimals. The
 * initial margin must equal 1/maxLeverage, which tells the two apart.
 * @returns the decimal rates, or undefined when neither reading is consistent with the leverage
 */
export function marginRates(
  initial: number,
  maintenance: number,
  maxLeverage: number,
):
  | { readonly initial: number; readonly maintenance: number; readonly unit: 'decimal' | 'percent' }
  | undefined {
  const close = (x: number) => Math.abs(x * maxLeverage - 1) <= 0.02;
  if (close(initial)) return { initial, maintenance, unit: 'decimal' };
  if (close(initial / 100))
    return { initial: initial / 100, maintenance: maintenance / 100, unit: 'percent' };
  return undefined;
}
