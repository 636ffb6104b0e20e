import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BalancePoint,
  classifyCoverage,
  coverageWithHysteresis,
  drawdownFraction,
  evaluateAlerts,
} from '../../../lambda/alert/alert-policy.ts';
import { type FundAlerts, FundAlertsSchema, resolveAlerts } from '../../../lambda/config/fund-config.ts';
import type { AlertState } from '../../../lambda/run/alert-state.ts';
import type { DataFlag } from '../../../lambda/run/observation.ts';
import { reserveResult } from './result-fixtures.ts';

/** Defaults of docs/ALERTS.md: warn < 1, breach < 0.8, hysteresis 0.02, reminders 6 h, drawdown 10%/25% in 8 h. */
const CONFIG: FundAlerts = resolveAlerts(FundAlertsSchema.parse({}), 0.25);
const T0 = Date.parse('2026-11-22T00:00:00.000Z');
const at = (hours: number): string => new Date(T0 + hours * 3_600_000).toISOString();

/** One run in a scenario: when, the balance against a fixed requirement, and what must be sent. */
interface Step {
  readonly h: number;
  /** Coverage, by moving the requirement (balance fixed at 1e8, so no drawdown). */
  readonly ratio?: number;
  readonly balance?: number | null;
  readonly required?: number;
  readonly degraded?: boolean;
  readonly flags?: DataFlag[];
  /** `KIND:STATUS:reason` of each notification, in order. */
  readonly expect: string[];
  /** Expected state after the run: `status/coverageStatus`. */
  readonly state?: string;
}

/** Runs the policy over the steps like the pipeline does: the state and balances carried along. */
function play(steps: readonly Step[], config: FundAlerts = CONFIG) {
  let state: AlertState | null = null;
  const balances: BalancePoint[] = [];
  return steps.map((step) => {
    const result = reserveResult({
      asOf: at(step.h),
      balance: step.ratio === undefined ? (step.balance ?? null) : 1e8,
      required: step.ratio === undefined ? (step.required ?? 1e8) : 1e8 / step.ratio,
      degraded: step.degraded ?? false,
    });
    balances.push({ asOf: result.asOf, fundBalanceUsd: result.fundBalanceUsd });
    const decision = evaluateAlerts(state, result, balances, at(step.h), config, step.flags ?? []);
    state = decision.next;
    return { step, decision };
  });
}

function expectScenario(steps: readonly Step[]): void {
  for (const { step, decision } of play(steps)) {
    const got = decision.notifications.map((n) => `${n.kind}:${n.status}:${n.reason}`);
    expect({ h: step.h, sent: got }).toEqual({ h: step.h, sent: step.expect });
    if (step.state !== undefined) {
      expect({ h: step.h, state: `${decision.next.status}/${decision.next.coverageStatus}` }).toEqual({
        h: step.h,
        state: step.state,
      });
    }
  }
}

describe('classifyCoverage and hysteresis', () => {
  it('classifies against warnBelow 1 and breachBelow 0.8 (both strict)', () => {
    const t = CONFIG.thresholds;
    expect([1.0, 0.9999, 0.8, 0.7999, null].map((r) => classifyCoverage(r, t))).toEqual([
      'OK',
      'WARN',
      'WARN',
      'BREACH',
      'UNKNOWN',
    ]);
  });

  it.each([
    // previous, ratio, effective
    ['OK', 0.99, 'WARN'], // worse: immediate
    ['WARN', 0.79, 'BREACH'], // worse: immediate
    ['BREACH', 0.81, 'BREACH'], // above 0.8 but not 0.82
    ['BREACH', 0.82, 'WARN'],
    ['BREACH', 1.01, 'WARN'], // cleared 0.82, not 1.02
    ['BREACH', 1.02, 'OK'],
    ['WARN', 1.0199, 'WARN'],
    ['WARN', 1.02, 'OK'],
    ['UNKNOWN', 1.0, 'OK'], // no hysteresis out of UNKNOWN
    [null, 0.81, 'WARN'], // first run: raw
    ['WARN', null, 'UNKNOWN'],
  ] as const)('from %s at coverage %s is %s', (previous, ratio, expected) => {
    expect(coverageWithHysteresis(previous, ratio, CONFIG)).toBe(expected);
  });
});

