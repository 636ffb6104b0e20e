import { describe, expect, it } from 'vitest';
import type { FundConfig } from '../../../lambda/config/fund-config.ts';
import {
  checkTickAge,
  maxTickAgeMinutes,
  parseSchedulerPayload,
} from '../../../lambda/handlers/scheduler-payload.ts';
import { InvalidInputError } from '../../../lambda/model/validation.ts';

const now = new Date('2026-11-22T04:15:42.500Z');

describe('parseSchedulerPayload', () => {
  it('values a tick at its scheduled minute, so a redelivery maps to the same asOf', () => {
    expect(
      parseSchedulerPayload({ fundId: 'demo-perps', scheduledTime: '2026-11-22T04:00:17Z' }, now),
    ).toEqual({
      fundId: 'demo-perps',
      asOf: '2026-11-22T04:00:00.000Z',
    });
  });

  it('values a payload without scheduledTime at the current minute', () => {
    expect(parseSchedulerPayload({ fundId: 'demo-perps' }, now)).toEqual({
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
      { fundId: '../demo-perps' },
      'scheduler payload: fundId: must be lower-case letters, digits and dashes, got "../demo-perps"',
    ],
  ])('rejects %j with one line naming the field', (payload, message) => {
    const act = () => parseSchedulerPayload(payload, now);
    expect(act).toThrow(InvalidInputError);
    expect(act).toThrow(message);
  });

  const fund = {
    schedule: { expression: 'rate(15 minutes)', timeZone: 'UTC', intervalMinutes: 15 },
  } as FundConfig;

  it('takes a tick up to two schedule intervals and half an hour old (60 minutes at 15), not older', () => {
    expect(maxTickAgeMinutes(fund)).toBe(60);
    const fresh = parseSchedulerPayload({ fundId: 'demo-perps', scheduledTime: '2026-11-22T03:16:00Z' }, now);
    expect(() => checkTickAge(fresh, fund, now)).not.toThrow();
    const old = parseSchedulerPayload({ fundId: 'demo-perps', scheduledTime: '2026-11-22T03:15:00Z' }, now);
    expect(() => checkTickAge(old, fund, now)).toThrow(
      "scheduler payload: scheduledTime: the tick of 2026-11-22T03:15:00.000Z is older than the schedule's maximum tick age of 60 minutes (now 2026-11-22T04:15:42.500Z)",
    );
  });

  it('takes a tick up to 5 minutes early (clock skew), not later', () => {
    expect(
      parseSchedulerPayload({ fundId: 'demo-perps', scheduledTime: '2026-11-22T04:20:00Z' }, now).asOf,
    ).toBe('2026-11-22T04:20:00.000Z');
    expect(() =>
      parseSchedulerPayload({ fundId: 'demo-perps', scheduledTime: '2026-11-22T04:21:00Z' }, now),
    ).toThrow(InvalidInputError);
  });
});
