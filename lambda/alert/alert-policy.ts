/**
 * The alert policy (docs/ALERTS.md), a pure function: given the fund's alert state, the new run's
 * result, the recent balances and the time, decide the next state and what to tell people. No I/O and
 * no clock, so every timing rule is tested with plain timestamps. The rules are in docs/ALERTS.md.
 */
import type { FundAlerts } from '../config/fund-config.ts';
import { growthSignal } from '../manage/growth.ts';
import type { ReserveResult, RunStatus } from '../model/schemas.ts';
import { formatCoverage, formatUsd } from '../present/format.ts';
import type { AlertState } from '../run/alert-state.ts';
import type { Notification, NotificationKind, Severity } from '../run/notification.ts';
import type { DataFlag } from '../run/observation.ts';

/** A past fund balance, for the drawdown rule (null = unknown at that time). */
export interface BalancePoint {
  readonly asOf: string;
  readonly fundBalanceUsd: number | null;
  /** Total open interest of that run, for the GROWTH rule (lambda/manage/growth.ts). */
  readonly openInterestUsd?: number | null;
}

/** What {@link evaluateAlerts} decided. */
export interface AlertDecision {
  /** The state to store (version = previous + 1, or 1). */
  readonly next: AlertState;
  /** At most one per kind, in the order COVERAGE/RECOVERY, DRAWDOWN, DATA, GROWTH. */
  readonly notifications: Notification[];
}

/** Coverage statuses from best to worst; UNKNOWN (no balance) is handled apart. */
const RANK: Readonly<Record<string, number>> = { OK: 0, WARN: 1, BREACH: 2 };
const HOUR_MS = 3_600_000;
/** Tolerance on raised thresholds, far below any meaningful coverage difference. */
const RATIO_EPSILON = 1e-12;

/** Raw coverage status of a ratio against thresholds (`ratio < warnBelow` ⇒ WARN, etc.). */
export function classifyCoverage(
  ratio: number | null,
  thresholds: { readonly warnBelow: number; readonly breachBelow: number },
): RunStatus {
  if (ratio === null) return 'UNKNOWN';
  if (ratio < thresholds.breachBelow) return 'BREACH';
  if (ratio < thresholds.warnBelow) return 'WARN';
  return 'OK';
}

/**
 * Coverage status with hysteresis. Getting worse is immediate. Getting better only goes as far as the
 * thresholds raised by `hysteresis` allow: from BREACH to WARN needs `ratio ≥ breachBelow + h`, to OK
 * needs `ratio ≥ warnBelow + h`. So a ratio hovering around a threshold cannot flap.
 *
 * @param previous - the last effective coverage status, or null/UNKNOWN (no hysteresis then)
 */
export function coverageWithHysteresis(
  previous: RunStatus | null,
  ratio: number | null,
  config: Pick<FundAlerts, 'thresholds' | 'hysteresis'>,
): RunStatus {
  const raw = classifyCoverage(ratio, config.thresholds);
  if (raw === 'UNKNOWN' || previous === null || !(previous in RANK)) return raw;
  if ((RANK[raw] ?? 0) >= (RANK[previous] ?? 0)) return raw;
  // RATIO_EPSILON: 0.8 + 0.02 is 0.8200000000000001 in binary; a ratio of 0.82 has cleared it.
  const strict = classifyCoverage(ratio, {
    warnBelow: config.thresholds.warnBelow + config.hysteresis - RATIO_EPSILON,
    breachBelow: config.thresholds.breachBelow + config.hysteresis - RATIO_EPSILON,
  });
  return (RANK[strict] ?? 0) < (RANK[previous] ?? 0) ? strict : previous;
}

/**
 * The largest fall of the balance, as a fraction of the peak, within the `windowHours` up to the
 * run: `(peak − current) / peak`, 0 when the balance is unknown or rose.
 */
export function drawdownFraction(
  current: { readonly asOf: string; readonly fundBalanceUsd: number | null },
  history: readonly BalancePoint[],
  windowHours: number,
): number {
  const balance = current.fundBalanceUsd;
  if (balance === null) return 0;
  const end = Date.parse(current.asOf);
  const start = end - windowHours * HOUR_MS;
  let peak = balance;
  for (const point of history) {
    const t = Date.parse(point.asOf);
    if (point.fundBalanceUsd !== null && t >= start && t <= end) peak = Math.max(peak, point.fundBalanceUsd);
  }
  return peak > 0 ? (peak - balance) / peak : 0;
}

/**
 * Decides the next alert state and the notifications for one run.
 *
 * - COVERAGE on a change of coverage status to WARN/BREACH/UNKNOWN (better or worse), and as a
 *   reminder every `reminderHours` while it stays not OK; RECOVERY when it returns to OK.
 * - DRAWDOWN when the balance fell more than `drawdown.warn` (WARN) / `drawdown.breach` (BREACH)
 *   within `drawdown.windowHours`.
 * - DATA when the run is DEGRADED (with the data flags), and when data recovers.
 * - GROWTH when fund / open interest fell by more than `growth.fall` over `growth.windowDays` while
 *   coverage is OK (lambda/manage/growth.ts decides; the history must hold the runs' open interest).
 * - A DEGRADED run still alerts on its coverage: the team must hear a BREACH even when a venue is stale.
 * - Never two notifications of the same kind and status within `reminderHours` (measured on `now`).
 *
 * @param previous - the stored state, null before the fund's first run
 * @param balanceHistory - balances of recent runs (any order; the current run may be included)
 * @param now - ISO time of the decision; reminder intervals are measured on it
 * @param dataFlags - the run's data-quality flags, quoted in the DATA notification
 * @example
 * const { next, notifications } = evaluateAlerts(state, result, balances, now, config.alerts, run.flags);
 */
