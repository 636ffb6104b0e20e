/**
 * The model's data contracts (DESIGN.md §3.2, §3.3): the MarketSnapshot it reads and the
 * ReserveResult it returns. Pure zod; no I/O. Every rule that the engine relies on (shares sum to
 * one, a square symmetric correlation with unit diagonal, known market ids in stress shocks…) is
 * checked here so that the engine can trust its input.
 */
import { z } from 'zod';

/** Tolerance on the sum of leverage shares (DESIGN.md §3.2). */
export const SHARE_SUM_TOLERANCE = 1e-9;
/** Tolerance on correlation symmetry and unit diagonal. */
export const CORRELATION_TOLERANCE = 1e-9;
/** Current snapshot schema version. */
export const SNAPSHOT_SCHEMA_VERSION = 1;

const positive = z.number().finite().gt(0);
const nonNegative = z.number().finite().gte(0);
const isoTimestamp = z.iso.datetime({ offset: true });

/** One leverage bucket: `margin` = distance to bankruptcy as a fraction of notional; `share` of OI. */
export const LeverageBucketSchema = z.strictObject({
  margin: z.number().finite().gt(0).lte(1),
  share: z.number().finite().gte(0).lte(1),
});

/** Where a market's numbers came from; recorded by recalibration, ignored by the model. */
export const MarketProvenanceSchema = z.looseObject({
  venue: z.string().optional(),
  symbol: z.string().optional(),
  volSource: z.string().optional(),
  volFloorBound: z.boolean().optional(),
  realizedVol: z.number().optional(),
  stale: z.boolean().optional(),
  staleSince: z.string().optional(),
  flags: z.array(z.string()).optional(),
});

/** One market of the snapshot. `openInterestUsd` is ONE side (longs = shorts = OI). */
export const SnapshotMarketSchema = z.strictObject({
  id: z.string().min(1),
  priceUsd: positive,
  openInterestUsd: nonNegative,
  dailyVolumeUsd: positive,
  /** Annualised implied volatility as a decimal (0.45 = 45%). */
  impliedVol: z.number().finite().gt(0).lte(10),
  maintenanceMargin: z.number().finite().gte(0).lt(1),
  leverageProfile: z
    .array(LeverageBucketSchema)
    .min(1)
    .superRefine((buckets, ctx) => {
      const sum = buckets.reduce((acc, b) => acc + b.share, 0);
      if (Math.abs(sum - 1) > SHARE_SUM_TOLERANCE) {
        ctx.addIssue({
          code: 'custom',
          message: `shares must sum to 1, got ${sum}`,
          input: sum,
        });
      }
    }),
  provenance: MarketProvenanceSchema.optional(),
});

/** A deterministic stress scenario: simple returns over the window per market, `"*"` for the rest. */
export const StressScenarioSchema = z.strictObject({
  name: z.string().min(1),
  shocks: z.record(z.string(), z.number().finite().gte(-1)),
  /** Scales daily volume in the impact term: 0.02 = depth down 98%. */
  liquidityFactor: z.number().finite().gt(0).lte(1),
});

/**
 * One large account for cover-2 (EMIR-style "default of the two largest members"): a position of
 * `notionalUsd` on `side` of `marketId`, whose bankruptcy price is `margin` (fraction of notional)
 * away from the current price.
 */
export const LargeAccountSchema = z.strictObject({
  id: z.string().min(1),
  marketId: z.string().min(1),
  side: z.enum(['long', 'short']),
  notionalUsd: nonNegative,
  margin: z.number().finite().gt(0).lte(1),
});

/** Coverage thresholds that turn a coverage ratio into a status (DESIGN.md §7). */
export const CoverageThresholdsSchema = z
  .strictObject({
    warnBelow: positive,
    breachBelow: positive,
  })
  .refine((t) => t.breachBelow <= t.warnBelow, {
    message: 'breachBelow must not exceed warnBelow',
  });

