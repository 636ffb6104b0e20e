import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeReserve } from '../../../lambda/model/reserve.ts';
import { validateSnapshot } from '../../../lambda/model/validate-snapshot.ts';

const EXAMPLE = join(import.meta.dirname, '..', '..', '..', 'config', 'examples', 'snapshot.json');

describe('schemaVersion 1 documents keep their v1 numbers', () => {
  it('computes the shipped v1 example exactly as the v1 release did (20 000 paths, seed 9)', () => {
    // Figures printed by the v1 code (commit 3e269d6, before the path engine) for this input; the gap
    // engine must reproduce them bit for bit, or stored v1 runs would no longer replay.
    const raw = JSON.parse(readFileSync(EXAMPLE, 'utf8'));
    raw.model.paths = 20_000;
    raw.model.seed = 9;
    const r = computeReserve(validateSnapshot(raw, 'example').snapshot);
    expect(r.modelVersion).toBe('1.0.0');
    expect('engine' in r).toBe(false);
    expect(r.requiredReserveUsd).toBe(2273734461.85017);
    expect(r.monteCarlo.esUsd).toBe(138812688.76463348);
    expect(r.monteCarlo.varUsd).toBe(67597346.49514021);
    expect(r.stress.map((s) => s.lossUsd)).toEqual([
      1738664436.725498, 1260851449.0417788, 444091966.72652644, 1019182898.0835576, 1818987569.4801362,
    ]);
  });
});
