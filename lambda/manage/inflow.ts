/**
 * The fund's calm-day inflow: the insurance fee it receives on traded volume plus the liquidation
 * income of calm days. From the fund config when it says (`management.inflow`); otherwise estimated
 * from the stored balance history when there are at least {@link MIN_HISTORY_DAYS} days of it — the
 * median day-over-day change of the balance, which a crisis day's drop does not move; otherwise none
 * is assumed. Each result says which, so a reader knows what the outlook stands on. Pure.
 */

import type { OutlookInflow } from '../config/fund-config.ts';
import { formatUsd as usd } from '../present/format.ts';

/** Days of stored balances needed before the history is trusted for an inflow estimate. */
export const MIN_HISTORY_DAYS = 30;
const DAY_MS = 86_400_000;

/** One stored balance. */
export interface BalanceSample {
  readonly asOf: string;
  readonly fundBalanceUsd: number | null;
}

/** The inflow the outlook assumes, and where it comes from. */
export interface Inflow {
  /** USD per day (negative: the fund shrinks on calm days). */
  readonly dailyUsd: number;
  readonly source: 'config' | 'history' | 'none';
  /** The configured fee (config source), bps of volume. */
  readonly insuranceFeeBps: number | null;
  /** The configured calm-day liquidation income (config source), USD per day. */
  readonly liquidationIncomeUsdPerDay: number | null;
  /** Total daily volume of the fund's markets, USD (what a fee applies to). */
  readonly dailyVolumeUsd: number;
  /** Distinct days of stored balances looked at. */
  readonly historyDays: number;
  /** One sentence for the reader. */
  readonly detail: string;
}

/**
 * The inflow of a fund.
 *
 * @param configured - `management.inflow` of the fund config, if set
 * @param dailyVolumeUsd - total daily volume of the latest snapshot
 * @param history - stored balances, any order
 */
export function fundInflow(
  configured: OutlookInflow | undefined,
  dailyVolumeUsd: number,
  history: readonly BalanceSample[],
): Inflow {
  const daily = dailyBalances(history);
  const historyDays = daily.length;
  if (configured !== undefined) {
    const fee = (configured.insuranceFeeBps / 1e4) * dailyVolumeUsd;
    return {
      dailyUsd: fee + configured.liquidationIncomeUsdPerDay,
      source: 'config',
      detail: `from the fund config: an insurance fee of ${configured.insuranceFeeBps} bps on ${usd(dailyVolumeUsd)} of daily volume plus ${usd(configured.liquidationIncomeUsdPerDay)} of calm-day liquidation income`,
      insuranceFeeBps: configured.insuranceFeeBps,
      liquidationIncomeUsdPerDay: configured.liquidationIncomeUsdPerDay,
      dailyVolumeUsd,
      historyDays,
    };
  }
  const common = { insuranceFeeBps: null, liquidationIncomeUsdPerDay: null, dailyVolumeUsd, historyDays };
  if (historyDays >= MIN_HISTORY_DAYS) {
    const dailyUsd = medianDailyChange(daily);
    return {
      dailyUsd,
      source: 'history',
      detail: `estimated from ${historyDays} days of stored balances: the median daily change, ${usd(dailyUsd)} a day`,
      ...common,
    };
  }
  return {
    dailyUsd: 0,
    source: 'none',
    detail: `none assumed: no management.inflow in the fund config and ${historyDays} day${historyDays === 1 ? '' : 's'} of stored balances (${MIN_HISTORY_DAYS} needed for an estimate)`,
    ...common,
  };
}

/** The last known balance of each UTC day, oldest first. */
function dailyBalances(history: readonly BalanceSample[]): { day: number; balance: number }[] {
  const byDay = new Map<number, { t: number; balance: number }>();
  for (const sample of history) {
    if (sample.fundBalanceUsd === null) continue;
    const t = Date.parse(sample.asOf);
    const day = Math.floor(t / DAY_MS);
    const seen = byDay.get(day);
    if (seen === undefined || t > seen.t) byDay.set(day, { t, balance: sample.fundBalanceUsd });
  }
  return [...byDay.entries()].sort((a, b) => a[0] - b[0]).map(([day, v]) => ({ day, balance: v.balance }));
}

/** Median of the day-over-day changes, each divided by the days between the two samples. */
function medianDailyChange(daily: readonly { day: number; balance: number }[]): number {
  const changes: number[] = [];
  for (let i = 1; i < daily.length; i++) {
    const a = daily[i - 1] as { day: number; balance: number };
    const b = daily[i] as { day: number; balance: number };
    changes.push((b.balance - a.balance) / (b.day - a.day));
  }
  changes.sort((x, y) => x - y);
  const mid = changes.length / 2;
  return changes.length % 2 === 1
    ? (changes[Math.floor(mid)] as number)
    : ((changes[mid - 1] as number) + (changes[mid] as number)) / 2;
}
