import { describe, expect, it } from 'vitest';
import { type BalancePoint, evaluateAlerts } from '../../../lambda/alert/alert-policy.ts';
import { alertFacts } from '../../../lambda/alert/render-facts.ts';
import { type FundAlerts, FundAlertsSchema, resolveAlerts } from '../../../lambda/config/fund-config.ts';
import {
  fundToOpenInterest,
  type GrowthPoint,
  growthFall,
  growthReferenceRange,
  growthSeries,
  growthSignal,
} from '../../../lambda/manage/growth.ts';
import type { AlertState } from '../../../lambda/run/alert-state.ts';
import { outboxItem, reserveResult } from '../alert/result-fixtures.ts';

const T0 = Date.parse('2026-10-01T00:00:00.000Z');
const at = (hours: number): string => new Date(T0 + hours * 3_600_000).toISOString();
const day = (d: number): string => at(24 * d);

describe('fund / open interest', () => {
  it('is balance / total OI, null when either is unknown or OI is zero', () => {
    expect(fundToOpenInterest({ asOf: day(0), fundBalanceUsd: 3e8, openInterestUsd: 6e9 })).toBe(0.05);
    expect(fundToOpenInterest({ asOf: day(0), fundBalanceUsd: null, openInterestUsd: 6e9 })).toBeNull();
    expect(fundToOpenInterest({ asOf: day(0), fundBalanceUsd: 3e8, openInterestUsd: null })).toBeNull();
    expect(fundToOpenInterest({ asOf: day(0), fundBalanceUsd: 3e8 })).toBeNull();
    expect(fundToOpenInterest({ asOf: day(0), fundBalanceUsd: 3e8, openInterestUsd: 0 })).toBeNull();
  });

  it('lists the known ratios oldest first', () => {
    const points: GrowthPoint[] = [
      { asOf: day(2), fundBalanceUsd: 1, openInterestUsd: 4 },
      { asOf: day(1), fundBalanceUsd: null, openInterestUsd: 4 },
      { asOf: day(0), fundBalanceUsd: 1, openInterestUsd: 2 },
    ];
    expect(growthSeries(points)).toEqual([
      { asOf: day(0), fundToOpenInterest: 0.5 },
      { asOf: day(2), fundToOpenInterest: 0.25 },
    ]);
  });
});

describe('growthFall', () => {
  const history: GrowthPoint[] = [
    { asOf: at(-1), fundBalanceUsd: 1, openInterestUsd: 1 }, // before the window
    { asOf: at(6), fundBalanceUsd: 1, openInterestUsd: 2 }, // 0.5: the earliest of the first day
    { asOf: at(3), fundBalanceUsd: null, openInterestUsd: 2 }, // unknown: skipped
    { asOf: at(20), fundBalanceUsd: 1, openInterestUsd: 4 }, // later in the first day
    { asOf: day(10), fundBalanceUsd: 1, openInterestUsd: 10 }, // inside the window, not the reference
  ];

  it('compares the current ratio with the earliest known run of the window’s first day', () => {
    const current = { asOf: day(30), fundBalanceUsd: 3, openInterestUsd: 8 }; // 0.375
    expect(growthReferenceRange(day(30), 30)).toEqual({ from: day(0), to: day(1) });
    expect(growthFall(current, history, 30)).toEqual({
      fromAsOf: at(6),
      fromRatio: 0.5,
      toRatio: 0.375,
      fall: 0.25,
      windowDays: 30,
    });
  });

  it('is null without a reference run (a history shorter than the window) or without a current ratio', () => {
    expect(growthFall({ asOf: day(45), fundBalanceUsd: 1, openInterestUsd: 8 }, history, 30)).toBeNull();
    expect(growthFall({ asOf: day(30), fundBalanceUsd: null, openInterestUsd: 8 }, history, 30)).toBeNull();
  });

  it('reports a rise as a negative fall', () => {
    const fall = growthFall({ asOf: day(30), fundBalanceUsd: 1, openInterestUsd: 1 }, history, 30);
    expect(fall?.fall).toBe(-1);
  });
});

describe('growthSignal', () => {
  const history: GrowthPoint[] = [
    { asOf: day(0), fundBalanceUsd: 1, openInterestUsd: 2 },
    { asOf: day(30), fundBalanceUsd: 3, openInterestUsd: 8 },
  ];
  const run = { fundId: 'demo-perps', asOf: day(30), fundBalanceUsd: 3, coverageRatio: 1.3 };

  it('signals a fall of MORE than the configured share while coverage is OK', () => {
    expect(growthSignal(run, 'OK', history, { fall: 0.25, windowDays: 30 })).toBeNull(); // exactly 25%
    expect(growthSignal(run, 'OK', history, { fall: 0.24, windowDays: 30 })).toEqual({
      fromAsOf: day(0),
      fromRatio: 0.5,
      toRatio: 0.375,
      fall: 0.25,
      windowDays: 30,
      headline: 'demo-perps fund/OI fell 25.0% in 30 days (50.00% -> 37.50% of OI), coverage still 130.0%',
    });
  });

  it('stays silent when coverage is not OK: the COVERAGE alert speaks then', () => {
    for (const status of ['WARN', 'BREACH', 'UNKNOWN', 'DEGRADED'] as const) {
      expect(growthSignal(run, status, history, { fall: 0.1, windowDays: 30 })).toBeNull();
    }
  });

  it('needs the run’s own open interest in the history', () => {
    expect(growthSignal(run, 'OK', history.slice(0, 1), { fall: 0.1, windowDays: 30 })).toBeNull();
  });

  it('defaults to a 20% fall over 30 days', () => {
    expect(growthSignal(run, 'OK', history)?.fall).toBe(0.25);
  });
});

