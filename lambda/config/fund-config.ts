/**
 * FundConfig (docs/CONFIG.md): one JSON file per fund under config/funds/. The job, the CLI and the
 * CDK app all validate it with this one schema; config/fund-config.schema.json is generated from it.
 */
import { z } from 'zod';
import { urlProblem } from '../ingest/http/safe-url.ts';
import { DEFAULT_PLAUSIBILITY } from '../ingest/recalibrate/plausibility.ts';
import { MAX_IMPLIED_VOL, MAX_PRICE_USD } from '../ingest/recalibrate/sanity.ts';
import { OPTIONS_VENUES, POOL_VENUES, VENUE_APIS, VENUE_NAMES, VENUES } from '../ingest/venues/registry.ts';
import {
  CoverageThresholdsSchema,
  LargeAccountSchema,
  LeverageBucketSchema,
  LiquidationIncomeSchema,
  LiquidationParamsSchema,
  PathDynamicsSchema,
  PrecisionSchema,
  SHARE_SUM_TOLERANCE,
  StressScenarioSchema,
} from '../model/schemas.ts';
import { AlertChannelsSchema, alertChannelIssues } from './alert-channels.ts';
import { fundPolicySchema } from './fund-policy.ts';
import { SecretRefSchema, secretInUrl } from './secret-ref.ts';
import { LIBRARY_SCENARIO_NAMES } from './stress-library.ts';

/**
 * Largest USD amount a fund config may state (a balance, an account's notional): 10 trillion, far
 * above any fund, so every number is bounded when the config is read and nothing fails at persist.
 */
export const MAX_FUND_USD = 1e13;
/** Longest liquidation window, in hours (a week). */
export const MAX_HORIZON_HOURS = 168;

/** Venues with an adapter (from the venue registry). */
export const VenueSchema = z.enum(VENUE_NAMES);
/** Venues whose adapter reads options chains (an `atm-options` vol source). */
export const OptionsVenueSchema = z.enum(OPTIONS_VENUES);
/** Venues with a public insurance fund (a `venue-pool` balance source). */
export const PoolVenueSchema = z.enum(POOL_VENUES);
/** Venue APIs whose base URL a config may override (Binance options have their own host). */
export const VenueApiSchema = z.enum(VENUE_APIS);

/**
 * One implied-vol source in a market's fallback chain. `dvol` = Deribit's DVOL index;
 * `atm-options` = 30-day ATM IV from a venue's options chain; `realized` = EWMA of daily returns.
 */
export const VolSourceSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('dvol'), currency: z.string().min(1) }),
  z.strictObject({
    type: z.literal('atm-options'),
    venue: OptionsVenueSchema,
    /** Underlying as the venue names it: `BTC` (Deribit currency, Bybit baseCoin), `BTC-USD` (OKX family). */
    underlying: z.string().min(1),
  }),
  z.strictObject({ type: z.literal('realized') }),
]);

/** One source of the fund's balance (every kind but `sum`). */
export const SingleBalanceSourceSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('static'), amountUsd: z.number().finite().gte(0).lte(MAX_FUND_USD) }),
  z.strictObject({
    type: z.literal('venue-pool'),
    venue: PoolVenueSchema,
    /**
     * Pools to sum: Binance/Bybit pool symbols, OKX instFamily values, Hyperliquid account
     * addresses (HLP vaults), dYdX module account addresses (the insurance fund).
     */
    pools: z.array(z.string().min(1)).min(1),
    /** Coins to include; all coins of the pools when absent. */
    coins: z.array(z.string().min(1)).optional(),
    /** A pool update older than this is flagged stale. */
    maxAgeHours: z.number().positive().default(36),
  }),
  z.strictObject({
    type: z.literal('ssm'),
    parameterName: z.string().min(1),
    region: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal('evm'),
    /** A JSON-RPC URL without credentials; one with an API key goes in `rpcUrlSecret`. */
    rpcUrl: z.url().optional(),
    /** Where the JSON-RPC URL is kept when it carries an API key, read at run time. */
    rpcUrlSecret: SecretRefSchema.optional(),
    address: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
    /** ERC-20 contract; the chain's native coin when absent. */
    token: z
      .string()
      .regex(/^0x[0-9a-fA-F]{40}$/)
      .optional(),
    /** Price of one token in USD: a fixed value (stablecoins) or a configured market's price. */
    price: z.union([
      z.strictObject({ fixedUsd: z.number().positive().lte(MAX_PRICE_USD) }),
      z.strictObject({ marketId: z.string().min(1) }),
    ]),
  }),
]);

