/**
 * The model's data contracts (docs/MODEL.md §10): the MarketSnapshot it reads and the
 * ReserveResult it returns. Pure zod; no I/O. Every rule that the engine relies on (shares sum to
 * one, a square symmetric correlation with unit diagonal, known market ids in stress shocks…) is
 * checked here so that the engine can trust its input.
 */
import { z } from 'zod';
import { PolicyParamsSchema, PolicyResultSchema } from './policy-schema.ts';

/** Tolerance on the sum of leverage shares (docs/MODEL.md §2). */
export const SHARE_SUM_TOLERANCE = 1e-9;
/** Tolerance on correlation symmetry and unit diagonal. */
export const CORRELATION_TOLERANCE = 1e-9;
/** Snapshot schema version written by `backstop run`: 2 = the path engine by default. */
export const SNAPSHOT_SCHEMA_VERSION = 2;
/** Versions the model reads: 1 (gap engine, v1 numbers unchanged) and 2 (path engine by default). */
export const SchemaVersionSchema = z.union([z.literal(1), z.literal(2)]);
/** Relative tolerance on a fund composition summing to the fund balance. */
export const COMPOSITION_SUM_TOLERANCE = 1e-6;

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

const leverageProfileSchema = z
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
  });

/**
 * Resting size of the order book within `distance` (fraction of mid, 0.01 = 1%) on each side, USD.
 * Cumulative: a point at 2% includes what rests within 1%.
 */
export const DepthPointSchema = z.strictObject({
  distance: z.number().finite().gt(0).lte(1),
  bidUsd: nonNegative,
  askUsd: nonNegative,
});

/** A depth curve: distances strictly increasing, sizes non-decreasing with distance. */
export const DepthCurveSchema = z
  .array(DepthPointSchema)
  .min(1)
  .superRefine((points, ctx) => {
    for (let i = 1; i < points.length; i++) {
      const prev = points[i - 1]!;
      const cur = points[i]!;
      if (!(cur.distance > prev.distance)) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'distance'],
          message: `distances must increase, got ${cur.distance} after ${prev.distance}`,
          input: cur.distance,
        });
      }
      for (const side of ['bidUsd', 'askUsd'] as const) {
        if (cur[side] < prev[side]) {
          ctx.addIssue({
            code: 'custom',
            path: [i, side],
            message: `resting size must not decrease with distance, got ${cur[side]} after ${prev[side]}`,
            input: cur[side],
          });
        }
      }
    }
  });

/**
 * What the fund keeps when a position is closed before its bankruptcy price: the whole remaining
 * margin (`"remainder"`, the CEX default) or at most a liquidation fee `{feeRate}` of notional.
 */
export const LiquidationIncomeSchema = z.union([
  z.literal('remainder'),
  z.strictObject({ feeRate: z.number().finite().gte(0).lt(1) }),
]);

/** One market of the snapshot. `openInterestUsd` is ONE side (longs = shorts = OI). */
export const SnapshotMarketSchema = z.strictObject({
  id: z.string().min(1),
  priceUsd: positive,
  openInterestUsd: nonNegative,
  dailyVolumeUsd: positive,
  /** Annualised implied volatility as a decimal (0.45 = 45%). */
  impliedVol: z.number().finite().gt(0).lte(10),
  maintenanceMargin: z.number().finite().gte(0).lt(1),
  /** Distance-to-bankruptcy distribution of the longs (and of the shorts without `leverageProfileShort`). */
  leverageProfile: leverageProfileSchema,
  /** v2: the shorts' own distribution; default the same as `leverageProfile`. */
  leverageProfileShort: leverageProfileSchema.optional(),
  /** v2: the venue's maximum leverage; no position sits closer than 1/maxLeverage to bankruptcy. */
  maxLeverage: z.number().finite().gte(1).lte(1000).optional(),
  /** v2: order-book depth; without it execution slippage follows the square-root law. */
  depthUsd: DepthCurveSchema.optional(),
  /** v2: what the fund keeps on a liquidation closed above bankruptcy; default `"remainder"`. */
  liquidationIncome: LiquidationIncomeSchema.optional(),
  /** v2: loading on the common jump and on the fund's first market for `"*"` paths; default 1. */
  beta: z.number().finite().gte(-10).lte(10).optional(),
  provenance: MarketProvenanceSchema.optional(),
});

