import { describe, expect, it } from 'vitest';
import { computeReserve } from '../../../lambda/model/reserve.ts';
import { computeSensitivity, SENSITIVITY_PATHS } from '../../../lambda/model/sensitivity.ts';
import { market, snapshot } from './snapshot-builder.ts';

/**
 * A book whose requirement is set by one deterministic stress with no price impact: one bucket at
 * margin 0.1, shock −30%, maintenance 0 ⇒ bad debt = OI × (0.30 − margin). Calm vol is tiny, so the
 * Monte Carlo ES is far below the stress and never binds.
 */
function stressBook(impactCoefficient = 0) {
  return snapshot(
    [
      market('BTC-PERP', {
        impliedVol: 0.01,
        maintenanceMargin: 0,
        openInterestUsd: 1e9,
        leverageProfile: [{ margin: 0.1, share: 1 }],
      }),
    ],
    {
      paths: 5000,
      impactCoefficient,
      stressScenarios: [{ name: 'crash', shocks: { '*': -0.3 }, liquidityFactor: 0.1 }],
    },
  );
}

describe('computeSensitivity', () => {
  it('moves the margins ±50% and leaves the requirement alone where liquidity and window do not enter', () => {
    const s = computeSensitivity(stressBook());
    expect(s.paths).toBe(5000);
    expect(s.runs).toBe(7);
    expect(s.seed).toBe(42);
    // (1 + 0.25) × 1e9 × (0.30 − 0.10)
    expect(s.referenceRequiredUsd).toBeCloseTo(2.5e8, 0);
    const [leverage, liquidity, window] = s.lines;
    expect(leverage?.what).toBe('leverage margins');
    expect(leverage?.down.factor).toBe(0.5);
    expect(leverage?.down.ratio).toBeCloseTo(0.25 / 0.2, 12); // margin 0.05
    expect(leverage?.up.ratio).toBeCloseTo(0.15 / 0.2, 12); // margin 0.15
    expect(leverage?.up.requiredReserveUsd).toBeCloseTo(1.875e8, 0);
    // No impact term (k = 0) and a one-step shock: volume and window cannot matter.
    expect([liquidity?.down.ratio, liquidity?.up.ratio]).toEqual([1, 1]);
    expect([window?.down.ratio, window?.up.ratio]).toEqual([1, 1]);
  });

  it('needs more when liquidity halves once liquidations move the price', () => {
    const s = computeSensitivity(stressBook(1));
    const liquidity = s.lines[1]!;
    // Impact ∝ 1/√(volume): half the volume can only raise the stress loss, 1.5× only lower it.
    expect(liquidity.down.ratio).toBeGreaterThan(1);
    expect(liquidity.up.ratio).toBeLessThan(1);
    expect(liquidity.down.requiredReserveUsd).toBe(
      computeReserve({
        ...stressBook(1),
        markets: stressBook(1).markets.map((m) => ({ ...m, dailyVolumeUsd: m.dailyVolumeUsd / 2 })),
      }).requiredReserveUsd,
    );
  });

  it('caps the paths and re-uses the seed, so the reference is the snapshot at the reduced paths', () => {
    const big = snapshot([market('BTC-PERP'), market('ETH-PERP')], { paths: 200_000, seed: 7 });
    const s = computeSensitivity(big, { paths: 20_000 });
    expect(s.paths).toBe(20_000);
    expect(s.referenceRequiredUsd).toBe(
      computeReserve({ ...big, model: { ...big.model, paths: 20_000 } }).requiredReserveUsd,
    );
    expect(SENSITIVITY_PATHS).toEqual({ gap: 50_000, path: 2_500 });
  });

  it('keeps shrunk margins above the maintenance margin (v2 refuses a bucket at or below it)', () => {
    const book = stressBook();
    const tight = {
      ...book,
      markets: book.markets.map((m) => ({
        ...m,
        maintenanceMargin: 0.008,
        leverageProfile: [{ margin: 0.01, share: 1 }],
      })),
    };
    // Bad debt = OI × (0.30 − margin): margin 0.01 × 0.5 = 0.005 is lifted to 0.008 + 1e-6.
    expect(computeSensitivity(tight).lines[0]!.down.ratio).toBeCloseTo((0.3 - 0.008001) / (0.3 - 0.01), 12);
  });
});

describe('computeSensitivity on the path engine', () => {
  it('moves the path window (its default 4 h when unset) and cuts the reverse-stress grid to one level', () => {
    const v2 = { ...snapshot([market('BTC-PERP')], { paths: 400 }), schemaVersion: 2 as const };
    const s = computeSensitivity(v2);
    expect(s.paths).toBe(400);
    const at = (windowHours: number) =>
      computeReserve({ ...v2, model: { ...v2.model, windowHours, reverseStressLiquidity: [1] } })
        .requiredReserveUsd;
    expect(s.lines[2]!.down.requiredReserveUsd).toBe(at(2));
    expect(s.lines[2]!.up.requiredReserveUsd).toBe(at(6));
  });
});