/**
 * Where the fund's balance comes from: one source, or the `sum` of several (a fund backing two venues
 * whose insurance funds it counts together). Unavailable (any part of a sum) ⇒ status UNKNOWN, never
 * zero and never a partial sum.
 */
export const BalanceSourceSchema = z.discriminatedUnion('type', [
  ...SingleBalanceSourceSchema.options,
  z.strictObject({ type: z.literal('sum'), sources: z.array(SingleBalanceSourceSchema).min(2) }),
]);

/** One perpetual market the fund backs. */
/** A leverage profile: the model's rule, shares summing to 1, checked here so a run never fails on it. */
const LeverageProfileSchema = z
  .array(LeverageBucketSchema)
  .min(1)
  .superRefine((buckets, ctx) => {
    const sum = buckets.reduce((a, x) => a + x.share, 0);
    if (Math.abs(sum - 1) > SHARE_SUM_TOLERANCE)
      ctx.addIssue({ code: 'custom', message: `shares must sum to 1, got ${sum}`, input: sum });
  });

export const FundMarketSchema = z
  .strictObject({
    id: z.string().min(1),
    venue: VenueSchema,
    /** The venue's own instrument name: BTCUSDT, BTC-PERPETUAL, BTC-USDT-SWAP, BTC (Hyperliquid). */
    symbol: z.string().min(1),
    volSource: z.array(VolSourceSchema).min(1),
    /**
     * Maintenance margin (decimal). The value itself on venues whose tiers are not public (Binance,
     * Deribit); the fallback when a venue's tier endpoint does not answer (Bybit, OKX); not needed
     * where the market-data answer carries it (Hyperliquid, dYdX).
     */
    maintenanceMargin: z.number().gte(0).lt(1).optional(),
    /** Maximum leverage where the venue's tiers are not public; default: the registry's caps. */
    maxLeverage: z.number().gte(1).lte(1000).optional(),
    /** Position size whose tier sets the maintenance margin, USD (default 100,000). */
    typicalPositionUsd: z.number().positive().max(1e12).optional(),
    leverageProfile: LeverageProfileSchema.optional(),
    historyDays: z.number().int().min(10).max(1000).default(90),
    /** The coin whose stress-library column this market takes; default from the symbol (BTCUSDT → BTC). */
    underlying: z.string().min(1).optional(),
    /** Loading on the common jump and on the first market for `"*"` paths; default 1. */
    beta: z.number().gte(-10).lte(10).optional(),
    /** What the fund keeps on a liquidation above bankruptcy; default `"remainder"`. */
    liquidationIncome: LiquidationIncomeSchema.optional(),
    /** The shorts' own distance-to-bankruptcy distribution (then `leverageProfile` is the longs'). */
    leverageProfileShort: z
      .array(LeverageBucketSchema)
      .min(1)
      .refine((b) => Math.abs(b.reduce((a, x) => a + x.share, 0) - 1) <= SHARE_SUM_TOLERANCE, {
        message: 'shares must sum to 1',
      })
      .optional(),
  })
  .superRefine((m, ctx) => {
    const tiers = VENUES[m.venue].marginTiers;
    if (m.maintenanceMargin === undefined && tiers !== 'quote') {
      ctx.addIssue({
        code: 'custom',
        path: ['maintenanceMargin'],
        message:
          tiers === 'config'
            ? `required for venue ${m.venue} (its margin tiers are not public)`
            : `required for venue ${m.venue} (the fallback when its tier endpoint does not answer)`,
        input: undefined,
      });
    }
  });

/** A scenario of the shipped stress library, by name, optionally at another liquidity factor. */
export const LibraryReferenceSchema = z.strictObject({
  library: z.enum(LIBRARY_SCENARIO_NAMES as [string, ...string[]]),
  liquidityFactor: z.number().gt(0).lte(1).optional(),
});

/** What the fund's balance is held in, as shares of it (no price market = a stablecoin). */
export const FundCompositionSchema = z
  .array(
    z.strictObject({
      asset: z.string().min(1),
      share: z.number().gte(0).lte(1),
      priceMarketId: z.string().min(1).optional(),
    }),
  )
  .min(1)
  .refine((a) => Math.abs(a.reduce((acc, x) => acc + x.share, 0) - 1) <= SHARE_SUM_TOLERANCE, {
    message: 'shares must sum to 1',
  });

