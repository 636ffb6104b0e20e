import { describe, expect, it } from 'vitest';
import { alertSilence } from '../../../lambda/present/alert-silence.ts';
import type { AlertState } from '../../../lambda/run/alert-state.ts';
import type { Notification } from '../../../lambda/run/notification.ts';

const quiet = { stored: true, runId: 'r-2', notifications: { decided: [], sent: 0, failed: 0 } };
const state = (patch: Partial<AlertState>): AlertState => ({
  fundId: 'demo-perps',
  status: 'BREACH',
  coverageStatus: 'BREACH',
  since: '2026-11-22T09:15:00.000Z',
  lastNotified: { 'COVERAGE:BREACH': '2026-11-22T09:15:42.000Z' },
  version: 3,
  ...patch,
});

describe('alertSilence', () => {
  it('names the last message and the next reminder when the team was already told', () => {
    expect(alertSilence(quiet, state({}), 6)).toBe(
      'BREACH already sent 2026-11-22 09:15 UTC; next reminder 2026-11-22 15:15 UTC',
    );
  });

  it('says all is well, or that the tick was handled by the run that stored it', () => {
    expect(alertSilence(quiet, state({ status: 'OK', coverageStatus: 'OK' }), 6)).toBe(
      'coverage OK since 2026-11-22 09:15 UTC: nothing to report',
    );
    expect(alertSilence({ ...quiet, stored: false, runId: 'r-1' }, state({}), 6)).toBe(
      'this tick was already stored by run r-1, which decided its alerts',
    );
    // A DEGRADED run is judged by its coverage status.
    expect(
      alertSilence(quiet, state({ status: 'DEGRADED', coverageStatus: 'WARN', lastNotified: {} }), 6),
    ).toBe('WARN since 2026-11-22 09:15 UTC');
  });

  it('gives no reason when something was decided', () => {
    const decided = [{ kind: 'COVERAGE' } as Notification];
    expect(
      alertSilence({ ...quiet, notifications: { decided, sent: 1, failed: 0 } }, state({}), 6),
    ).toBeUndefined();
  });
});
