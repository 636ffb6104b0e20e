/**
 * Synthetic large funds for the scale benchmarks and the factor model's error check: the ten-market
 * bench book repeated to n markets (ids suffixed, open interest split so the fund's total stays
 * that of the ten-market book), as schemaVersion 2, with a generic full-rank correlation:
 *   C = 0.8·(J ⊗ C₁₀) + 0.1·R + 0.1·I,
 * C₁₀ the bench book's correlation, J the all-ones matrix (every copy of a market moves with the
 * others like the original) and R a seeded random correlation (so no factor count fits exactly).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MarketSnapshot } from '../lambda/model/schemas.ts';

const here = dirname(fileURLToPath(import.meta.url));

/** The ten-market bench snapshot as schemaVersion 2 (the alts' maintenance margin at 0.5%). */
export function tenMarketsV2(): MarketSnapshot {
  const v1 = JSON.parse(readFileSync(join(here, 'ten-markets.json'), 'utf8')) as MarketSnapshot;
  const { paths: _paths, ...model } = v1.model;
  return {
    ...v1,
    schemaVersion: 2,
    markets: v1.markets.map((m) => ({ ...m, maintenanceMargin: Math.min(m.maintenanceMargin, 0.005) })),
    model,
  };
}

/** A seeded LCG uniform in [0, 1): reproducible inputs without the model's generator. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A random correlation from 4 seeded loadings per market, normalised to a unit diagonal. */
function randomCorrelation(n: number, seed: number): number[][] {
  const u = lcg(seed);
  const loadings = Array.from({ length: n }, () => Array.from({ length: 4 }, () => u() * 2 - 1));
  const cov = loadings.map((a) => loadings.map((b) => a.reduce((s, x, k) => s + x * b[k]!, 0)));
  return cov.map((row, i) => row.map((x, j) => (i === j ? 1 : x / Math.sqrt(cov[i]![i]! * cov[j]![j]!))));
}

/** The bench book scaled to `n` markets (see the module comment). */
export function syntheticFund(n: number, seed = 7): MarketSnapshot {
  const base = tenMarketsV2();
  const copies = Math.ceil(n / base.markets.length);
  const markets = Array.from({ length: n }, (_, i) => {
    const m = base.markets[i % base.markets.length]!;
    return {
      ...m,
      // The first copy keeps its id, so the stress scenarios that name markets still hit them.
      id: i < base.markets.length ? m.id : `${m.id}-${Math.floor(i / base.markets.length)}`,
      openInterestUsd: m.openInterestUsd / copies,
      dailyVolumeUsd: m.dailyVolumeUsd / copies,
    };
  });
  const r = randomCorrelation(n, seed);
  const c10 = base.correlation;
  const correlation = markets.map((_, i) =>
    markets.map((_, j) => {
      if (i === j) return 1;
      const block = c10[i % c10.length]![j % c10.length]!;
      return 0.8 * block + 0.1 * r[i]![j]!;
    }),
  );
  return {
    ...base,
    fundId: `synthetic-${n}`,
    markets,
    correlation,
  };
}
