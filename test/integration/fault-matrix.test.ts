/**
 * The fast subset of the fault matrix (test/faults/scenarios.ts, rows marked fast): the real CLI
 * against the DynamoDB proxy, the fake SNS and the replay server. `npm run faults` runs every row
 * and rewrites docs/RELIABILITY.md.
 */
import { describe, expect, it } from 'vitest';
import { runMatrix } from '../faults/matrix.ts';

describe('fault matrix (fast subset)', () => {
  it('holds every fast row: no alert lost, duplicates only where the docs name them, inputs refused', async () => {
    const rows = await runMatrix({ fast: true });

    expect(rows.filter((r) => !r.holds).map((r) => `${r.id}: ${r.observed}`)).toEqual([]);
    expect(rows.reduce((a, r) => a + r.lost, 0)).toBe(0);
    expect(rows.filter((r) => r.duplicated > 0).map((r) => [r.id, r.duplicated, r.duplicatesNamed])).toEqual([
      ['sns-answer-lost', 1, true],
    ]);
    expect(new Set(rows.flatMap((r) => (r.finding === undefined ? [] : [r.finding])))).toEqual(
      new Set([1, 2, 3, 4, 5, 7]),
    );
  }, 300_000);
});
