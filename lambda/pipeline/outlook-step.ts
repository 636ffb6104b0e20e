/**
 * The run's one-year outlook (lambda/manage/fund-outlook.ts), computed right after the reserve so the
 * stored run carries it. The inflow estimate needs one balance per day: read as one tiny query per
 * day (the day's last run, `limit: 1`), not as every run of 90 days — at a 15-minute schedule that is
 * 90 items instead of 8 640. Never throws: a run without an outlook is still a run.
 */
import pLimit from 'p-limit';
import type { FundConfig } from '../config/fund-config.ts';
import { type FundOutlook, fundOutlook } from '../manage/fund-outlook.ts';
import type { BalanceSample } from '../manage/inflow.ts';
import type { MarketSnapshot, ReserveResult } from '../model/schemas.ts';
import type { SnapshotStore } from './ports.ts';

/** Days of balances the inflow estimate looks at. */
export const INFLOW_HISTORY_DAYS = 90;
const DAY_MS = 86_400_000;
/** Parallel day queries. */
const CONCURRENCY = 8;

/**
 * The last stored balance of each of the `days` UTC days up to `asOf` (the current day included),
 * oldest first; days without a run are left out.
 */
export async function dailyBalances(
  store: Pick<SnapshotStore, 'summaries'>,
  fundId: string,
  asOf: string,
  days: number = INFLOW_HISTORY_DAYS,
): Promise<BalanceSample[]> {
  const end = Date.parse(asOf);
  const today = Math.floor(end / DAY_MS);
  const limit = pLimit(CONCURRENCY);
  const perDay = await Promise.all(
    Array.from({ length: days }, (_, k) =>
      limit(async () => {
        const day = today - (days - 1 - k);
        const from = new Date(day * DAY_MS).toISOString();
        const to = new Date(Math.min(end, (day + 1) * DAY_MS - 1)).toISOString();
        const [last] = await store.summaries(fundId, { from, to, limit: 1 });
        return last === undefined ? [] : [{ asOf: last.asOf, fundBalanceUsd: last.fundBalanceUsd }];
      }),
    ),
  );
  return perDay.flat();
}

/** Hooks of {@link runOutlook}. */
export interface OutlookStepLogger {
  warn(message: string, extra?: Record<string, unknown>): void;
}

/**
 * The outlook of a just-computed run, or null when the balance is unknown or it failed (logged).
 *
 * @example
 * const outlook = await runOutlook(config, snapshot, result, store, log);
 */
export async function runOutlook(
  config: FundConfig,
  snapshot: MarketSnapshot,
  result: ReserveResult,
  store: Pick<SnapshotStore, 'summaries'>,
  log: OutlookStepLogger,
): Promise<FundOutlook | null> {
  try {
    const history =
      config.management.inflow === undefined ? await dailyBalances(store, config.fundId, result.asOf) : [];
    return fundOutlook({ snapshot, result, history, management: config.management });
  } catch (error) {
    log.warn('no outlook for this run', { error });
    return null;
  }
}
