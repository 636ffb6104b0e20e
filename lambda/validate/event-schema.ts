/**
 * One validation event (config/events/<name>/event.json): a real insurance-fund outcome the path
 * engine must reproduce. The event carries the venue's book as it was (OI, volume, vol, margins,
 * tiers, the fund and what it was held in), names the price path beside it (`path.csv`, recorded
 * candles or a path built from reported facts, and says which), the reported outcome with its
 * sources and range, and what no source confirms.
 */
import { z } from 'zod';
import {
  DepthCurveSchema,
  LargeAccountSchema,
  LeverageBucketSchema,
  LiquidationIncomeSchema,
  SHARE_SUM_TOLERANCE,
} from '../model/schemas.ts';

const profile = z
  .array(LeverageBucketSchema)
  .min(1)
  .refine((b) => Math.abs(b.reduce((a, x) => a + x.share, 0) - 1) <= SHARE_SUM_TOLERANCE, {
    message: 'shares must sum to 1',
  });

/** One market of the event's book; a missing `leverageProfile` takes the calibrated default. */
export const EventMarketSchema = z.strictObject({
  id: z.string().min(1),
  priceUsd: z.number().positive(),
  /** One side, USD at `priceUsd`. */
  openInterestUsd: z.number().gte(0),
  dailyVolumeUsd: z.number().positive(),
  impliedVol: z.number().gt(0).lte(10),
  maintenanceMargin: z.number().gte(0).lt(1),
  maxLeverage: z.number().gte(1).lte(1000),
  leverageProfile: profile.optional(),
  leverageProfileShort: profile.optional(),
  liquidationIncome: LiquidationIncomeSchema.optional(),
  depthUsd: DepthCurveSchema.optional(),
  beta: z.number().gte(-10).lte(10).optional(),
});

/** What the fund held: a USD amount, priced by a market of the book or stable. */
export const EventAssetSchema = z.strictObject({
  asset: z.string().min(1),
  amountUsd: z.number().gte(0),
  priceMarketId: z.string().min(1).optional(),
});

/** A source behind a figure: what it says and where. */
export const EventSourceSchema = z.strictObject({
  claim: z.string().min(1),
  url: z.url(),
});

/**
 * The book after an earlier event's path: the winning side of `event` carried over (its distances
 * grown by the move it won), a share `carriedShare` of this event's winning-side OI, the rest fresh.
 */
export const CarryOverSchema = z.strictObject({
  event: z.string().min(1),
  /** Which side of the earlier book won (and is carried): the shorts of a crash. */
  side: z.enum(['long', 'short']),
  carriedShare: z.number().gte(0).lte(1),
});

export const EventSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9-]+$/),
  title: z.string().min(1),
  venue: z.string().min(1),
  /** First and last instant of the path (UTC). */
  window: z.strictObject({ from: z.iso.datetime(), to: z.iso.datetime() }),
  path: z.strictObject({
    /** The CSV beside event.json, `backstop stress` format. */
    file: z.string().min(1),
    /** `recorded`: exchange candles; `reported`: built from reported facts. */
    kind: z.enum(['recorded', 'reported']),
    source: z.string().min(1),
    liquidityFactor: z.number().gt(0).lte(1),
    /** Why this liquidity factor. */
    liquiditySource: z.string().min(1),
  }),
  book: z.strictObject({
    fundBalanceUsd: z.number().gte(0),
    fundComposition: z.array(EventAssetSchema).min(1),
    /**
     * The venue's ADL rule: deleverage when takeover inventory exceeds this multiple of the fund
     * (Binance: 1), or null when ADL comes only once the fund is exhausted (BitMEX, Deribit, dYdX).
     */
    adl: z.strictObject({ inventoryCapMultiple: z.number().positive().nullable() }),
    markets: z.array(EventMarketSchema).min(1),
    /** Accounts that hold a large share of a market's OI (added to its book, cover-2 style). */
    largestAccounts: z.array(LargeAccountSchema).optional(),
    carryOver: CarryOverSchema.optional(),
  }),
  reported: z.strictObject({
    /**
     * The fund's change over the window, USD (negative = it lost): `liquidations` = from
     * liquidations alone (a coin-held fund's change in coins × price), `balance` = the USD balance
     * change, revaluation of what it holds included.
     */
    measure: z.enum(['liquidations', 'balance']),
    netFundChangeUsd: z.number(),
    /** The range the sources allow. */
    lowUsd: z.number(),
    highUsd: z.number(),
    /** Whether auto-deleveraging fired; null when no source says. */
    adl: z.boolean().nullable(),
    sources: z.array(EventSourceSchema).min(1),
  }),
  /** What is assumed because no source gives it. */
  uncertain: z.array(z.string().min(1)).min(1),
});

export type ValidationEvent = z.infer<typeof EventSchema>;
export type EventMarket = z.infer<typeof EventMarketSchema>;
