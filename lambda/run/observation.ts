/**
 * The audit trail of a run: the raw numbers the venues answered ({@link Observation}) and the
 * data-quality flags raised while turning them into a MarketSnapshot ({@link DataFlag}).
 */
import { z } from 'zod';

/** One raw number as a venue reported it, before normalisation. */
export const ObservationSchema = z.object({
  marketId: z.string().nullable(),
  venue: z.string(),
  endpoint: z.string(),
  /** What the number is: `openInterest`, `markPrice`, `impliedVol`, `dailyVolume`, `fundBalance`… */
  field: z.string(),
  rawValue: z.union([z.number(), z.string()]),
  /** The venue's unit, e.g. `BTC`, `USD`, `contracts`, `percent`, `decimal`. */
  rawUnit: z.string(),
  /** The value after normalisation (USD, decimal). */
  normalised: z.number(),
  fetchedAt: z.string(),
  /** The venue's own timestamp of the value, when it gives one. */
  venueTimestamp: z.string().nullable(),
});
/** One raw number as a venue reported it, before normalisation — the audit trail of a snapshot. */
export type Observation = Readonly<z.infer<typeof ObservationSchema>>;

/** A data-quality flag raised while building a snapshot. */
export const DataFlagSchema = z.object({
  marketId: z.string().optional(),
  /** `STALE_FILLED`, `MISSING`, `SANITY_OI_JUMP`, `OI_DROP_HELD`, `BALANCE_UNAVAILABLE`… */
  code: z.string(),
  detail: z.string(),
});
/** A data-quality flag raised while building a snapshot. */
export type DataFlag = Readonly<z.infer<typeof DataFlagSchema>>;