/**
 * How a fund's run executes on AWS: `"single"` (one Lambda), `"fan-out"` (a Step Functions state
 * machine: a Distributed Map of worker Lambdas over batches of paths) or `"auto"` (fan-out for
 * funds of more than 150 markets). Chosen at synth time; the result is the same either way.
 */
export const FundExecutionSchema = z.strictObject({
  mode: z.enum(['single', 'fan-out', 'auto']).default('auto'),
  /** Paths per worker Lambda invocation. */
  batchPaths: z.number().int().min(1024).max(1_048_576).default(16_384),
  /** Worker Lambdas at once. */
  maxConcurrency: z.number().int().min(1).max(1000).default(40),
});

/** `correlationModel: "auto"` uses the factor model for funds of more markets than this. */
export const DEFAULT_FACTOR_MODEL_ABOVE_MARKETS = 100;

/**
 * Default ν of the Student-t regime: the v1 daily backtest's calibration, and on the conservative side
 * of the path generator's fit to the hourly history (ν̂ 3.25, docs/VALIDATION.md "Path dynamics").
 */
export const DEFAULT_TAIL_DOF = 3;

/** Model parameters of a fund; the seed defaults to one derived from fundId + asOf. */
export const FundModelSchema = z.strictObject({
  /** Liquidation window in hours: 2 by calibration (docs/VALIDATION.md); the design proposed 1. */
  horizonHours: z.number().positive().max(MAX_HORIZON_HOURS).default(2),
  confidence: z.number().gt(0).lt(1).default(0.999),
  tailDof: z.number().gt(2).nullable().default(DEFAULT_TAIL_DOF),
  /** Monte Carlo paths; absent: the path engine meets its precision target, the gap engine runs 10⁶. */
  paths: z.number().int().min(100).max(50_000_000).optional(),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  impactCoefficient: z.number().min(0).max(100).default(1),
  buffer: z.number().min(0).max(10).default(0.25),
  /** Floor on any market's IV (decimal), on top of the realized-vol floor. */
  volFloor: z.number().gt(0).max(MAX_IMPLIED_VOL).default(0.2),
  /** Leverage profile for markets that do not override it. */
  defaultLeverageProfile: LeverageProfileSchema,
  /**
   * Stress scenarios: written out, or `{library: name}` for a scenario of the shipped library
   * (config/stress-library.json). Default: the whole library.
   */
  stressScenarios: z
    .array(z.union([StressScenarioSchema, LibraryReferenceSchema]))
    .default(() => LIBRARY_SCENARIO_NAMES.map((library) => ({ library }))),
  largestAccounts: z.array(LargeAccountSchema).optional(),
  releaseMultiple: z.number().min(1).max(100).default(1.5),
  /** The loss engine: the v2 path engine (default) or the v1 gap model. */
  engine: z.enum(['path', 'gap']).default('path'),
  /** Path engine: Monte Carlo window (hours) and step (minutes); defaults in docs/MODEL.md. */
  windowHours: z.number().gt(0).lte(168).optional(),
  stepMinutes: z.number().int().gte(1).lte(240).optional(),
  liquidation: LiquidationParamsSchema.optional(),
  pathDynamics: PathDynamicsSchema.optional(),
  precision: PrecisionSchema.optional(),
  reverseStressLiquidity: z.array(z.number().gt(0).lte(1)).min(1).max(8).optional(),
  /**
   * Path engine: the correlation as a dense Cholesky product or as k factors (docs/OPERATIONS.md,
   * "Sizing"); `"auto"` (default) takes the factor model above `factorModelAboveMarkets` markets.
   */
  correlationModel: z.enum(['auto', 'dense', 'factor']).default('auto'),
  factorModelAboveMarkets: z.number().int().min(1).default(DEFAULT_FACTOR_MODEL_ABOVE_MARKETS),
  /** Factors of the factor model; default √(markets) rounded. */
  factors: z.number().int().min(1).max(64).optional(),
});

// ─── Fund management (docs/MANAGEMENT.md): the outlook's inflow, the recommendation's targets and
// the GROWTH alert. Kept in one block (other parts of this file belong to other concerns), declared
// before the alert and fund schemas below that use it.

/** What flows into the fund on a calm day; when absent the outlook estimates it from stored history. */
export const OutlookInflowSchema = z.strictObject({
  /** The insurance fee the venue charges today, bps of traded volume, that goes to the fund. */
  insuranceFeeBps: z.number().min(0).max(1000).default(0),
  /** Liquidation income on a calm day (positions closed above bankruptcy), USD per day. */
  liquidationIncomeUsdPerDay: z.number().min(0).default(0),
});

