import { describe, expect, it } from 'vitest';
import type { FundConfig } from '../../../lambda/config/fund-config.ts';
import { maxTickAgeMinutes, parseSchedulerPayload } from '../../../lambda/handlers/scheduler-payload.ts';
import { InvalidInputError } from '../../../lambda/model/validation.ts';

const funds = new Map([
  [
    'demo-perps',
    { schedule: { expression: 'rate(15 minutes)', timeZone: 'UTC', intervalMinutes: 15 } } as FundConfig,
  ],
]);
const now = new Date('2026-11-22T04:15:42.500Z');

describe('parseSchedulerPayload', () => {
  it('values a tick at its scheduled minute, so a redelivery maps to the same asOf', () => {
    expect(
      parseSchedulerPayload({ fundId: 'demo-perps', scheduledTime: '2026-11-22T04:00:17Z' }, funds, now),
    ).toEqual({
      fundId: 'demo-perps',
      asOf: '2026-11-22T04:00:00.000Z',
    });
  });

  it('values a payload without scheduledTime at the current minute', () => {
    expect(parseSchedulerPayload({ fundId: 'demo-perps' }, funds, now)).toEqual({
      fundId: 'demo-perps',
      asOf: '2026-11-22T04:15:00.000Z',
    });
  });

  it.each([
    [{}, 'scheduler payload: fundId: expected string, received undefined, got nothing'],
    [{ fundId: 42 }, 'scheduler payload: fundId: expected string, received number, got 42'],
    [
      { fundId: 'demo-perps', scheduledTime: 'soon' },
      'scheduler payload: scheduledTime: Invalid ISO datetime, got "soon"',
    ],
    [
      { fundId: 'other-fund' },
      'scheduler payload: fundId: unknown fund, got "other-fund" (configured: demo-perps)',
    ],
  ])('rejects %j with one line naming the field', (payload, message) => {
    const act = () => parseSchedulerPayload(payload, funds, now);
    expect(act).toThrow(InvalidInputError);
    expect(act).toThrow(message);
  });

  it('takes a tick up to two schedule intervals and half an hour old (60 minutes at 15), not older', () => {
    expect(
      maxTickAgeMinutes({
        schedule: { expression: 'rate(15 minutes)', timeZone: 'UTC', intervalMinutes: 15 },
      }),
    ).toBe(60);
    expect(
      parseSchedulerPayload({ fundId: 'demo-perps', scheduledTime: '2026-11-22T03:15:42.500Z' }, funds, now)
        .asOf,
    ).toBe('2026-11-22T03:15:00.000Z');
    expect(() =>
      parseSchedulerPayload({ fundId: 'demo-perps', scheduledTime: '2026-11-22T03:15:00Z' }, funds, now),
    ).toThrow(
      'scheduler payload: scheduledTime: "2026-11-22T03:15:00Z" is older than the schedule\'s maximum tick age of 60 minutes (now 2026-11-22T04:15:42.500Z)',
    );
  });

  it('takes a tick up to 5 minutes early (clock skew), not later', () => {
    expect(
      parseSchedulerPayload({ fundId: 'demo-perps', scheduledTime: '2026-11-22T04:20:00Z' }, funds, now).asOf,
    ).toBe('2026-11-22T04:20:00.000Z');
    expect(() =>
      parseSchedulerPayload({ fundId: 'demo-perps', scheduledTime: '2026-11-22T04:21:00Z' }, funds, now),
    ).toThrow(InvalidInputError);
  });
});
