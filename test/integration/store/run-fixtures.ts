/**
 * StoredRuns for the store tests, from 3 to 500 markets. The correlation matrix is made of
 * full-precision doubles like a real EWMA estimate (a matrix of round numbers would compress to
 * nothing and hide the item-size problem).
 */
import { type MarketSnapshot, MarketSnapshotSchema } from '../../../lambda/model/schemas.ts';
import type { Observation } from '../../../lambda/run/observation.ts';
import type { StoredRun } from '../../../lambda/run/stored-run.ts';
import { reserveResult } from '../../unit/alert/result-fixtures.ts';

/** Deterministic uniform [0, 1) (Park–Miller), so fixtures are identical on every run. */
function uniforms(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647;
  };
}

const PROFILE = [
  { margin: 0.01, share: 0.02 },
  { margin: 0.02, share: 0.05 },
  { margin: 0.04, share: 0.13 },
  { margin: 0.1, share: 0.3 },
  { margin: 0.2, share: 0.25 },
  { margin: 0.5, share: 0.25 },
];

function marketId(i: number): string {
  return ['BTC-PERP', 'ETH-PERP', 'SOL-PERP'][i] ?? `ALT${i}-PERP`;
}

/** A valid snapshot of `n` markets. */
export function snapshot(fundId: string, asOf: string, n: number, balance: number | null): MarketSnapshot {
  const u = uniforms(n * 7919 + 1);
  const correlation = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    const row = correlation[i] as number[];
    row[i] = 1;
    for (let j = i + 1; j < n; j++) {
      const c = 0.35 + 0.5 * u();
      row[j] = c;
      (correlation[j] as number[])[i] = c;
    }
  }
  return MarketSnapshotSchema.parse({
    schemaVersion: 1,
    fundId,
    asOf,
    fundBalanceUsd: balance,
    markets: Array.from({ length: n }, (_, i) => ({
      id: marketId(i),
      priceUsd: 1 + 1000 * u(),
      openInterestUsd: 1e6 + 1e9 * u(),
      dailyVolumeUsd: 1e7 + 1e10 * u(),
      impliedVol: 0.3 + u(),
      maintenanceMargin: 0.005,
      leverageProfile: PROFILE,
      provenance: { venue: 'binance', symbol: `${marketId(i).replace('-PERP', '')}USDT`, volSource: 'dvol' },
    })),
    correlation,
    model: {
      horizonHours: 1,
      confidence: 0.999,
      tailDof: 3,
      paths: 20_000,
      seed: 42,
      impactCoefficient: 1,
      buffer: 0.25,
      stressScenarios: [{ name: '2020-03-12 worst hour', shocks: { '*': -0.35 }, liquidityFactor: 0.1 }],
    },
  });
}

/** Four raw observations per market, as the venue adapters record them. */
function observations(snap: MarketSnapshot): Observation[] {
  return snap.markets.flatMap((m) =>
    (['openInterest', 'markPrice', 'impliedVol', 'dailyVolume'] as const).map((field) => ({
      marketId: m.id,
      venue: 'binance',
      endpoint: `/fapi/v1/${field}?symbol=${m.provenance?.symbol ?? m.id}`,
      field,
      rawValue: String(field === 'markPrice' ? m.priceUsd : m.openInterestUsd),
      rawUnit: field === 'impliedVol' ? 'percent' : 'USD',
      normalised: field === 'markPrice' ? m.priceUsd : m.openInterestUsd,
      fetchedAt: snap.asOf,
      venueTimestamp: snap.asOf,
    })),
  );
}

/** Options of {@link storedRun}. */
export interface RunOptions {
  readonly fundId?: string;
  readonly asOf?: string;
  readonly runId?: string;
  readonly markets?: number;
  readonly balance?: number | null;
  readonly expiresAt?: number;
}

/** A complete StoredRun (snapshot, result, observations, flags, steps). */
export function storedRun(options: RunOptions = {}): StoredRun {
  const {
    fundId = 'demo-perps',
    asOf = '2026-11-22T04:00:00.000Z',
    runId = `run-${asOf}`,
    markets = 3,
    balance = 1.44e8,
  } = options;
  const snap = snapshot(fundId, asOf, markets, balance);
  return {
    fundId,
    asOf,
    runId,
    modelVersion: '1.0.0',
    snapshot: snap,
    result: reserveResult({ fundId, asOf, balance, markets }),
    observations: observations(snap),
    flags: [{ marketId: 'SOL-PERP', code: 'STALE_FILLED', detail: 'bybit timed out; used 04:00 value' }],
    steps: [
      { step: 'ingest', ms: 812, outcome: 'degraded', detail: '1 market stale-filled' },
      { step: 'reserve', ms: 402, outcome: 'ok' },
    ],
    ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }),
  };
}

/** `count` ISO timestamps 15 minutes apart from `start`. */
export function quarterHours(start: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => new Date(Date.parse(start) + i * 900_000).toISOString());
}
