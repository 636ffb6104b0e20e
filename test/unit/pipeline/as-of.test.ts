import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../lambda/model/validation.ts';
import { parseAsOf, truncateToMinute } from '../../../lambda/pipeline/as-of.ts';

describe('asOf', () => {
  it('truncates to the whole minute in canonical UTC', () => {
    expect(truncateToMinute(new Date('2026-11-22T04:15:59.999Z'))).toBe('2026-11-22T04:15:00.000Z');
    expect(truncateToMinute(new Date('2026-11-22T04:15:00.000Z'))).toBe('2026-11-22T04:15:00.000Z');
  });

  it('defaults to now truncated, and canonicalises a given time with a zone', () => {
    expect(parseAsOf(undefined, new Date('2026-11-22T04:15:42.100Z'))).toBe('2026-11-22T04:15:00.000Z');
    expect(parseAsOf('2026-11-22T06:15:30+02:00', new Date())).toBe('2026-11-22T04:15:30.000Z');
    expect(parseAsOf('2026-11-22T04:15Z', new Date())).toBe('2026-11-22T04:15:00.000Z');
  });

  it.each(['yesterday', '2026-11-22', '2026-11-22T04:15:00', '2026-13-40T04:15:00Z'])(
    'rejects %j naming --as-of',
    (value) => {
      expect(() => parseAsOf(value, new Date())).toThrow(InvalidInputError);
      expect(() => parseAsOf(value, new Date())).toThrow(`--as-of: expected an ISO-8601 time with a zone`);
    },
  );
});

describe('time bounds', () => {
  const now = new Date('2026-11-22T04:15:42.000Z');

  it('refuses an --as-of more than 5 minutes in the future, naming it (finding 3)', () => {
    expect(() => parseAsOf('9999-12-31T00:00:00Z', now)).toThrow(
      '--as-of: "9999-12-31T00:00:00.000Z" is in the future (more than 5 minutes after now, 2026-11-22T04:15:42.000Z)',
    );
    expect(() => parseAsOf('2026-11-22T04:21:00Z', now)).toThrow(InvalidInputError);
  });

  it('accepts a time within the skew, and any past time (a backfill)', () => {
    expect(parseAsOf('2026-11-22T04:20:00Z', now)).toBe('2026-11-22T04:20:00.000Z');
    expect(parseAsOf('2020-03-12T00:00:00Z', now)).toBe('2020-03-12T00:00:00.000Z');
  });
});
