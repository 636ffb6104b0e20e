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
