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
