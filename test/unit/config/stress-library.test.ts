import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  expandLibraryScenario,
  STRESS_LIBRARY,
  underlyingOf,
} from '../../../lambda/config/stress-library.ts';
import { validateSnapshot } from '../../../lambda/model/validate-snapshot.ts';
import { buildStressLibrary } from '../../../scripts/build-stress-library.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('the shipped stress library', () => {
  it('is exactly what scripts/build-stress-library.ts builds from the recorded candles', () => {
    expect(STRESS_LIBRARY).toEqual(buildStressLibrary());
  });

  it('replays the recorded 2020-03-12 crash: BTC from 7,934.52 to its 3,782.13 low (−52.3%)', () => {
    const crash = STRESS_LIBRARY.find((s) => s.name === '2020-03-12 crash')!;
    expect(Math.min(...crash.returns.BTC!)).toBe(Math.round((3782.13 / 7934.52 - 1) * 1e6) / 1e6);
    expect(crash.minutes.at(-1)).toBe(27 * 60);
  });

  it('gives each market the column of its underlying, else "*", and marks the path as recorded', () => {
    const crash = STRESS_LIBRARY[0]!;
    const s = expandLibraryScenario(crash, [
      { id: 'BTC-A', underlying: 'BTC' },
      { id: 'DOGE-B', underlying: 'DOGE' },
    ]);
    expect(s.recorded).toBe(true);
    expect(s.path![5]).toEqual([100, { 'BTC-A': crash.returns.BTC![5], 'DOGE-B': crash.returns['*']![5] }]);
    expect(expandLibraryScenario(crash, [{ id: 'X', underlying: 'BTC' }], 0.5).liquidityFactor).toBe(0.5);
  });

  it.each([
    ['BTCUSDT', 'BTC'],
    ['BTC-PERPETUAL', 'BTC'],
    ['BTC-USDT-SWAP', 'BTC'],
    ['SOL_USDC-PERPETUAL', 'SOL'],
    ['ETH-USD', 'ETH'],
    ['1000PEPEUSDT', '1000PEPE'],
    ['HYPE', 'HYPE'],
  ])('reads the underlying of %s as %s', (symbol, underlying) => {
    expect(underlyingOf(symbol)).toBe(underlying);
  });

  it('ships a schemaVersion 2 example snapshot that validates', () => {
    const raw = JSON.parse(readFileSync(join(ROOT, 'config/examples/snapshot-v2.json'), 'utf8'));
    const { snapshot } = validateSnapshot(raw, 'example');
    expect(snapshot.schemaVersion).toBe(2);
    expect(snapshot.model.stressScenarios.map((s) => s.name)).toEqual(STRESS_LIBRARY.map((s) => s.name));
  });
});
