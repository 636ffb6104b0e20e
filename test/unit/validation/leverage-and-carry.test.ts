import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { V1_LEVERAGE_PROFILE } from '../../../lambda/backtest/backtest-book.ts';
import { DEFAULT_LEVERAGE_PROFILE } from '../../../lambda/config/leverage-profile.ts';
import { carriedProfile, survivors } from '../../../lambda/validate/carry-over.ts';
import { declineError, leverageFamily, liquidatedShare } from '../../../lambda/validate/leverage-fit.ts';

describe('the leverage family', () => {
  it('puts a log-normal of median 0.5 and log-sd 2 on the bucket margins: the default profile', () => {
    expect(leverageFamily(0.5, 2)).toEqual(DEFAULT_LEVERAGE_PROFILE);
  });

  it('sums to exactly 1 for any median and spread', () => {
    for (const [median, sd] of [
      [0.04, 0.6],
      [0.06, 3],
      [1, 1],
      [0.2, 0.4],
    ] as const) {
      const sum = leverageFamily(median, sd).reduce((s, b) => s + b.share, 0);
      expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
    }
  });

  it('liquidates G(A + mm) of a side: a bucket at 0.1 spread over [0.05, 0.15] loses half at A = 0.095', () => {
    expect(liquidatedShare([{ margin: 0.1, share: 1 }], 0.095, 0.005)).toBeCloseTo(0.5, 12);
    expect(liquidatedShare([{ margin: 0.1, share: 1 }], 0.2, 0.005)).toBe(1);
    expect(liquidatedShare([{ margin: 0.1, share: 1 }], 0.04, 0.005)).toBe(0);
  });

  it('scores the v1 profile far off the open-interest declines: 58% liquidated at −16% where 19% of OI closed', () => {
    const point = {
      label: 'binance',
      adverseMove: 0.162,
      oiDecline: 0.192,
      maintenanceMargin: 0.004,
      source: '',
    };
    expect(liquidatedShare([...V1_LEVERAGE_PROFILE], point.adverseMove, point.maintenanceMargin)).toBeCloseTo(
      0.583,
      3,
    );
    expect(declineError([point], 0.5, 2)).toBeCloseTo((0.3121 - 0.192) ** 2, 3);
  });

  it('is the profile the demo fund ships', async () => {
    const demo = JSON.parse(
      await readFile(join(import.meta.dirname, '../../../config/funds/demo.json'), 'utf8'),
    );
    expect(demo.model.defaultLeverageProfile).toEqual(DEFAULT_LEVERAGE_PROFILE);
  });
});

describe('the book carried over from an earlier path', () => {
  it('grows a short’s distance by the fall it won: d → (1 + d)/(1 + r) − 1, capped at 1', () => {
    const kept = survivors([{ margin: 0.1, share: 1 }], {
      side: 'short',
      endReturn: -0.2,
      maxAdverse: 0.01,
      maintenanceMargin: 0.005,
    });
    expect(kept).toHaveLength(8);
    // The slice at d = 0.05625 (the first of eight over [0.05, 0.15]) ends at 1.05625/0.8 − 1.
    expect(kept[0]!.margin).toBeCloseTo(0.3203125, 12);
    expect(kept.reduce((s, b) => s + b.share, 0)).toBeCloseTo(1, 12);
  });

  it('drops what the path squeezed on the way: shorts nearer than the worst adverse move + mm', () => {
    const kept = survivors([{ margin: 0.1, share: 1 }], {
      side: 'short',
      endReturn: -0.5,
      maxAdverse: 0.1,
      maintenanceMargin: 0.005,
    });
    // Slices at d ≤ 0.105 are gone: 0.05625 … 0.09375 (four of eight).
    expect(kept.map((b) => b.margin)).toEqual([1, 1, 1, 1]);
    expect(kept.reduce((s, b) => s + b.share, 0)).toBeCloseTo(0.5, 12);
  });

  it('mixes the survivors with fresh positions by the carried share', () => {
    const profile = carriedProfile(
      [{ margin: 0.1, share: 1 }],
      [{ margin: 0.05, share: 1 }],
      { side: 'short', endReturn: -0.5, maxAdverse: 0, maintenanceMargin: 0.005 },
      0.25,
    );
    expect(profile).toEqual([
      { margin: 0.05, share: 0.75 },
      { margin: 1, share: 0.25 },
    ]);
  });
});