/** Management settings of a fund: the one-year outlook and the recommendation's targets. */
export const FundManagementSchema = z.strictObject({
  /** Calm-day inflow; absent ⇒ estimated from the stored balance history when there is enough. */
  inflow: OutlookInflowSchema.optional(),
  /** Target P(fund exhausted within one year); the recommendation aims at it and the required reserve. */
  targetExhaustionProbability: z.number().gt(0).lt(1).default(0.01),
  /** A fee above this (bps of volume) is "not reachable by fees alone". */
  feeCeilingBps: z.number().gt(0).max(1000).default(10),
  /** Days within which the recommended fee must reach the required reserve. */
  feeHorizonDays: z.number().int().min(1).max(365).default(90),
  /** Simulated years of the outlook. */
  outlookPaths: z.number().int().min(1000).max(1_000_000).default(20_000),
  /** Crisis days per day; absent ⇒ the rate measured on the shipped BTC daily history. */
  crisisRatePerDay: z.number().min(0).max(1).optional(),
});

/** GROWTH alert: the fund's balance / total open interest fell by more than `fall` over `windowDays`. */
export const GrowthAlertSchema = z.strictObject({
  /** Relative fall of fund / OI that alerts (0.2 = the ratio lost a fifth). */
  fall: z.number().gt(0).lt(1).default(0.2),
  windowDays: z.number().int().min(1).max(365).default(30),
});

/** The GROWTH alert settings when a config has none. */
export const GROWTH_ALERT_DEFAULTS: z.output<typeof GrowthAlertSchema> = { fall: 0.2, windowDays: 30 };

export type GrowthAlert = z.output<typeof GrowthAlertSchema>;
export type FundManagement = z.output<typeof FundManagementSchema>;
export type OutlookInflow = z.output<typeof OutlookInflowSchema>;
// ─── end of fund management

/** Staleness handling when a venue does not answer, and where the venues are. */
export const FundDataSchema = z
  .strictObject({
    /** Use the last good observation if younger than this. */
    maxStaleMinutes: z.number().int().positive().max(10_080).default(120),
    /** Relative IV increase applied to a stale market (0.25 = IV × 1.25). */
    stalePenalty: z.number().min(0).max(10).default(0.25),
    /**
     * Per-venue-API base URL overrides (testnets, proxies); env vars override these. https only
     * (http to loopback), no credentials, no private or metadata host unless `allowPrivateNetwork`.
     */
    baseUrls: z.partialRecord(VenueApiSchema, z.string()).default({}),
    /** Admit private, link-local and metadata hosts in base URLs (a proxy inside your network). */
    allowPrivateNetwork: z.boolean().default(false),
    /** When open interest is implausible or falls too fast (docs/MARKET-DATA.md, plausibility). */
    plausibility: z
      .strictObject({
        maxOiDrop: z.number().gt(0).lt(1).default(DEFAULT_PLAUSIBILITY.maxOiDrop),
        minOiToVolume: z.number().min(0).max(10).default(DEFAULT_PLAUSIBILITY.minOiToVolume),
        minOiShareOfPeers: z.number().min(0).max(1).default(DEFAULT_PLAUSIBILITY.minOiShareOfPeers),
        confirmTolerance: z.number().gt(0).lt(1).default(DEFAULT_PLAUSIBILITY.confirmTolerance),
      })
      .default(DEFAULT_PLAUSIBILITY),
  })
  .superRefine((data, ctx) => {
    for (const [api, url] of Object.entries(data.baseUrls)) {
      const problem = urlProblem(url, { allowPrivateNetwork: data.allowPrivateNetwork });
      if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['baseUrls', api], message: problem });
    }
  });

/** `data` when a fund config leaves it out. */
const DEFAULT_DATA = {
  maxStaleMinutes: 120,
  stalePenalty: 0.25,
  baseUrls: {},
  allowPrivateNetwork: false,
  plausibility: DEFAULT_PLAUSIBILITY,
};