/** v2: one asset the fund holds; without `priceMarketId` it is a stablecoin worth its USD amount. */
export const FundAssetSchema = z.strictObject({
  asset: z.string().min(1),
  amountUsd: nonNegative,
  /** The market whose price revalues this asset along a path (a fund held in BTC). */
  priceMarketId: z.string().min(1).optional(),
});

/** Longest stress path: 31 days, in minutes. */
const MAX_PATH_MINUTES = 60 * 24 * 31;

/** Cumulative simple returns at one minute of a path, per market id, `"*"` for the rest. */
const pathReturnsSchema = z.record(z.string(), z.number().finite().gt(-1).lte(100));

/**
 * v2: a price path, `[[minute, {marketId | "*": cumulative simple return}], …]`. Minutes start at 0
 * and increase strictly; the window is the last minute.
 */
export const PricePathSchema = z
  .array(z.tuple([z.number().int().gte(0).lte(MAX_PATH_MINUTES), pathReturnsSchema]))
  .min(1)
  .superRefine((points, ctx) => {
    if (points[0]![0] !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: [0, 0],
        message: `a path starts at minute 0, got ${points[0]![0]}`,
        input: points[0]![0],
      });
    }
    for (let i = 1; i < points.length; i++) {
      if (!(points[i]![0] > points[i - 1]![0])) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 0],
          message: `minutes must increase, got ${points[i]![0]} after ${points[i - 1]![0]}`,
          input: points[i]![0],
        });
      }
    }
  });

/**
 * A deterministic stress scenario: either v1 `shocks` (simple returns over the window per market,
 * `"*"` for the rest: a path of one step) or a v2 `path`; exactly one of the two.
 */