/** The model parameters carried by every snapshot (DESIGN.md §3.2, §4). */
export const ModelParamsSchema = z.strictObject({
  /** Liquidation window h in hours. */
  horizonHours: positive,
  /** Tail confidence α of VaR/ES, in (0, 1). */
  confidence: z.number().finite().gt(0).lt(1),
  /** Student-t degrees of freedom ν (> 2, real); null = Gaussian shocks. */
  tailDof: z.number().finite().gt(2).nullable(),
  paths: z.number().int().gte(100).lte(50_000_000),
  seed: z.number().int().gte(0).lte(Number.MAX_SAFE_INTEGER),
  impactCoefficient: nonNegative,
  /** Anti-procyclical buffer on the requirement (0.25 = +25%). */
  buffer: nonNegative,
  stressScenarios: z.array(StressScenarioSchema),
  largestAccounts: z.array(LargeAccountSchema).optional(),
  /** Coverage above which surplus may be released, keeping `releaseMultiple` × required. Default 1.5. */
  releaseMultiple: z.number().finite().gte(1).optional(),
  /** Status thresholds; default warnBelow 1, breachBelow 1 / (1 + buffer). */
  thresholds: CoverageThresholdsSchema.optional(),
});

/** Data quality of a recalibrated snapshot (absent on hand-written snapshots = OK). */
export const DataQualitySchema = z.strictObject({
  degraded: z.boolean(),
  flags: z.array(z.strictObject({ marketId: z.string().optional(), code: z.string(), detail: z.string() })),
});

/** The model's whole input (DESIGN.md §3.2). */
export const MarketSnapshotSchema = z
  .strictObject({
    schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION),
    fundId: z.string().min(1),
    asOf: isoTimestamp,
    /** Fund balance in USD; null when no balance source answered (status UNKNOWN, never zero). */
    fundBalanceUsd: nonNegative.nullable(),
    markets: z.array(SnapshotMarketSchema).min(1),
    correlation: z.array(z.array(z.number().finite().gte(-1).lte(1))),
    model: ModelParamsSchema,
    dataQuality: DataQualitySchema.optional(),
  })
  .superRefine(checkSnapshotConsistency);

function checkSnapshotConsistency(
  s: { markets: { id: string }[]; correlation: number[][]; model: z.infer<typeof ModelParamsSchema> },
  ctx: z.RefinementCtx,
): void {
  const ids = new Set<string>();
  s.markets.forEach((m, i) => {
    if (ids.has(m.id)) {
      ctx.addIssue({
        code: 'custom',
        path: ['markets', i, 'id'],
        message: `duplicate market id`,
        input: m.id,
      });
    }
    ids.add(m.id);
  });
  const n = s.markets.length;
  if (s.correlation.length !== n) {
    ctx.addIssue({
      code: 'custom',
      path: ['correlation'],
      message: `must be ${n}x${n} (one row per market), got ${s.correlation.length} rows`,
      input: s.correlation.length,
    });
    return;
  }
  for (let i = 0; i < n; i++) {
    const row = s.correlation[i] ?? [];
    if (row.length !== n) {
      ctx.addIssue({
        code: 'custom',
        path: ['correlation', i],
        message: `must have ${n} entries (square matrix), got ${row.length}`,
        input: row.length,
      });
      return;
    }
  }
  for (let i = 0; i < n; i++) {
    const diag = s.correlation[i]?.[i] ?? Number.NaN;
    if (Math.abs(diag - 1) > CORRELATION_TOLERANCE) {
      ctx.addIssue({
        code: 'custom',
        path: ['correlation', i, i],
        message: 'diagonal must be 1',
        input: diag,
      });
    }
    for (let j = i + 1; j < n; j++) {
      const a = s.correlation[i]?.[j] ?? Number.NaN;
      const b = s.correlation[j]?.[i] ?? Number.NaN;
      if (Math.abs(a - b) > CORRELATION_TOLERANCE) {
        ctx.addIssue({
          code: 'custom',
          path: ['correlation', i, j],
          message: `must be symmetric: [${i}][${j}]=${a} but [${j}][${i}]=${b}`,
          input: a,
        });
      }
    }
  }
  s.model.stressScenarios.forEach((sc, k) => {
    for (const id of Object.keys(sc.shocks)) {
      if (id !== '*' && !ids.has(id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['model', 'stressScenarios', k, 'shocks', id],
          message: `unknown market id, got ${JSON.stringify(id)}`,
          input: id,
        });
      }
    }
  });
  (s.model.largestAccounts ?? []).forEach((a, k) => {
    if (!ids.has(a.marketId)) {
      ctx.addIssue({
        code: 'custom',
        path: ['model', 'largestAccounts', k, 'marketId'],
        message: `unknown market id, got ${JSON.stringify(a.marketId)}`,
        input: a.marketId,
      });
    }
  });
}