describe('drawdownFraction', () => {
  const history: BalancePoint[] = [
    { asOf: at(0), fundBalanceUsd: 3e8 }, // outside an 8 h window ending at 9 h
    { asOf: at(2), fundBalanceUsd: 2e8 },
    { asOf: at(5), fundBalanceUsd: null },
    { asOf: at(7), fundBalanceUsd: 1.8e8 },
  ];

  it('is (peak - current) / peak over the window only', () => {
    expect(drawdownFraction({ asOf: at(9), fundBalanceUsd: 1.5e8 }, history, 8)).toBeCloseTo(0.25, 15);
    expect(drawdownFraction({ asOf: at(9), fundBalanceUsd: 1.5e8 }, history, 10)).toBeCloseTo(0.5, 15);
  });

  it('is 0 when the balance rose or is unknown', () => {
    expect(drawdownFraction({ asOf: at(9), fundBalanceUsd: 2.5e8 }, history, 8)).toBe(0);
    expect(drawdownFraction({ asOf: at(9), fundBalanceUsd: null }, history, 8)).toBe(0);
  });
});

describe('evaluateAlerts transitions and timings', () => {
  it('announces changes, reminds every 6 h while not OK, applies hysteresis and announces recovery', () => {
    expectScenario([
      { h: 0, ratio: 1.2, expect: [], state: 'OK/OK' },
      { h: 0.25, ratio: 0.95, expect: ['COVERAGE:WARN:status-change'], state: 'WARN/WARN' },
      { h: 0.5, ratio: 0.95, expect: [] },
      { h: 6.0, ratio: 0.95, expect: [] }, // 5.75 h since the WARN message
      { h: 6.25, ratio: 0.95, expect: ['COVERAGE:WARN:reminder'] },
      { h: 6.5, ratio: 0.75, expect: ['COVERAGE:BREACH:status-change'], state: 'BREACH/BREACH' },
      { h: 6.75, ratio: 0.81, expect: [], state: 'BREACH/BREACH' }, // hysteresis: needs 0.82
      // Improved to WARN, but a WARN message went out 0.75 h ago: not repeated within the interval.
      { h: 7.0, ratio: 0.83, expect: [], state: 'WARN/WARN' },
      { h: 7.25, ratio: 1.01, expect: [], state: 'WARN/WARN' }, // hysteresis: needs 1.02
      { h: 7.5, ratio: 1.03, expect: ['RECOVERY:OK:recovery'], state: 'OK/OK' },
      { h: 8.0, ratio: 1.03, expect: [] },
      { h: 12.5, ratio: 0.7, expect: ['COVERAGE:BREACH:status-change'] }, // 6 h after the last BREACH
    ]);
  });

  it('keeps a reminder cadence measured from the last message, not from the status change', () => {
    expectScenario([
      { h: 0, ratio: 0.7, expect: ['COVERAGE:BREACH:status-change'] },
      { h: 5.99, ratio: 0.7, expect: [] },
      { h: 6, ratio: 0.7, expect: ['COVERAGE:BREACH:reminder'] },
      { h: 11.9, ratio: 0.7, expect: [] },
      { h: 12.1, ratio: 0.7, expect: ['COVERAGE:BREACH:reminder'] },
    ]);
  });

  it('alerts on a fall of more than 10% / 25% within 8 h, with the same reminder rule', () => {
    // Required 5e7: coverage stays OK throughout, only the drawdown speaks.
    const r = 5e7;
    expectScenario([
      { h: 0, balance: 1e8, required: r, expect: [] },
      { h: 2, balance: 0.95e8, required: r, expect: [] }, // -5%
      { h: 3, balance: 0.9e8, required: r, expect: [] }, // exactly -10%: not "more than"
      { h: 4, balance: 0.89e8, required: r, expect: ['DRAWDOWN:WARN:drawdown'] },
      { h: 5, balance: 0.74e8, required: r, expect: ['DRAWDOWN:BREACH:drawdown'] }, // -26%
      { h: 6, balance: 0.74e8, required: r, expect: [] },
      // Window from 1 h: peak 0.95e8 ⇒ -22%: WARN level, but WARN was sent 5 h ago.
      { h: 9, balance: 0.74e8, required: r, expect: [] },
      // Window from 2.5 h: peak 0.9e8 ⇒ -17.8%: WARN again, 6.5 h after the last one.
      { h: 10.5, balance: 0.74e8, required: r, expect: ['DRAWDOWN:WARN:drawdown'] },
      // Window from 5 h: peak 0.74e8 ⇒ no drawdown.
      { h: 13, balance: 0.74e8, required: r, expect: [] },
    ]);
  });

  it('still alerts on coverage when DEGRADED, adds a DATA alert, and announces data recovery', () => {
    const flags: DataFlag[] = [
      { marketId: 'SOL-PERP', code: 'STALE_FILLED', detail: 'bybit timed out' },
      { marketId: 'XRP-PERP', code: 'MISSING', detail: 'no data for 3 h' },
    ];
    expectScenario([
      { h: 0, ratio: 1.2, expect: [], state: 'OK/OK' },
      {
        h: 1,
        ratio: 0.75,
        degraded: true,
        flags,
        expect: ['COVERAGE:BREACH:status-change', 'DATA:DEGRADED:data'],
        state: 'DEGRADED/BREACH',
      },
      { h: 2, ratio: 0.75, degraded: true, flags, expect: [], state: 'DEGRADED/BREACH' },
      { h: 3, ratio: 0.75, expect: ['DATA:OK:recovery'], state: 'BREACH/BREACH' },
      { h: 7, ratio: 0.75, expect: ['COVERAGE:BREACH:reminder'] },
    ]);
  });

  it('treats a zero requirement with a known balance as covered, not unknown', () => {
    const previous: AlertState = {
      fundId: 'demo-perps',
      status: 'WARN',
      coverageStatus: 'WARN',
      since: at(0),
      lastNotified: {},
      version: 1,
    };
    const result = reserveResult({ asOf: at(1), balance: 1e8, required: 0 });
    const { next, notifications } = evaluateAlerts(previous, result, [], at(1), CONFIG);
    expect(result.coverageRatio).toBeNull();
    expect(next.coverageStatus).toBe('OK');
    expect(notifications.map((n) => n.headline)).toEqual([
      'demo-perps insurance fund has no required reserve (no exposure)',
    ]);
  });

  it('reports an unknown balance (never as zero) and recovers from it', () => {
    expectScenario([
      { h: 0, balance: null, expect: ['COVERAGE:UNKNOWN:status-change'], state: 'UNKNOWN/UNKNOWN' },
      { h: 1, balance: 1.1e8, expect: ['RECOVERY:OK:recovery'], state: 'OK/OK' },
    ]);
  });

  it('writes exact headlines, severities and the next state', () => {
    const flags: DataFlag[] = [
      { marketId: 'SOL-PERP', code: 'STALE_FILLED', detail: 'a' },
      { code: 'BALANCE_STALE', detail: 'b' },
      { marketId: 'XRP-PERP', code: 'MISSING', detail: 'c' },
      { marketId: 'DOGE-PERP', code: 'MISSING', detail: 'd' },
    ];
    const previous: AlertState = {
      fundId: 'demo-perps',
      status: 'OK',
      coverageStatus: 'OK',
      since: at(-10),
      lastNotified: { 'RECOVERY:OK': at(-10) },
      version: 7,
    };
    const result = reserveResult({ asOf: at(0), balance: 1.44e8, required: 2e8, degraded: true });
    const history: BalancePoint[] = [{ asOf: at(-1), fundBalanceUsd: 2e8 }];

    const { next, notifications } = evaluateAlerts(previous, result, history, at(0.01), CONFIG, flags);

    expect(notifications).toEqual([
      {
        fundId: 'demo-perps',
        asOf: at(0),
        kind: 'COVERAGE',
        severity: 'BREACH',
        status: 'BREACH',
        reason: 'status-change',
        headline: 'demo-perps insurance fund at 72.0% of required reserve',
      },
      {
        fundId: 'demo-perps',
        asOf: at(0),
        kind: 'DRAWDOWN',
        severity: 'BREACH',
        status: 'BREACH',
        reason: 'drawdown',
        headline: 'demo-perps fund balance fell 28.0% within 8 h to $144M',
      },
      {
        fundId: 'demo-perps',
        asOf: at(0),
        kind: 'DATA',
        severity: 'WARN',
        status: 'DEGRADED',
        reason: 'data',
        headline:
          'demo-perps market data degraded: 4 flags: STALE_FILLED SOL-PERP, BALANCE_STALE, MISSING XRP-PERP, ...',
      },
    ]);
    expect(next).toEqual({
      fundId: 'demo-perps',
      status: 'DEGRADED',
      coverageStatus: 'BREACH',
      since: at(0),
      lastNotified: {
        'RECOVERY:OK': at(-10),
        'COVERAGE:BREACH': at(0.01),
        'DRAWDOWN:BREACH': at(0.01),
        'DATA:DEGRADED': at(0.01),
      },
      version: 8,
    });
  });

  it('keeps `since` while the status holds and never repeats when the clock goes backwards', () => {
    const first = evaluateAlerts(
      null,
      reserveResult({ asOf: at(0), balance: 0.9e8, required: 1e8 }),
      [],
      at(0),
      CONFIG,
    );
    const later = evaluateAlerts(
      first.next,
      reserveResult({ asOf: at(1), balance: 0.9e8, required: 1e8 }),
      [],
      at(-7), // a skewed clock
      CONFIG,
    );
    expect(first.next.since).toBe(at(0));
    expect(later.next.since).toBe(at(0));
    expect(later.notifications).toEqual([]);
  });
});

