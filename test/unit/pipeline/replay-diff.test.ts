import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffValues } from '../../../lambda/pipeline/replay-run.ts';

describe('diffValues', () => {
  const stored = {
    requiredReserveUsd: 2.1e9,
    monteCarlo: { esUsd: 1.5e8, seconds: 0.91 },
    byMarket: [
      { id: 'BTC-PERP', esContributionUsd: 1e8 },
      { id: 'ETH-PERP', esContributionUsd: 5e7 },
    ],
    warnings: [],
  };

  it('finds nothing when only the wall time differs', () => {
    expect(diffValues(stored, { ...stored, monteCarlo: { esUsd: 1.5e8, seconds: 3.2 } })).toEqual([]);
  });

  it('names every differing leaf with its path, compared exactly', () => {
    const recomputed = {
      ...stored,
      // One unit in the last place above 2.1e9 (2^-22): the smallest change a double can show.
      requiredReserveUsd: 2.1e9 + 2 ** -22,
      byMarket: [stored.byMarket[0], { id: 'ETH-PERP', esContributionUsd: 5.0000001e7 }],
      warnings: ['correlation repaired'],
    };
    expect(diffValues(stored, recomputed)).toEqual([
      { path: 'requiredReserveUsd', stored: 2.1e9, recomputed: recomputed.requiredReserveUsd },
      { path: 'byMarket[1].esContributionUsd', stored: 5e7, recomputed: 5.0000001e7 },
      { path: 'warnings.length', stored: 0, recomputed: 1 },
    ]);
  });

  it('reports a field present on one side only', () => {
    expect(diffValues({ a: 1 }, { a: 1, b: null })).toEqual([
      { path: 'b', stored: undefined, recomputed: null },
    ]);
  });
});

describe('diffValues properties', () => {
  const json = fc.jsonValue({ maxDepth: 3 });

  it('finds no difference between a value and its JSON round trip', () => {
    fc.assert(
      fc.property(json, (v) => {
        expect(diffValues(v, JSON.parse(JSON.stringify(v)))).toEqual([]);
      }),
    );
  });

  it('finds exactly the one number that changed, by its path', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 8 }),
        fc.nat(),
        (xs, k) => {
          const i = k % xs.length;
          const changed = xs.map((x, j) => (j === i ? x + 1 + Math.abs(x) : x));
          expect(diffValues({ byMarket: xs }, { byMarket: changed })).toEqual([
            { path: `byMarket[${i}]`, stored: xs[i], recomputed: changed[i] },
          ]);
        },
      ),
    );
  });
});
