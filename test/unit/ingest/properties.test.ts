/** Property tests of the pure recalibration pieces (fast-check). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { repairCorrelation } from '../../../lambda/ingest/recalibrate/psd-repair.ts';
import { completedCloses } from '../../../lambda/ingest/venues/venue-adapter.ts';
import { ewmaVol } from '../../../lambda/ingest/vol/realized.ts';
import { symmetricEigen } from '../../../lambda/model/linalg/jacobi-eigen.ts';

const DAY = 86_400_000;

/** A symmetric matrix with unit diagonal and off-diagonal entries in [−1, 1] (often not PSD). */
const pseudoCorrelation = fc.integer({ min: 2, max: 7 }).chain((n) =>
  fc
    .array(fc.double({ min: -1, max: 1, noNaN: true }), {
      minLength: (n * (n - 1)) / 2,
      maxLength: (n * (n - 1)) / 2,
    })
    .map((upper) => {
      const m = Array.from({ length: n }, (_, i) =>
        Array.from({ length: n }, (_, j): number => (i === j ? 1 : 0)),
      );
      let k = 0;
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          const v = upper[k++] as number;
          (m[i] as number[])[j] = v;
          (m[j] as number[])[i] = v;
        }
      }
      return m;
    }),
);

describe('repairCorrelation (property)', () => {
  it('always returns a symmetric PSD matrix with unit diagonal and entries in [−1, 1]', () => {
    fc.assert(
      fc.property(pseudoCorrelation, (m) => {
        const { matrix } = repairCorrelation(m);
        const n = m.length;
        for (let i = 0; i < n; i++) {
          expect(matrix[i]?.[i]).toBe(1);
          for (let j = 0; j < n; j++) {
            expect(matrix[i]?.[j]).toBe(matrix[j]?.[i]);
            expect(Math.abs(matrix[i]?.[j] as number)).toBeLessThanOrEqual(1);
          }
        }
        expect(Math.min(...symmetricEigen(matrix).values)).toBeGreaterThanOrEqual(-1e-9);
      }),
      { numRuns: 200, seed: 20261122 },
    );
  });
});

describe('completedCloses (property)', () => {
  it('does not depend on the venue’s row order (newest-first or oldest-first)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 1, max: 200 }),
        (dayNumbers, days) => {
          const rows = dayNumbers.map((d) => ({ dayMs: d * DAY, close: 100 + d }));
          const asOf = new Date(300 * DAY + 5);
          const oldestFirst = completedCloses(
            [...rows].sort((a, b) => a.dayMs - b.dayMs),
            days,
            asOf,
          );
          const newestFirst = completedCloses(
            [...rows].sort((a, b) => b.dayMs - a.dayMs),
            days,
            asOf,
          );
          expect(newestFirst).toEqual(oldestFirst);
          expect(oldestFirst.length).toBeLessThanOrEqual(days + 1);
          expect(oldestFirst.every((c) => c.dayMs < 300 * DAY)).toBe(true);
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });
});

describe('ewmaVol (property)', () => {
  it('scales linearly with the returns and lies between the smallest and largest |return|·√365', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -0.3, max: 0.3, noNaN: true }), { minLength: 2, maxLength: 100 }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        (returns, k) => {
          const v = ewmaVol(returns) as number;
          expect(ewmaVol(returns.map((r) => k * r))).toBeCloseTo(k * v, 9);
          const abs = returns.map(Math.abs);
          expect(v).toBeLessThanOrEqual(Math.max(...abs) * Math.sqrt(365) + 1e-12);
          expect(v).toBeGreaterThanOrEqual(Math.min(...abs) * Math.sqrt(365) - 1e-12);
        },
      ),
      { numRuns: 200, seed: 3 },
    );
  });
});