describe('evaluateAlerts property', () => {
  // Mostly short gaps (runs every 15 min) and balances near the thresholds, where flapping happens.
  const stepArb = fc.record({
    minutes: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 600 })),
    balance: fc.option(
      fc.oneof(
        fc.constantFrom(0.79e8, 0.8e8, 0.81e8, 0.99e8, 1e8, 1.01e8, 1.05e8),
        fc.double({ min: 0, max: 3e8, noNaN: true }),
      ),
      { nil: null, freq: 10 },
    ),
    degraded: fc.boolean(),
  });
  const configArb = fc.record({
    reminderHours: fc.double({ min: 0.25, max: 12, noNaN: true }),
    hysteresis: fc.double({ min: 0, max: 0.1, noNaN: true }),
    warn: fc.double({ min: 0.02, max: 0.2, noNaN: true }),
  });

  it('never sends two notifications of the same kind and status within the reminder interval', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 60 }), configArb, (steps, c) => {
        const config = resolveAlerts(
          FundAlertsSchema.parse({
            hysteresis: c.hysteresis,
            reminderHours: c.reminderHours,
            drawdown: { windowHours: 8, warn: c.warn, breach: c.warn * 2.5 },
          }),
          0.25,
        );
        let state: AlertState | null = null;
        let minutes = 0;
        const balances: BalancePoint[] = [];
        const sent = new Map<string, number>();
        for (const step of steps) {
          minutes += step.minutes;
          const now = T0 + minutes * 60_000;
          const result = reserveResult({
            asOf: new Date(now).toISOString(),
            balance: step.balance,
            required: 1e8,
            degraded: step.degraded,
          });
          balances.push({ asOf: result.asOf, fundBalanceUsd: result.fundBalanceUsd });
          const { next, notifications } = evaluateAlerts(state, result, balances, result.asOf, config);
          expect(next.version).toBe((state?.version ?? 0) + 1);
          expect(new Set(notifications.map((n) => n.kind)).size).toBe(notifications.length);
          for (const n of notifications) {
            const key = `${n.kind}:${n.status}`;
            const last = sent.get(key);
            if (last !== undefined)
              expect(now - last).toBeGreaterThanOrEqual(config.reminderHours * 3_600_000);
            sent.set(key, now);
          }
          state = next;
        }
      }),
      { numRuns: 300 },
    );
  });
});
