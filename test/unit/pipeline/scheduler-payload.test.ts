import { describe, expect, it } from 'vitest';
import { parseSchedulerPayload } from '../../../lambda/handlers/scheduler-payload.ts';
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
});