/** Alert policy settings (docs/ALERTS.md). */
export const FundAlertsSchema = z.strictObject({
  /**
   * Coverage thresholds. When absent, the fund config fills in warnBelow 1 and breachBelow
   * 1 / (1 + model.buffer) — the requirement without its buffer (0.8 at the default buffer 0.25).
   */
  thresholds: CoverageThresholdsSchema.optional(),
  /** Hysteresis: coverage must clear a threshold by this much (absolute ratio) to move back up. */
  hysteresis: z.number().min(0).max(0.5).default(0.02),
  reminderHours: z.number().positive().max(720).default(6),
  drawdown: z
    .strictObject({
      windowHours: z.number().positive().max(720).default(8),
      warn: z.number().gt(0).lt(1).default(0.1),
      breach: z.number().gt(0).lt(1).default(0.25),
    })
    .default({ windowHours: 8, warn: 0.1, breach: 0.25 }),
  /** GROWTH alert (fund / open interest falling while covered); defaults in {@link GROWTH_ALERT_DEFAULTS}. */
  growth: GrowthAlertSchema.optional(),
  /** PagerDuty, Telegram and webhook channels besides the topic (lambda/config/alert-channels.ts). */
  channels: AlertChannelsSchema.optional(),
});

/** How often the deployed job runs this fund (EventBridge Scheduler). */
export const FundScheduleSchema = z.strictObject({
  /** `rate(15 minutes)` or `cron(0/15 * * * ? *)`. */
  expression: z.string().regex(/^(rate|cron)\(.+\)$/, 'must be rate(...) or cron(...)'),
  timeZone: z.string().default('UTC'),
  /** Minutes between runs, for the "no successful run in two intervals" alarm. */
  intervalMinutes: z.number().int().positive().max(1440),
});

/** Who hears about it when deployed. */
export const FundNotificationsSchema = z.strictObject({
  emails: z.array(z.email()).default([]),
  slack: z.strictObject({ workspaceId: z.string().min(1), channelId: z.string().min(1) }).optional(),
});

/** A fund id: it names DynamoDB partitions, metrics and CDK resources. */
export const FundIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes');