/** Run status. OK/WARN/BREACH from coverage; DEGRADED (data) and UNKNOWN (no balance). */
export const RunStatusSchema = z.enum(['OK', 'WARN', 'BREACH', 'DEGRADED', 'UNKNOWN']);

/** The model's output (DESIGN.md §3.3). `backstop reserve --json` prints exactly this. */
export const ReserveResultSchema = z.strictObject({
  fundId: z.string(),
  asOf: isoTimestamp,
  modelVersion: z.string(),
  fundBalanceUsd: nonNegative.nullable(),
  requiredReserveUsd: nonNegative,
  /** balance / required; null when the balance is unknown or the requirement is zero. */
  coverageRatio: nonNegative.nullable(),
  /** Status from coverage alone (OK/WARN/BREACH), or UNKNOWN without a balance. */
  coverageStatus: RunStatusSchema,
  /** Overall status: DEGRADED when the snapshot's data quality is degraded, else `coverageStatus`. */
  status: RunStatusSchema,
  monteCarlo: z.strictObject({
    paths: z.number().int(),
    seed: z.number().int(),
    confidence: z.number(),
    tailDof: z.number().nullable(),
    varUsd: nonNegative,
    esUsd: nonNegative,
    esStdErrorUsd: nonNegative,
    tailCount: z.number().int(),
    seconds: nonNegative,
  }),
  stress: z.array(
    z.strictObject({
      name: z.string(),
      lossUsd: nonNegative,
      liquidityFactor: z.number(),
      byMarket: z.record(z.string(), nonNegative),
    }),
  ),
  cover2Usd: nonNegative.nullable(),
  byMarket: z.array(
    z.strictObject({
      id: z.string(),
      esContributionUsd: nonNegative,
      worstStressLossUsd: nonNegative,
    }),
  ),
  /** Which term set the requirement. */
  binding: z.enum(['expectedShortfall', 'stress', 'cover2']),
  recommendation: z.strictObject({
    shortfallUsd: nonNegative,
    /** Insurance-fee rate, in bps of 30 days' volume, that closes the shortfall; null if none. */
    feeBpsToCloseIn30Days: nonNegative.nullable(),
    /** Surplus above `releaseMultiple` × required that could be released (0 if none). */
    releasableUsd: nonNegative,
  }),
  warnings: z.array(z.string()),
});

export type LeverageBucket = z.infer<typeof LeverageBucketSchema>;
export type StressScenario = z.infer<typeof StressScenarioSchema>;
export type LargeAccount = z.infer<typeof LargeAccountSchema>;
export type ModelParams = z.infer<typeof ModelParamsSchema>;
export type SnapshotMarket = z.infer<typeof SnapshotMarketSchema>;
export type MarketSnapshot = z.infer<typeof MarketSnapshotSchema>;
export type DataQuality = z.infer<typeof DataQualitySchema>;
export type RunStatus = z.infer<typeof RunStatusSchema>;
export type ReserveResult = z.infer<typeof ReserveResultSchema>;
