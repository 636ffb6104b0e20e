/**
 * The public JSON feed of a fund (`feed.json` beside the transparency page): the facts of the page,
 * machine-readable. Only public facts: balances, requirements, coverage, open interest, the stress
 * results and how they are computed — never account-level data (largest accounts, cover-2), run or
 * table identifiers, data-source endpoints or anything from the fund config.
 */
import { z } from 'zod';

/** Version of the feed's shape; a change that drops or renames a field increments it. */
export const FEED_VERSION = 1;

const usd = z.number().finite();
const isoTime = z.iso.datetime({ offset: true });
/** Strict everywhere: a field that is not declared here cannot slip into the public feed. */
const strict = z.strictObject;

/** One day of history: the last run of a UTC day. */
export const FeedHistoryPointSchema = strict({
  asOf: isoTime,
  fundBalanceUsd: usd.nullable(),
  requiredReserveUsd: usd,
  coverageRatio: z.number().nullable(),
  openInterestUsd: usd.nullable(),
  /** Fund balance / total open interest. */
  fundToOpenInterest: z.number().nullable(),
});

/** The public feed of one fund. */
export const TransparencyFeedSchema = strict({
  feedVersion: z.literal(FEED_VERSION),
  fundId: z.string().min(1),
  /** When the feed was written. */
  generatedAt: isoTime,
  /** The valuation time of the latest run. */
  lastRunAt: isoTime,
  status: z.enum(['OK', 'WARN', 'BREACH', 'DEGRADED', 'UNKNOWN']),
  fundBalanceUsd: usd.nullable(),
  /** v2 engine: the balance after its own revaluation in the model's tail scenarios. */
  effectiveBalanceUsd: usd.nullable(),
  requiredReserveUsd: usd,
  coverageRatio: z.number().nullable(),
  thresholds: strict({ warnBelow: z.number(), breachBelow: z.number() }),
  /** Which term sets the requirement. */
  bindingTerm: z.string(),
  /**
   * The fund's policy terms: requirement = max(model requirement + non-market add-ons, floor).
   * Absent when the fund has no policy.
   */
  policy: strict({
    modelRequirementUsd: usd,
    addOns: z.array(strict({ name: z.string(), usd })),
    floorUsd: usd.nullable(),
  }).optional(),
  engine: z.enum(['path', 'gap']),
  modelVersion: z.string(),
  /** What the balance is held in; null when the fund reports one amount. */
  composition: z.array(strict({ asset: z.string(), amountUsd: usd, share: z.number() })).nullable(),
  openInterestUsd: usd,
  fundToOpenInterest: z.number().nullable(),
  /** The markets the fund backs, with their open interest (one side). */
  markets: z.array(strict({ id: z.string(), openInterestUsd: usd })),
  monteCarlo: strict({
    confidence: z.number(),
    /** The liquidation window of one scenario, hours. */
    windowHours: z.number(),
    expectedShortfallUsd: usd,
  }),
  /** The latest stress results: net fund loss (negative = the fund gained) and fund after, if known. */
  stress: z.array(
    strict({
      name: z.string(),
      liquidityFactor: z.number(),
      netFundLossUsd: usd,
      fundAfterUsd: usd.nullable(),
    }),
  ),
  /** The reverse stress test: the smallest multiple of each path that exhausts the fund. */
  reverseStress: z.array(
    strict({
      scenario: z.string(),
      liquidityFactor: z.number(),
      scale: z.number().nullable(),
      maxScale: z.number(),
      text: z.string(),
    }),
  ),
  /** Oldest first, one point per UTC day (the day's last run), at most a year. */
  history: z.array(FeedHistoryPointSchema),
  /** The method in plain words, one paragraph per entry. */
  methodology: z.array(z.string()),
});

export type TransparencyFeed = z.infer<typeof TransparencyFeedSchema>;
export type FeedHistoryPoint = z.infer<typeof FeedHistoryPointSchema>;