/** GROWTH in the alert policy's table of transitions: runs with balance, OI and requirement. */
describe('evaluateAlerts: GROWTH transitions and timings', () => {
  const CONFIG: FundAlerts = resolveAlerts(FundAlertsSchema.parse({ growth: { fall: 0.2 } }), 0.25);

  interface Step {
    readonly h: number;
    readonly balance: number;
    readonly oi: number;
    /** Default 5e7: coverage well above 1. */
    readonly required?: number;
    readonly expect: string[];
  }

  function expectScenario(steps: readonly Step[]): void {
    let state: AlertState | null = null;
    const history: BalancePoint[] = [];
    for (const step of steps) {
      const result = reserveResult({
        asOf: at(step.h),
        balance: step.balance,
        required: step.required ?? 5e7,
      });
      history.push({ asOf: result.asOf, fundBalanceUsd: step.balance, openInterestUsd: step.oi });
      const { next, notifications } = evaluateAlerts(state, result, history, at(step.h), CONFIG);
      state = next;
      const got = notifications.map((n) => `${n.kind}:${n.status}:${n.severity}:${n.reason}`);
      expect({ h: step.h, sent: got }).toEqual({ h: step.h, sent: step.expect });
    }
  }

  it('alerts once per reminder interval while fund / OI is down more than 20% over 30 days', () => {
    expectScenario([
      { h: 0, balance: 1e8, oi: 2e9, expect: [] }, // 5%: the reference of day 30
      { h: 12, balance: 1e8, oi: 2e9, expect: [] },
      { h: 30, balance: 1e8, oi: 2e9, expect: [] },
      { h: 48, balance: 1e8, oi: 2.6e9, expect: [] }, // 3.85%: the reference from 720 + 40 h on
      { h: 720, balance: 1e8, oi: 2.4e9, expect: [] }, // day 30: -16.7%
      { h: 726, balance: 1e8, oi: 2.6e9, expect: ['GROWTH:OK:WARN:growth'] }, // -23.1%
      { h: 730, balance: 1e8, oi: 2.6e9, expect: [] }, // within 6 h
      { h: 732, balance: 1e8, oi: 2.6e9, expect: ['GROWTH:OK:WARN:growth'] }, // 6 h later: again
      // Coverage slips below 1: the COVERAGE alert speaks, GROWTH stays silent.
      { h: 733, balance: 1e8, oi: 2.6e9, required: 1.05e8, expect: ['COVERAGE:WARN:WARN:status-change'] },
      { h: 739, balance: 1e8, oi: 2.6e9, expect: ['RECOVERY:OK:INFO:recovery', 'GROWTH:OK:WARN:growth'] },
      // The window now starts at the 48 h run (3.85%): the ratio is flat against it.
      { h: 760, balance: 1e8, oi: 2.6e9, expect: [] },
    ]);
  });

  it('keeps silent on a fund with less than 30 days of history, however far the ratio falls', () => {
    expectScenario([
      { h: 0, balance: 1e8, oi: 2e9, expect: [] },
      { h: 24 * 20, balance: 0.5e8, oi: 4e9, expect: [] },
    ]);
  });
});

describe('GROWTH rendering', () => {
  it('labels the subject GROWTH and points at the outlook', () => {
    const item = outboxItem({
      kind: 'GROWTH',
      status: 'OK',
      severity: 'WARN',
      reason: 'growth',
      headline: 'demo-perps fund/OI fell 23.1% in 30 days (5.00% -> 3.85% of OI), coverage still 200.0%',
    });
    const facts = alertFacts(item);
    expect(facts.subject).toBe(
      '[GROWTH] demo-perps fund/OI fell 23.1% in 30 days (5.00% -> 3.85% of OI), coverage still 200.0%',
    );
    expect(facts.nextSteps).toEqual([
      'The fund of demo-perps is not growing with the open interest it backs: review the insurance fee and contributions.',
      'See the one-year outlook and its recommendation: backstop outlook --fund demo-perps',
      'Audit the run: backstop replay --fund demo-perps --as-of 2026-11-22T04:00:00.000Z',
    ]);
  });
});
