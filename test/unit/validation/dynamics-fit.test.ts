import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kupiecPof } from '../../../lambda/backtest/stats/coverage-tests.ts';
import { DEFAULT_TAIL_DOF } from '../../../lambda/config/fund-config.ts';
import { PATH_DEFAULTS } from '../../../lambda/model/engines/path/path-engine.ts';
import {
  CHECKS,
  DEFAULT_FORECAST,
  evaluateChecks,
  type HourlyCandle,
  isTailCheck,
  type ModelThresholds,
  modelSample,
  modelThresholds,
  type RealWindow,
  readHourlyCandles,
  realWindows,
  searchDynamics,
  sortedQuantile,
  splitWindows,
  tailDofGrid,
  thresholdAt,
  windowsByHalfLife,
} from '../../../lambda/validate/dynamics-fit.ts';

const HOUR = 3.6e6;
const NO_JUMPS = { jumpRatePerDay: 0, jumpMeanSize: 0.03, jumpDownShare: 0.5 };

/** n hours whose log returns alternate +r, −r (open = the previous close; high/low the body). */
function zigzag(n: number, r: number, skipHour?: number): HourlyCandle[] {
  const out: HourlyCandle[] = [];
  let close = 100;
  for (let i = 0; i < n; i++) {
    if (i === skipHour) continue;
    const open = close;
    close = open * Math.exp(i % 2 === 0 ? r : -r);
    out.push({ timeMs: i * HOUR, open, high: Math.max(open, close), low: Math.min(open, close), close });
  }
  return out;
}

describe('the real windows', () => {
  const forecast = { halfLifeHours: 24, volFloor: 0.2, warmupHours: 48 };

  it('standardises each window by the EWMA forecast made before it (constant |r|: every hour is ±1σ)', () => {
    const windows = realWindows(zigzag(400, 0.01), forecast);
    // |r| = 1% every hour: the EWMA variance stays 1e-4, σ = 0.01·√8760 annualised.
    for (const w of windows) expect(w.vol).toBeCloseTo(0.01 * Math.sqrt(8760), 12);
    const rises = windows.filter((w) => w.statistic === 'rise 1h');
    expect(rises).toHaveLength(400 - 49);
    for (const w of rises) expect(Math.abs(w.value)).toBeCloseTo(1, 12);
    // Four alternating hours net to zero; their realised vol is exactly the forecast.
    for (const w of windows.filter((x) => x.statistic === 'fall 4h')) expect(w.value).toBeCloseTo(0, 12);
    for (const w of windows.filter((x) => x.statistic === 'realised vol 4h'))
      expect(w.value).toBeCloseTo(1, 12);
    // The 24-hour excursions: one hour's move up (or none), over σ·√24.
    const up = windows.filter((x) => x.statistic === 'max adverse move up 24h').map((w) => w.value);
    for (const v of up) expect([0, 1 / Math.sqrt(24)].some((e) => Math.abs(v - e) < 1e-12)).toBe(true);
  });

  it('floors the forecast at volFloor and skips windows that span a missing hour', () => {
    const calm = realWindows(zigzag(200, 0.0001), forecast);
    for (const w of calm) expect(w.vol).toBe(0.2);
    const full = realWindows(zigzag(400, 0.01), forecast).filter((w) => w.statistic === 'rise 24h');
    const gapped = realWindows(zigzag(400, 0.01, 300), forecast).filter((w) => w.statistic === 'rise 24h');
    expect(full.length - gapped.length).toBe(1);
  });
});

describe('the generator’s windows', () => {
  it('match the closed forms of a Gaussian random walk (99% move, 99% running maximum, median realised vol)', () => {
    const s = modelSample({ tailDof: null, ...NO_JUMPS }, 0.05, 20_000, 11);
    // Φ⁻¹(0.99) = 2.326; the running minimum's 99% is Φ⁻¹(0.995) = 2.576 less the discrete-monitoring
    // shift 0.5826/√144 (Broadie–Glasserman); √(χ²₂₄ median / 24) = 0.986.
    expect(sortedQuantile(s['fall 24h'], 0.99)).toBeCloseTo(2.326, 1);
    expect(
      Math.abs(sortedQuantile(s['max adverse move down 24h'], 0.99) - (2.576 - 0.5826 / 12)),
    ).toBeLessThan(0.08);
    expect(Math.abs(sortedQuantile(s['realised vol 24h'], 0.5) - 0.986)).toBeLessThan(0.006);
  });

  it('give the standardised Student-t at every horizon of one regime (ν = 3: 99% at t₃⁻¹(0.99)/√3 = 2.62)', () => {
    const s = modelSample({ tailDof: 3, ...NO_JUMPS }, 0.05, 20_000, 12);
    expect(Math.abs(sortedQuantile(s['fall 1h'], 0.99) - 4.5407 / Math.sqrt(3))).toBeLessThan(0.1);
    expect(Math.abs(sortedQuantile(s['rise 4h'], 0.99) - 4.5407 / Math.sqrt(3))).toBeLessThan(0.1);
  });
});

