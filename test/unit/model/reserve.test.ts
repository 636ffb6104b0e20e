import { describe, expect, it } from 'vitest';
import { GAP_MODEL_VERSION } from '../../../lambda/model/engines/gap/gap-reserve.ts';
import { computeReserve } from '../../../lambda/model/reserve.ts';
import { type MarketSnapshot, ReserveResultSchema } from '../../../lambda/model/schemas.ts';
import { InvalidInputError } from '../../../lambda/model/validation.ts';
import { market, snapshot } from './snapshot-builder.ts';

/**
 * The hand book of cascade.test.ts (impact 0.25·√q at λ = 0.25): a 5% drop costs 0.076·OI = 7.6e7,
 * the final move is 0.25. Gaussian shocks with σ√τ = 0.0053 never reach the 0.04 threshold
 * (7.5 standard deviations), so ES = 0 and the stress term binds: required = 1.25·7.6e7 = 9.5e7.
 */
const HAND = market('HAND', {
  openInterestUsd: 1e9,
  dailyVolumeUsd: 4e9,
  impliedVol: 0.5,
  maintenanceMargin: 0.01,
  leverageProfile: [
    { margin: 0.05, share: 0.16 },
    { margin: 0.1, share: 0.2 },
    { margin: 0.2, share: 0.28 },
    { margin: 0.5, share: 0.36 },
  ],
});
const REQUIRED = 1.25 * 7.6e7;

const FEW_TAIL_PATHS =
  'ES averages only 1 tail scenario: too few for ES or its standard error; raise paths to at least 20000';

function handSnapshot(balance: number | null, model: Partial<MarketSnapshot['model']> = {}): MarketSnapshot {
  return snapshot(
    [HAND],
    {
      tailDof: null,
      paths: 1000,
      impactCoefficient: 0.5 * Math.sqrt(365),
      stressScenarios: [
        { name: 'calm', shocks: { HAND: -0.01 }, liquidityFactor: 1 },
        { name: 'drop', shocks: { HAND: -0.05 }, liquidityFactor: 0.25 },
      ],
      ...model,
    },
    { fundBalanceUsd: balance },
  );
}