export const StressScenarioSchema = z
  .strictObject({
    name: z.string().min(1),
    shocks: z.record(z.string(), z.number().finite().gte(-1)).optional(),
    path: PricePathSchema.optional(),
    /** Scales depth and volume in execution: 0.02 = depth down 98%. */
    liquidityFactor: z.number().finite().gt(0).lte(1),
    /** Where the scenario came from (recorded candles, reported facts), for the reader. */
    source: z.string().optional(),
    /**
     * v2: minutes of path points reached by a gap from the previous point (an outage, a jump):
     * positions the gap triggers fill only after it. Other moves are continuous.
     */
    gaps: z.array(z.number().int().gte(0)).optional(),
    /**
     * v2: the path is a recorded (or reported) market path, so its moves already include the
     * liquidations' own price impact: the engine adds no permanent impact on top. Default false.
     */
    recorded: z.boolean().optional(),
  })
  .superRefine((sc, ctx) => {
    if ((sc.shocks === undefined) === (sc.path === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['shocks'],
        message: 'a scenario has exactly one of shocks and path',
        input: sc.shocks,
      });
    }
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

/** Coverage thresholds that turn a coverage ratio into a status (docs/ALERTS.md). */
export const CoverageThresholdsSchema = z
  .strictObject({
    warnBelow: positive,
    breachBelow: positive,
  })
  .refine((t) => t.breachBelow <= t.warnBelow, {
    message: 'breachBelow must not exceed warnBelow',
  });

/** v2: the liquidation engine of the path engine. */
export const LiquidationParamsSchema = z.strictObject({
  /** Most notional the engine closes per minute, as a multiple of the market's per-minute volume × λ. */
  throughputMultiple: nonNegative,
  /** Share of each step's execution slippage that moves the mid for the rest of the window. */
  permanentImpactShare: z.number().finite().gte(0).lte(1),
  /** Monte Carlo liquidity λ = min(1, s^−κ) for the scenario's vol regime s (κ ≥ 0). */
  liquidityVolElasticity: nonNegative.optional(),
  /** Throughput scales with λ^a: a = 1 as depth does, a = 0 not at all (crash volume rises). */
  throughputLiquidityExponent: z.number().finite().gte(0).lte(1).optional(),
  /** ADL when the fund's takeover inventory exceeds this multiple of its balance (null: only on exhaustion). */
  adl: z.strictObject({ inventoryCapMultiple: positive.nullable() }).optional(),
});

/** v2: the path dynamics: a per-scenario vol regime (the t mixing) plus common jumps. */
export const PathDynamicsSchema = z.strictObject({
  /** Expected common jumps per day. */
  jumpRatePerDay: nonNegative,
  /** Mean absolute log-return of a jump of the fund's first market (double-exponential sizes). */
  jumpMeanSize: z.number().finite().gt(0).lt(2),
  /** Probability that a jump is down. */
  jumpDownShare: z.number().finite().gte(0).lte(1),
});

/** v2: the Monte Carlo's precision target; the engine adds paths until it is met or `maxPaths`. */
export const PrecisionSchema = z.strictObject({
  targetRelativeStdError: z.number().finite().gt(0).lt(1),
  maxPaths: z.number().int().gte(1000).lte(50_000_000),
});

/** The model parameters carried by every snapshot (docs/MODEL.md §6). */
export const ModelParamsSchema = z.strictObject({
  /** Liquidation window h in hours. */
  horizonHours: positive,
  /** Tail confidence α of VaR/ES, in (0, 1). */
  confidence: z.number().finite().gt(0).lt(1),
  /** Student-t degrees of freedom ν (> 2, real); null = Gaussian shocks. */
  tailDof: z.number().finite().gt(2).nullable(),
  /** Paths of the Monte Carlo; required in v1, optional in v2 (the precision target decides). */
  paths: z.number().int().gte(100).lte(50_000_000).optional(),
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
  /** v2: the loss engine; default `"gap"` for schemaVersion 1, `"path"` for 2. */
  engine: z.enum(['path', 'gap']).optional(),
  /** v2: Monte Carlo window of the path engine, hours. */
  windowHours: z.number().finite().gt(0).lte(168).optional(),
  /** v2: step of the path engine, minutes. */
  stepMinutes: z.number().int().gte(1).lte(240).optional(),
  liquidation: LiquidationParamsSchema.optional(),
  pathDynamics: PathDynamicsSchema.optional(),
  precision: PrecisionSchema.optional(),
  /** v2: liquidity factors of the reverse stress test's grid. */
  reverseStressLiquidity: z.array(z.number().finite().gt(0).lte(1)).min(1).max(8).optional(),
  /**
   * v2: how the path engine draws correlated moves: `"dense"` (default; the Cholesky product, n² per
   * step) or `"factor"` (k factors of the correlation plus idiosyncratic terms, n·k; large funds).
   */
  correlationModel: z.enum(['dense', 'factor']).optional(),
  /** v2: factors k of the factor model; default √n rounded. */
  factors: z.number().int().gte(1).lte(64).optional(),
  /** Policy floors and non-market add-ons applied after the engine (lambda/model/policy.ts). */
  policy: PolicyParamsSchema.optional(),
});

/** Data quality of a recalibrated snapshot (absent on hand-written snapshots = OK). */
export const DataQualitySchema = z.strictObject({
  degraded: z.boolean(),
  flags: z.array(z.strictObject({ marketId: z.string().optional(), code: z.string(), detail: z.string() })),
});

/** The model's whole input (docs/MODEL.md §2). */
export const MarketSnapshotSchema = z
  .strictObject({
    schemaVersion: SchemaVersionSchema,
    fundId: z.string().min(1),
    asOf: isoTimestamp,
    /** Fund balance in USD; null when no balance source answered (status UNKNOWN, never zero). */
    fundBalanceUsd: nonNegative.nullable(),
    /** v2: what the balance is held in; default all stable. Sums to `fundBalanceUsd`. */
    fundComposition: z.array(FundAssetSchema).min(1).optional(),
    markets: z.array(SnapshotMarketSchema).min(1),
    correlation: z.array(z.array(z.number().finite().gte(-1).lte(1))),
    model: ModelParamsSchema,
    dataQuality: DataQualitySchema.optional(),
  })
  .superRefine(checkSnapshotConsistency);

interface ConsistencyInput {
  schemaVersion: 1 | 2;
  fundBalanceUsd: number | null;
  fundComposition?: z.infer<typeof FundAssetSchema>[] | undefined;
  markets: z.infer<typeof SnapshotMarketSchema>[];
  correlation: number[][];
  model: z.infer<typeof ModelParamsSchema>;
}

function checkSnapshotConsistency(s: ConsistencyInput, ctx: z.RefinementCtx): void {
  checkVersionRules(s, ctx);
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
    for (const id of Object.keys(sc.shocks ?? {})) {
      if (id !== '*' && !ids.has(id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['model', 'stressScenarios', k, 'shocks', id],
          message: `unknown market id, got ${JSON.stringify(id)}`,
          input: id,
        });
      }
    }
    (sc.path ?? []).forEach(([, returns], p) => {
      for (const id of Object.keys(returns)) {
        if (id !== '*' && !ids.has(id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['model', 'stressScenarios', k, 'path', p, 1, id],
            message: `unknown market id, got ${JSON.stringify(id)}`,
            input: id,
          });
        }
      }
    });
  });
  (s.fundComposition ?? []).forEach((a, k) => {
    if (a.priceMarketId !== undefined && !ids.has(a.priceMarketId)) {
      ctx.addIssue({
        code: 'custom',
        path: ['fundComposition', k, 'priceMarketId'],
        message: `unknown market id, got ${JSON.stringify(a.priceMarketId)}`,
        input: a.priceMarketId,
      });
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

/**
 * The rules that depend on the schema version: v1 needs `paths`; v2 refuses a leverage bucket at or
 * below the maintenance margin (such a position is already being liquidated) and a fund composition
 * that does not sum to the balance.
 */
function checkVersionRules(s: ConsistencyInput, ctx: z.RefinementCtx): void {
  if (s.schemaVersion === 1) {
    if (s.model.paths === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['model', 'paths'],
        message: 'required for schemaVersion 1',
        input: undefined,
      });
    }
    return;
  }
  s.markets.forEach((m, i) => {
    for (const key of ['leverageProfile', 'leverageProfileShort'] as const) {
      (m[key] ?? []).forEach((b, j) => {
        if (b.margin <= m.maintenanceMargin) {
          ctx.addIssue({
            code: 'custom',
            path: ['markets', i, key, j, 'margin'],
            message: `must exceed the maintenance margin ${m.maintenanceMargin} (a position at or below it is already being liquidated), got ${b.margin}`,
            input: b.margin,
          });
        }
      });
    }
  });
  if (s.fundComposition !== undefined) {
    const sum = s.fundComposition.reduce((acc, a) => acc + a.amountUsd, 0);
    const balance = s.fundBalanceUsd;
    if (balance === null || Math.abs(sum - balance) > COMPOSITION_SUM_TOLERANCE * Math.max(1, balance)) {
      ctx.addIssue({
        code: 'custom',
        path: ['fundComposition'],
        message: `amounts must sum to fundBalanceUsd ${balance}, got ${sum}`,
        input: sum,
      });
    }
  }
}

/** Run status. OK/WARN/BREACH from coverage; DEGRADED (data) and UNKNOWN (no balance). */
export const RunStatusSchema = z.enum(['OK', 'WARN', 'BREACH', 'DEGRADED', 'UNKNOWN']);

const finite = z.number().finite();

/** v2: what one deterministic replay of a path did to the fund (USD; losses positive). */
export const PathOutcomeSchema = z.strictObject({
  badDebtUsd: nonNegative,
  liquidationIncomeUsd: nonNegative,
  /** Bad debt − income; negative = the fund grew. */
  netFundLossUsd: finite,
  /** The balance revalued along the path minus the net loss, floored at 0; null without a balance. */
  fundAfterUsd: nonNegative.nullable(),
  /** Bad debt the fund could not absorb (socialised by auto-deleveraging). */
  adlLossUsd: nonNegative,
  /** Notional closed against the winning side by auto-deleveraging. */
  adlNotionalUsd: nonNegative,
  liquidatedNotionalUsd: nonNegative,
});

/** v2: the reverse stress test of one scenario at one liquidity factor (docs/MODEL.md §5). */
export const ReverseStressSchema = z.strictObject({
  scenario: z.string(),
  liquidityFactor: z.number(),
  /** Smallest multiple of the scenario's path that exhausts the effective balance; null if none up to `maxScale`. */
  scale: finite.gte(0).nullable(),
  maxScale: positive,
});

/**
 * The model's output (docs/MODEL.md §10). `backstop reserve --json` prints exactly this. The v2
 * fields are absent on results of schemaVersion 1 snapshots, so stored v1 runs replay unchanged.
 */
export const ReserveResultSchema = z.strictObject({
  fundId: z.string(),
  asOf: isoTimestamp,
  modelVersion: z.string(),
  /** v2: the loss engine that produced the numbers. */
  engine: z.enum(['path', 'gap']).optional(),
  fundBalanceUsd: nonNegative.nullable(),
  requiredReserveUsd: nonNegative,
  /** balance / required (v2: effective balance / required); null when unknown or nothing is required. */
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
    /** Losses are net fund losses: in v2 a tail may be a gain (negative). */
    varUsd: finite,
    esUsd: finite,
    esStdErrorUsd: nonNegative,
    tailCount: z.number().int(),
    seconds: nonNegative,
  }),
  stress: z.array(
    z.strictObject({
      name: z.string(),
      /** Net fund loss of the scenario (v2: negative when the fund grew). */
      lossUsd: finite,
      liquidityFactor: z.number(),
      byMarket: z.record(z.string(), finite),
      /** v2: the replay's split. */
      outcome: PathOutcomeSchema.optional(),
    }),
  ),
  cover2Usd: nonNegative.nullable(),
  byMarket: z.array(
    z.strictObject({
      id: z.string(),
      esContributionUsd: finite,
      worstStressLossUsd: finite,
    }),
  ),
  /** Which term set the requirement: a model term, or the policy floor (`model.policy`). */
  binding: z.enum(['expectedShortfall', 'stress', 'cover2', 'floor']),
  recommendation: z.strictObject({
    shortfallUsd: nonNegative,
    /** Insurance-fee rate, in bps of 30 days' volume, that closes the shortfall; null if none. */
    feeBpsToCloseIn30Days: nonNegative.nullable(),
    /** Surplus above `releaseMultiple` × required that could be released (0 if none). */
    releasableUsd: nonNegative,
  }),
  /** v2: mean over the Monte Carlo tail scenarios of bad debt, liquidation income and net loss. */
  lossBreakdown: z
    .strictObject({ badDebtUsd: nonNegative, liquidationIncomeUsd: nonNegative, netLossUsd: finite })
    .optional(),
  /** v2: the balance after its own tail-scenario revaluation; coverage uses it. */
  effectiveBalanceUsd: nonNegative.nullable().optional(),
  /** v2: P(the fund is exhausted within the window) at the current balance. */
  exhaustionProbability: z.number().gte(0).lte(1).nullable().optional(),
  /** v2: P(auto-deleveraging within the window) and the expected ADL notional given ADL. */
  adl: z
    .strictObject({ probability: z.number().gte(0).lte(1).nullable(), expectedNotionalUsd: nonNegative })
    .optional(),
  reverseStress: z.array(ReverseStressSchema).optional(),
  /** v2: the v1 gap model's requirement on the same book: a conservative upper bound. */
  conservativeBoundUsd: nonNegative.optional(),
  /** What the snapshot's policy (floors, non-market add-ons) did to the requirement; absent without one. */
  policy: PolicyResultSchema.optional(),
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
export type DepthPoint = z.infer<typeof DepthPointSchema>;
export type FundAsset = z.infer<typeof FundAssetSchema>;
export type LiquidationIncome = z.infer<typeof LiquidationIncomeSchema>;
export type LiquidationParams = z.infer<typeof LiquidationParamsSchema>;
export type PathDynamics = z.infer<typeof PathDynamicsSchema>;
export type PricePath = z.infer<typeof PricePathSchema>;
export type PathOutcome = z.infer<typeof PathOutcomeSchema>;
export type ReverseStress = z.infer<typeof ReverseStressSchema>;