/** A fund's whole configuration. */
export const FundConfigSchema = z
  .strictObject({
    /** The JSON Schema an editor checks the file with (config/fund-config.schema.json); ignored here. */
    $schema: z.string().optional(),
    fundId: FundIdSchema,
    description: z.string().default(''),
    balance: BalanceSourceSchema,
    /** What the balance is held in (shares); default all stable. */
    fundComposition: FundCompositionSchema.optional(),
    markets: z.array(FundMarketSchema).min(1).max(500),
    model: FundModelSchema,
    data: FundDataSchema.default(DEFAULT_DATA),
    alerts: FundAlertsSchema.default({
      hysteresis: 0.02,
      reminderHours: 6,
      drawdown: { windowHours: 8, warn: 0.1, breach: 0.25 },
    }),
    schedule: FundScheduleSchema.default({
      expression: 'rate(15 minutes)',
      timeZone: 'UTC',
      intervalMinutes: 15,
    }),
    notifications: FundNotificationsSchema.default({ emails: [] }),
    /** Optional retention of stored runs, in days (DynamoDB TTL on `expiresAt`). */
    retentionDays: z.number().int().positive().max(36_500).optional(),
    management: FundManagementSchema.prefault({}),
    /** Policy floors and non-market add-ons on the requirement (docs/MANAGEMENT.md); none when absent. */
    policy: fundPolicySchema(MAX_FUND_USD).optional(),
    /** How a run executes on AWS: one Lambda, or a Step Functions fan-out (docs/OPERATIONS.md). */
    execution: FundExecutionSchema.optional(),
  })
  .superRefine((c, ctx) => {
    // Any URL a balance source fetches obeys the base-URL rules (whatever shape the source has), and
    // carries no key: a keyed RPC URL belongs in rpcUrlSecret.
    const sources = c.balance.type === 'sum' ? c.balance.sources : [c.balance];
    sources.forEach((source, i) => {
      const path = c.balance.type === 'sum' ? ['balance', 'sources', i, 'rpcUrl'] : ['balance', 'rpcUrl'];
      if (source.type === 'evm' && (source.rpcUrl === undefined) === (source.rpcUrlSecret === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path,
          message:
            'give exactly one of rpcUrl (no credentials) and rpcUrlSecret (an SSM or Secrets Manager reference)',
        });
      }
      const rpcUrl = (source as { rpcUrl?: unknown }).rpcUrl;
      if (typeof rpcUrl !== 'string') return;
      const keyed = secretInUrl(rpcUrl);
      const problem =
        urlProblem(rpcUrl, { allowPrivateNetwork: c.data.allowPrivateNetwork }) ??
        // Not echoed: the error line must not carry the key it warns about.
        (keyed === undefined ? undefined : `${keyed}, got (not shown)`);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', path, message: problem });
    });
    for (const issue of alertChannelIssues(c.alerts.channels, c.data.allowPrivateNetwork))
      ctx.addIssue({ code: 'custom', ...issue });
    // One venue instrument under two market ids would be counted twice.
    const instruments = new Map<string, string>();
    c.markets.forEach((m, i) => {
      const key = `${m.venue}:${m.symbol}`;
      const first = instruments.get(key);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['markets', i, 'symbol'],
          message: `${m.venue} ${m.symbol} is already market ${first}`,
          input: m.symbol,
        });
      else instruments.set(key, m.id);
    });
    c.model.largestAccounts?.forEach((a, i) => {
      if (a.notionalUsd > MAX_FUND_USD)
        ctx.addIssue({
          code: 'custom',
          path: ['model', 'largestAccounts', i, 'notionalUsd'],
          message: `expected at most ${MAX_FUND_USD} USD`,
          input: a.notionalUsd,
        });
    });
    const ids = new Set<string>();
    c.markets.forEach((m, i) => {
      if (ids.has(m.id))
        ctx.addIssue({
          code: 'custom',
          path: ['markets', i, 'id'],
          message: 'duplicate market id',
          input: m.id,
        });
      ids.add(m.id);
    });
    c.markets.forEach((m, i) => {
      // A position at or below the maintenance margin is already being liquidated: such a bucket is
      // a mistake in the profile, not a book. Checked against a configured maintenance margin that is
      // itself valid (one bad number is one message); a venue's own tier is checked at recalibration.
      const mm = m.maintenanceMargin;
      if (mm === undefined || !(mm >= 0 && mm < 1)) return;
      const own = m.leverageProfile !== undefined;
      (m.leverageProfile ?? c.model.defaultLeverageProfile).forEach((b, j) => {
        if (b.margin <= mm) {
          ctx.addIssue({
            code: 'custom',
            path: own
              ? ['markets', i, 'leverageProfile', j, 'margin']
              : ['model', 'defaultLeverageProfile', j, 'margin'],
            message: `must exceed ${m.id}'s maintenanceMargin ${mm} (a position at or below it is already being liquidated), got ${b.margin}`,
            input: b.margin,
          });
        }
      });
    });
    (c.fundComposition ?? []).forEach((a, k) => {
      if (a.priceMarketId !== undefined && !ids.has(a.priceMarketId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['fundComposition', k, 'priceMarketId'],
          message: 'unknown market id',
          input: a.priceMarketId,
        });
      }
    });
    c.model.stressScenarios.forEach((s, k) => {
      if ('library' in s) return;
      for (const id of [
        ...Object.keys(s.shocks ?? {}),
        ...(s.path ?? []).flatMap(([, returns]) => Object.keys(returns)),
      ]) {
        if (id !== '*' && !ids.has(id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['model', 'stressScenarios', k, 'shocks', id],
            message: 'unknown market id',
            input: id,
          });
        }
      }
    });
  })
  .transform(({ $schema: _editorSchema, ...c }) => ({
    ...c,
    alerts: resolveAlerts(c.alerts, c.model.buffer),
  }));

/**
 * Alert settings with their coverage thresholds resolved: as configured, or warnBelow 1 and
 * breachBelow 1 / (1 + buffer) — the requirement without its buffer (docs/ALERTS.md §1).
 */
export function resolveAlerts(
  alerts: z.output<typeof FundAlertsSchema>,
  buffer: number,
): z.output<typeof FundAlertsSchema> & { thresholds: { warnBelow: number; breachBelow: number } } {
  return { ...alerts, thresholds: alerts.thresholds ?? { warnBelow: 1, breachBelow: 1 / (1 + buffer) } };
}

export type Venue = z.infer<typeof VenueSchema>;
export type VolSource = z.infer<typeof VolSourceSchema>;
export type BalanceSource = z.infer<typeof BalanceSourceSchema>;
export type FundMarket = z.infer<typeof FundMarketSchema>;
/** A validated FundConfig, defaults applied (coverage thresholds always present). */
export type FundConfig = z.infer<typeof FundConfigSchema>;
/** A fund's alert settings with its coverage thresholds resolved. */
export type FundAlerts = FundConfig['alerts'];
/** A FundConfig as written in JSON, before defaults. */
export type FundConfigInput = z.input<typeof FundConfigSchema>;