describe('computeReserve', () => {
  it('sets the requirement from the worst stress loss plus the buffer', () => {
    const result = computeReserve(handSnapshot(1e8));
    expect(ReserveResultSchema.parse(result)).toEqual(result);
    expect(result.modelVersion).toBe(GAP_MODEL_VERSION);
    expect(result.monteCarlo.esUsd).toBe(0);
    expect(result.stress.map((s) => s.lossUsd)).toEqual([0, expect.closeTo(7.6e7, 0)]);
    expect(result.binding).toBe('stress');
    expect(result.requiredReserveUsd).toBeCloseTo(REQUIRED, 0);
    expect(result.coverageRatio).toBeCloseTo(1e8 / REQUIRED, 12);
    expect(result.coverageStatus).toBe('OK');
    expect(result.status).toBe('OK');
    expect(result.recommendation).toEqual({ shortfallUsd: 0, feeBpsToCloseIn30Days: null, releasableUsd: 0 });
    expect(result.cover2Usd).toBeNull();
    // 1000 paths at 0.999 leave one tail scenario: the result says so instead of a spurious error.
    expect(result.warnings).toEqual([FEW_TAIL_PATHS]);
  });

  it('warns below coverage 1 and prices the shortfall as a fee on 30 days of volume', () => {
    const result = computeReserve(handSnapshot(9e7));
    expect(result.status).toBe('WARN');
    expect(result.recommendation.shortfallUsd).toBeCloseTo(5e6, 4);
    // 5e6 / (30 · 4e9) · 1e4 = 0.41667 bps.
    expect(result.recommendation.feeBpsToCloseIn30Days).toBeCloseTo((5e6 / 1.2e11) * 1e4, 10);
  });

  it('breaches below 1/(1 + buffer) = 0.8 by default, or the configured thresholds', () => {
    expect(computeReserve(handSnapshot(7.5e7)).status).toBe('BREACH'); // coverage 0.789
    expect(computeReserve(handSnapshot(7.7e7)).status).toBe('WARN'); // coverage 0.811
    const custom = computeReserve(handSnapshot(9e7, { thresholds: { warnBelow: 1.2, breachBelow: 0.95 } }));
    expect(custom.status).toBe('BREACH'); // coverage 0.947
    // The default follows the buffer, not a fixed 0.8: at buffer 0.5 (required 1.14e8) it is 2/3.
    expect(computeReserve(handSnapshot(7.7e7, { buffer: 0.5 })).status).toBe('WARN'); // coverage 0.675
    expect(computeReserve(handSnapshot(7.5e7, { buffer: 0.5 })).status).toBe('BREACH'); // coverage 0.658
  });

  it('offers the surplus above the release multiple', () => {
    const result = computeReserve(handSnapshot(2e8));
    expect(result.recommendation.releasableUsd).toBeCloseTo(2e8 - 1.5 * REQUIRED, 4);
    // At coverage 2.1 and a multiple of 2.5 nothing is released.
    expect(computeReserve(handSnapshot(2e8, { releaseMultiple: 2.5 })).recommendation.releasableUsd).toBe(0);
  });

  it('reports UNKNOWN without a balance and counts the whole requirement as shortfall', () => {
    const result = computeReserve(handSnapshot(null));
    expect(result.status).toBe('UNKNOWN');
    expect(result.coverageRatio).toBeNull();
    expect(result.recommendation.shortfallUsd).toBeCloseTo(REQUIRED, 4);
    expect(result.recommendation.feeBpsToCloseIn30Days).toBeNull();
    expect(result.warnings).toEqual([
      'fund balance unknown: status UNKNOWN, shortfall counts the whole requirement',
      FEW_TAIL_PATHS,
    ]);
  });

  it('is DEGRADED when the data is, keeping the coverage status', () => {
    const s = { ...handSnapshot(1e8), dataQuality: { degraded: true, flags: [] } };
    const result = computeReserve(s);
    expect(result.status).toBe('DEGRADED');
    expect(result.coverageStatus).toBe('OK');
  });

  it('computes cover-2 from the two largest account losses under the worst scenario', () => {
    // Worst scenario moves HAND down 0.25 (impact included): a long at margin 0.1 loses 0.15 of notional.
    const accounts = [
      { id: 'a', marketId: 'HAND', side: 'long' as const, notionalUsd: 1e8, margin: 0.1 }, // 1.5e7
      { id: 'b', marketId: 'HAND', side: 'long' as const, notionalUsd: 2e8, margin: 0.2 }, // 1.0e7
      { id: 'c', marketId: 'HAND', side: 'long' as const, notionalUsd: 3e8, margin: 0.3 }, // 0
      { id: 'd', marketId: 'HAND', side: 'short' as const, notionalUsd: 5e9, margin: 0.01 }, // wrong side: 0
    ];
    const result = computeReserve(handSnapshot(1e8, { largestAccounts: accounts }));
    expect(result.cover2Usd).toBeCloseTo(2.5e7, 4);
    expect(result.binding).toBe('stress');

    const whale = { id: 'w', marketId: 'HAND', side: 'long' as const, notionalUsd: 2e9, margin: 0.05 }; // 4e8
    const bound = computeReserve(handSnapshot(1e8, { largestAccounts: [...accounts, whale] }));
    expect(bound.cover2Usd).toBeCloseTo(4.15e8, 2);
    expect(bound.binding).toBe('cover2');
    expect(bound.requiredReserveUsd).toBeCloseTo(1.25 * 4.15e8, 2);
  });

  it('leaves cover-2 null, with a warning, when accounts are given but no stress scenario', () => {
    const accounts = [{ id: 'a', marketId: 'HAND', side: 'long' as const, notionalUsd: 1e8, margin: 0.1 }];
    const result = computeReserve(handSnapshot(1e8, { largestAccounts: accounts, stressScenarios: [] }));
    expect(result.cover2Usd).toBeNull();
    expect(result.warnings).toContain(
      'cover-2 not computed: largestAccounts need at least one stress scenario',
    );
  });

  it('lets the ES bind when it is the largest term', () => {
    const wild = { ...HAND, impliedVol: 8 };
    const result = computeReserve({ ...handSnapshot(1e8), markets: [wild] });
    expect(result.binding).toBe('expectedShortfall');
    expect(result.requiredReserveUsd).toBeCloseTo(1.25 * result.monteCarlo.esUsd, 4);
  });

  it('measures seconds only through the injected timer and reports progress', () => {
    const ticks = [10, 12.5];
    const progress: [number, number][] = [];
    const result = computeReserve(handSnapshot(1e8), {
      timer: () => ticks.shift() ?? Number.NaN,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(result.monteCarlo.seconds).toBe(2.5);
    expect(progress).toEqual([[1000, 1000]]);
    expect(computeReserve(handSnapshot(1e8)).monteCarlo.seconds).toBe(0);
  });

  it('repairs a slightly non-PSD correlation and says so in warnings', () => {
    const s = snapshot([market('A'), market('B'), market('C')], { paths: 200 });
    s.correlation = [
      [1, 0.9, 0.2],
      [0.9, 1, 0.65],
      [0.2, 0.65, 1],
    ];
    const result = computeReserve(s);
    expect(result.warnings[0]).toMatch(
      /^correlation was not positive semi-definite \(smallest eigenvalue -0\.02148\)/,
    );
  });

  it('refuses a tail too large to keep in memory, naming model.confidence', () => {
    // α = 0.01 over 5·10⁶ paths keeps 4.95·10⁶ tail paths × 10 markets > 2^25 losses.
    const markets = Array.from({ length: 10 }, (_, i) => market(`M${i}`));
    const s = snapshot(markets, { confidence: 0.01, paths: 5_000_000 });
    expect(() => computeReserve(s)).toThrow(InvalidInputError);
    expect(() => computeReserve(s)).toThrow(
      /^model\.confidence: ES at 0\.01 over 5000000 paths keeps 4950000 tail paths of 10 markets/,
    );
  });
});
