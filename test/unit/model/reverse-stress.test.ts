import { describe, expect, it } from 'vitest';
import { createPathEngine } from '../../../lambda/model/engines/path/path-engine.ts';
import { reverseStress } from '../../../lambda/model/reverse-stress.ts';
import { market, snapshot } from './snapshot-builder.ts';

describe('reverse stress test', () => {
  // One market, one bucket (uniform distances on [0.02, 0.06]), an engine that cannot trade: a
  // fall of m closes every position at m, losing OI·(m − 0.04) once m ≥ 0.06.
  const s = snapshot(
    [market('X', { leverageProfile: [{ margin: 0.04, share: 1 }], maintenanceMargin: 0.01 })],
    {
      liquidation: { throughputMultiple: 0, permanentImpactShare: 0 },
    },
  );
  s.schemaVersion = 2;
  const engine = createPathEngine(s, new Float64Array([1]));
  const crash = { name: 'crash', liquidityFactor: 0.1, shocks: { X: -0.1 } };

  it('finds the smallest multiple of a scenario that exhausts the balance', () => {
    // 1e9·(0.1·s − 0.04) = 3e7 ⇒ s = 0.7.
    const [row] = reverseStress(engine, [crash], [0.1], 3e7);
    expect(row!.scenario).toBe('crash');
    expect(row!.liquidityFactor).toBe(0.1);
    expect(Math.abs(row!.scale! - 0.7)).toBeLessThan(2e-4);
  });

  it('reports null when no multiple up to the maximum exhausts the fund, and 0 for an empty fund', () => {
    const gentle = { name: 'gentle', liquidityFactor: 1, shocks: { X: -0.001 } };
    expect(reverseStress(engine, [gentle], [1], 1e12)[0]!.scale).toBeNull();
    expect(reverseStress(engine, [crash], [1], 0)[0]!.scale).toBe(0);
  });
});
