/**
 * Small snapshots for the model's tests: one place that knows the shape, so each test states only
 * what it varies.
 */
import type { MarketSnapshot, SnapshotMarket } from '../../../lambda/model/schemas.ts';

/** The default leverage profile of docs/MODEL.md §6. */
export const DEFAULT_PROFILE = [
  { margin: 0.01, share: 0.02 },
  { margin: 0.02, share: 0.05 },
  { margin: 0.04, share: 0.13 },
  { margin: 0.1, share: 0.3 },
  { margin: 0.2, share: 0.25 },
  { margin: 0.5, share: 0.25 },
];

/** A market with realistic defaults, overridden by `patch`. */
export function market(id: string, patch: Partial<SnapshotMarket> = {}): SnapshotMarket {
  return {
    id,
    priceUsd: 100,
    openInterestUsd: 1e9,
    dailyVolumeUsd: 4e9,
    impliedVol: 0.6,
    maintenanceMargin: 0.005,
    leverageProfile: DEFAULT_PROFILE,
    ...patch,
  };
}

/** A snapshot of `markets` with an identity correlation unless given, and `model` overrides. */
export function snapshot(
  markets: SnapshotMarket[],
  model: Partial<MarketSnapshot['model']> = {},
  patch: Partial<MarketSnapshot> = {},
): MarketSnapshot {
  return {
    schemaVersion: 1,
    fundId: 'test-fund',
    asOf: '2026-11-22T00:00:00Z',
    fundBalanceUsd: 1e8,
    markets,
    correlation: markets.map((_, i) => markets.map((_, j) => (i === j ? 1 : 0))),
    model: {
      horizonHours: 1,
      confidence: 0.999,
      tailDof: 3,
      paths: 2000,
      seed: 42,
      impactCoefficient: 1,
      buffer: 0.25,
      stressScenarios: [],
      ...model,
    },
    ...patch,
  };
}