export function evaluateAlerts(
  previous: AlertState | null,
  result: ReserveResult,
  balanceHistory: readonly BalancePoint[],
  now: string,
  config: FundAlerts,
  dataFlags: readonly DataFlag[] = [],
): AlertDecision {
  const interval = config.reminderHours * HOUR_MS;
  const nowMs = Date.parse(now);
  const lastNotified: Record<string, string> = { ...(previous?.lastNotified ?? {}) };
  const notifications: Notification[] = [];
  const emit = (
    kind: NotificationKind,
    status: RunStatus,
    severity: Severity,
    reason: string,
    headline: string,
  ) => {
    const key = `${kind}:${status}`;
    const last = lastNotified[key];
    // A clock that went backwards counts as "within the interval": never a duplicate.
    if (last !== undefined && nowMs - Date.parse(last) < interval) return;
    lastNotified[key] = now;
    notifications.push({
      fundId: result.fundId,
      asOf: result.asOf,
      kind,
      severity,
      status,
      reason,
      headline,
    });
  };

  const previousCoverage = previousCoverageStatus(previous);
  // A known balance against a zero requirement (no open interest) is fully covered, not UNKNOWN.
  const noRequirement = result.fundBalanceUsd !== null && result.requiredReserveUsd === 0;
  const ratio = noRequirement ? Number.POSITIVE_INFINITY : result.coverageRatio;
  const coverage = coverageWithHysteresis(previousCoverage, ratio, config);
  const fund = result.fundId;
  const at = noRequirement
    ? `${fund} insurance fund has no required reserve (no exposure)`
    : `${fund} insurance fund at ${formatCoverage(result.coverageRatio)} of required reserve`;
  if (coverage === 'OK') {
    if (previousCoverage !== null && previousCoverage !== 'OK')
      emit('RECOVERY', 'OK', 'INFO', 'recovery', at);
  } else {
    const headline =
      coverage === 'UNKNOWN' ? `${fund} fund balance unknown: coverage cannot be computed` : at;
    const severity: Severity = coverage === 'BREACH' ? 'BREACH' : 'WARN';
    const reason = coverage === previousCoverage ? 'reminder' : 'status-change';
    emit('COVERAGE', coverage, severity, reason, headline);
  }

  const fall = drawdownFraction(result, balanceHistory, config.drawdown.windowHours);
  if (fall > config.drawdown.warn) {
    const level: Severity = fall > config.drawdown.breach ? 'BREACH' : 'WARN';
    emit(
      'DRAWDOWN',
      level,
      level,
      'drawdown',
      `${fund} fund balance fell ${(fall * 100).toFixed(1)}% within ${config.drawdown.windowHours} h to ${formatUsd(result.fundBalanceUsd)}`,
    );
  }

  const degraded = result.status === 'DEGRADED';
  const wasDegraded = previous?.status === 'DEGRADED';
  if (degraded) {
    emit('DATA', 'DEGRADED', 'WARN', 'data', `${fund} market data degraded: ${describeFlags(dataFlags)}`);
  } else if (wasDegraded) {
    emit('DATA', 'OK', 'INFO', 'recovery', `${fund} market data back to normal`);
  }

  const growth = growthSignal(result, coverage, balanceHistory, config.growth);
  if (growth !== null) emit('GROWTH', 'OK', 'WARN', 'growth', growth.headline);

  const status: RunStatus = degraded ? 'DEGRADED' : coverage;
  const next: AlertState = {
    fundId: fund,
    status,
    coverageStatus: coverage,
    since: previous !== null && previous.status === status ? previous.since : result.asOf,
    lastNotified,
    version: (previous?.version ?? 0) + 1,
  };
  return { next, notifications };
}

/** The last effective coverage status; older states without `coverageStatus` fall back to `status`. */
function previousCoverageStatus(previous: AlertState | null): RunStatus | null {
  if (previous === null) return null;
  if (previous.coverageStatus !== undefined) return previous.coverageStatus;
  return previous.status === 'DEGRADED' ? null : previous.status;
}

/** `3 flags: STALE_FILLED SOL-PERP, MISSING XRP-PERP, ...` (at most three named; ASCII for SNS subjects). */
function describeFlags(flags: readonly DataFlag[]): string {
  if (flags.length === 0) return 'no detail';
  const named = flags.slice(0, 3).map((f) => (f.marketId === undefined ? f.code : `${f.code} ${f.marketId}`));
  const more = flags.length > 3 ? ', ...' : '';
  return `${flags.length} flag${flags.length === 1 ? '' : 's'}: ${named.join(', ')}${more}`;
}
