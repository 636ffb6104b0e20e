import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SPARK_LEVELS, sparkline } from '../../../lambda/present/sparkline.ts';

describe('sparkline', () => {
  it('maps the minimum to the lowest and the maximum to the highest block', () => {
    expect(sparkline([0.5, 1, 1.5])).toBe('▁▅█');
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█');
  });

  it('draws a flat series at mid height and unknown values as spaces', () => {
    expect(sparkline([0.9, 0.9, 0.9])).toBe('▄▄▄');
    expect(sparkline([0.2, null, 0.8])).toBe('▁ █');
    expect(sparkline([null, null])).toBe('  ');
    expect(sparkline([])).toBe('');
  });

  it('keeps noise flat when a minimum span is given', () => {
    // Span 0.05 centred on [0.2045, 0.2046]: levels 7·(0.02505/0.05) ≈ 3.51 → 4 and ≈ 3.49 → 3,
    // adjacent blocks in the middle instead of ▁ and █.
    expect(sparkline([0.2046, 0.2046, 0.2045], 0.05)).toBe('▅▅▄');
    // A real move still spans the levels: [0.6, 1.2] is wider than the minimum span.
    expect(sparkline([1.2, 0.9, 0.6], 0.05)).toBe('█▅▁');
  });

  it('has one character per value and orders characters like the values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 1, maxLength: 50 }),
        (xs) => {
          const line = [...sparkline(xs)];
          expect(line).toHaveLength(xs.length);
          for (let i = 0; i < xs.length; i++) {
            for (let j = 0; j < xs.length; j++) {
              if ((xs[i] ?? 0) < (xs[j] ?? 0)) {
                expect(SPARK_LEVELS.indexOf(line[i] ?? '')).toBeLessThanOrEqual(
                  SPARK_LEVELS.indexOf(line[j] ?? ''),
                );
              }
            }
          }
        },
      ),
    );
  });
});
