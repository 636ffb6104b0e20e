/**
 * Synthetic daily price histories drawn from the model's own shock law (the gap model's step 1): a
 * multivariate Student-t with ν degrees of freedom, unit variance, constant annual vol, correlated by
 * a Cholesky factor, seeded. Shared by the backtest tests.
 */
import type { PricePanel } from '../../../lambda/backtest/price-panel.ts';
import { Xoshiro128 } from '../../../lambda/model/random/xoshiro128.ts';

/** Box–Muller standard normals from the model's seeded generator (only its stable `nextDouble`). */
function normalSource(rng: Xoshiro128): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
}

/** Parameters of a synthetic two-market history. */
export interface SyntheticSpec {
  readonly days: number;
  /** Annualised vol of both markets. */
  readonly annualVol: number;
  readonly correlation: number;
  /** Degrees of freedom of the shocks, an integer > 2 (χ² drawn as a sum of squares); null = Gaussian. */
  readonly tailDof: number | null;
  readonly seed: number;
}

/** Day number of 2020-01-01, where synthetic histories start. */
export const SYNTHETIC_START_DAY = 18_262;

/** A two-market panel whose daily simple returns are σ/√365 · T, T multivariate t(ν) as in the model. */
export function syntheticPanel(spec: SyntheticSpec): PricePanel {
  const normal = normalSource(Xoshiro128.fromSeed(spec.seed));
  const chiNormal = normalSource(Xoshiro128.fromSeed(spec.seed + 1));
  const chiSquare = (nu: number) =>
    Array.from({ length: nu }, () => chiNormal() ** 2).reduce((a, b) => a + b, 0);
  const daily = spec.annualVol / Math.sqrt(365);
  const rho = spec.correlation;
  const closes: number[][] = [[100], [100]];
  for (let t = 1; t < spec.days; t++) {
    const z1 = normal();
    const z2 = rho * z1 + Math.sqrt(1 - rho * rho) * normal();
    const nu = spec.tailDof;
    const scale = nu === null ? 1 : Math.sqrt((nu - 2) / chiSquare(nu));
    [z1, z2].forEach((z, m) => {
      const row = closes[m] as number[];
      const r = Math.max(daily * z * scale, -0.99);
      row.push((row[t - 1] ?? 100) * (1 + r));
    });
  }
  return {
    marketIds: ['BTC-PERP', 'ETH-PERP'],
    days: Array.from({ length: spec.days }, (_, t) => SYNTHETIC_START_DAY + t),
    closes,
  };
}
