/**
 * Hand-written ReserveResults for the alert and store tests (validated by the schema, independent of
 * the engine). The base case: required 2.0e8 = 1.25 × ES 1.6e8 (BTC 9e7 + ETH 5e7 + SOL 2e7).
 */
import { type ReserveResult, ReserveResultSchema, type RunStatus } from '../../../lambda/model/schemas.ts';
import { messageIdOf, type Notification, type OutboxItem } from '../../../lambda/run/notification.ts';

/** Options of {@link reserveResult}. */
export interface ResultOptions {
  readonly fundId?: string;
  readonly asOf?: string;
  /** Fund balance in USD, null = unknown. Default 1.44e8 (coverage 0.72). */
  readonly balance?: number | null;
  readonly required?: number;
  /** True = the snapshot's data quality was degraded (status DEGRADED). */
  readonly degraded?: boolean;
  /** Number of markets; the first three are BTC/ETH/SOL with the base ES contributions. */
  readonly markets?: number;
}

/** Status from coverage with the default thresholds (warn < 1, breach < 0.8). */
export function coverageStatusOf(ratio: number | null): RunStatus {
  if (ratio === null) return 'UNKNOWN';
  if (ratio < 0.8) return 'BREACH';
  if (ratio < 1) return 'WARN';
  return 'OK';
}

/** A valid ReserveResult with the given balance/requirement; everything else fixed. */
export function reserveResult(options: ResultOptions = {}): ReserveResult {
  const {
    fundId = 'demo-perps',
    asOf = '2026-11-22T04:00:00.000Z',
    balance = 1.44e8,
    required = 2.0e8,
    degraded = false,
    markets = 3,
  } = options;
  const ids = Array.from(
    { length: markets },
    (_, i) => ['BTC-PERP', 'ETH-PERP', 'SOL-PERP'][i] ?? `ALT${i}-PERP`,
  );
  const base = [9e7, 5e7, 2e7];
  const es = ids.map((_, i) => base[i] ?? 1000 * (i + 1));
  const worst = ids.map((_, i) => [7e7, 4e7, 1e7][i] ?? 500 * (i + 1));
  const ratio = balance === null || required === 0 ? null : balance / required;
  const coverageStatus = coverageStatusOf(ratio);
  const result = {
    fundId,
    asOf,
    modelVersion: '1.0.0',
    fundBalanceUsd: balance,
    requiredReserveUsd: required,
    coverageRatio: ratio,
    coverageStatus,
    status: degraded ? 'DEGRADED' : coverageStatus,
    monteCarlo: {
      paths: 20_000,
      seed: 42,
      confidence: 0.999,
      tailDof: 3,
      varUsd: 1.1e8,
      esUsd: es.reduce((a, b) => a + b, 0),
      esStdErrorUsd: 1.2e7,
      tailCount: 20,
      seconds: 0.4,
    },
    stress: [
      {
        name: '2020-03-12 worst hour',
        lossUsd: worst.reduce((a, b) => a + b, 0),
        liquidityFactor: 0.1,
        byMarket: Object.fromEntries(ids.map((id, i) => [id, worst[i] ?? 0])),
      },
      {
        name: 'short squeeze +30%',
        lossUsd: 9e7,
        liquidityFactor: 0.2,
        byMarket: Object.fromEntries(ids.map((id, i) => [id, i === 0 ? 9e7 : 0])),
      },
    ],
    cover2Usd: null,
    byMarket: ids.map((id, i) => ({ id, esContributionUsd: es[i] ?? 0, worstStressLossUsd: worst[i] ?? 0 })),
    binding: 'expectedShortfall',
    recommendation: {
      shortfallUsd: balance === null ? 0 : Math.max(0, required - balance),
      feeBpsToCloseIn30Days: balance === null || balance >= required ? null : 1.3,
      releasableUsd: 0,
    },
    warnings: [],
  };
  return ReserveResultSchema.parse(result);
}

/** An outbox item for the fixture run: a BREACH status change after a WARN run 15 minutes earlier. */
export function outboxItem(overrides: Partial<Notification> = {}, options: ResultOptions = {}): OutboxItem {
  const result = reserveResult(options);
  const notification: Notification = {
    fundId: result.fundId,
    asOf: result.asOf,
    kind: 'COVERAGE',
    severity: 'BREACH',
    status: 'BREACH',
    reason: 'status-change',
    headline: `${result.fundId} insurance fund at 72.0% of required reserve`,
    ...overrides,
  };
  return {
    notification,
    channel: 'sns',
    messageId: messageIdOf(notification),
    snapshotKey: `FUND#${result.fundId} / SNAP#${result.asOf}`,
    result,
    previous: {
      asOf: '2026-11-22T03:45:00.000Z',
      coverageRatio: 0.8,
      requiredReserveUsd: 1.8e8,
      fundBalanceUsd: 1.44e8,
      status: 'WARN',
    },
  };
}

/** The email of the fixture BREACH, as the risk team reads it. */
export const BREACH_EMAIL = `[BREACH] demo-perps insurance fund at 72.0% of required reserve

Status:    BREACH (coverage, status-change)
Fund:      demo-perps
Run:       2026-11-22T04:00:00.000Z
Coverage:  72.0% (balance $144M vs required $200M; shortfall $56.0M)

Top contributors to expected shortfall:
  1. BTC-PERP  $90.0M (56%)
  2. ETH-PERP  $50.0M (31%)
  3. SOL-PERP  $20.0M (13%)

Worst stress: 2020-03-12 worst hour, loss $120M
Change:       since 2026-11-22T03:45:00.000Z (WARN): coverage 80.0% -> 72.0% (-8.0 pp); required $180M -> $200M; balance $144M -> $144M
Snapshot:     FUND#demo-perps / SNAP#2026-11-22T04:00:00.000Z

Next steps:
- Top up the fund by $56.0M or reduce exposure in BTC-PERP.
- Or raise insurance fees by 1.30 bps of volume to close the gap in 30 days.
- Audit the run: backstop replay --fund demo-perps --as-of 2026-11-22T04:00:00.000Z
`;