describe('thresholds and exceedances', () => {
  it('interpolates a threshold linearly in log vol and holds it flat beyond the grid', () => {
    const curve = { vols: [0.2, 0.8], thresholds: [1, 3] };
    expect(thresholdAt(curve, 0.4)).toBeCloseTo(2, 12);
    expect(thresholdAt(curve, 0.1)).toBe(1);
    expect(thresholdAt(curve, 2)).toBe(3);
  });

  it('counts a window beyond its own threshold, upper and lower tails, with Kupiec’s test', () => {
    const thresholds: ModelThresholds = new Map(
      CHECKS.map((c) => [
        c,
        { vols: [0.2, 0.8], thresholds: [c.tail === 'upper' ? 3 : 0.5, c.tail === 'upper' ? 3 : 0.5] },
      ]),
    );
    const windows: RealWindow[] = [
      ...Array.from({ length: 97 }, (_, i) => ({
        timeMs: i,
        vol: 0.5,
        statistic: 'fall 1h' as const,
        value: 1,
      })),
      ...[3.5, 4, 2.9].map((value) => ({ timeMs: 0, vol: 0.5, statistic: 'fall 1h' as const, value })),
      { timeMs: 0, vol: 0.5, statistic: 'realised vol 4h', value: 0.4 },
      { timeMs: 0, vol: 0.5, statistic: 'realised vol 4h', value: 0.6 },
    ];
    const results = evaluateChecks(windows, thresholds);
    const fall99 = results.find((r) => r.check.statistic === 'fall 1h' && r.check.probability === 0.01)!;
    expect(fall99.exceedances).toBe(2);
    expect(fall99.windows).toBe(100);
    expect(fall99.kupiecP).toBe(kupiecPof(2, 100, 0.01).pValue);
    const calm = results.find(
      (r) => r.check.statistic === 'realised vol 4h' && r.check.probability === 0.05,
    )!;
    expect(calm.exceedances).toBe(1);
  });
});

describe('the fit on the shipped hourly history (CI subset: 4 000 paths per vol)', async () => {
  const file = join(import.meta.dirname, '../../../fixtures/prices/binance_btcusdt_1h.csv');
  const windowsFor = windowsByHalfLife(await readHourlyCandles(file));
  const split = Date.UTC(2023, 3, 1);

  // At 4 000 paths per vol the fit's best is ν 3.5 at the 11-day half-life; at 10 000 (npm run
  // validate:dynamics) ν 3.25 at 11 days: the objective is flat between 3.25 and 3.5.
  it('puts ν̂ above the shipped 3, and the shipped ν passes 12 of the 16 held-out tail checks', () => {
    const scored = searchDynamics(
      windowsFor,
      tailDofGrid(PATH_DEFAULTS.pathDynamics),
      split,
      4_000,
      20_201_007,
    );
    expect([scored[0]!.params.tailDof, scored[0]!.halfLifeHours]).toEqual([3.5, 264]);
    expect(scored.findIndex((c) => c.params.tailDof === DEFAULT_TAIL_DOF)).toBeGreaterThan(0);
    const shipped = { tailDof: DEFAULT_TAIL_DOF, ...PATH_DEFAULTS.pathDynamics };
    const held = evaluateChecks(
      splitWindows(windowsFor(DEFAULT_FORECAST.halfLifeHours), split).heldOut,
      modelThresholds(shipped, 4_000, 20_201_008),
    ).filter((r) => isTailCheck(r.check));
    expect(held).toHaveLength(16);
    expect(held.filter((r) => r.kupiecP >= 0.05).length).toBe(12);
  }, 120_000);
});
