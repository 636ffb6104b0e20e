/**
 * The policy terms of a requirement (docs/MANAGEMENT.md, "Floors and non-market add-ons"): what a
 * regulator or the fund's board adds to the model's number, carried in the snapshot's
 * `model.policy` so a stored run replays them, and reported in the result's `policy`. Pure zod.
 *
 * They are policy, not model: nothing here is estimated from market data.
 */
import { z } from 'zod';

const nonNegative = z.number().finite().gte(0);

/**
 * A floor under the requirement: a share of the total open interest (one side, as the snapshot
 * counts it), a fixed USD minimum, or both (then the larger of the two).
 */
export const PolicyFloorsSchema = z
  .strictObject({
    /** Share of the total open interest the fund must hold at least (0.02 = 2%). */
    openInterestShare: z.number().finite().gt(0).lte(1).optional(),
    /** Fixed minimum, USD. */
    minimumUsd: z.number().finite().gt(0).optional(),
  })
  .refine((f) => f.openInterestShare !== undefined || f.minimumUsd !== undefined, {
    message: 'give openInterestShare, minimumUsd or both',
  });

/**
 * A loss the fund also covers beyond trader defaults (a smart-contract or oracle failure): a fixed
 * amount, or a share of the value the protocol holds (a configured USD value).
 */
export const NonMarketAddOnSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('fixed'),
    /** What it covers, as the texts name it: `oracle failure`. */
    name: z.string().min(1).max(80),
    amountUsd: nonNegative,
  }),
  z.strictObject({
    kind: z.literal('share-of-value'),
    name: z.string().min(1).max(80),
    /** Share of `valueUsd` the failure is sized at (0.05 = 5%). */
    share: z.number().finite().gt(0).lte(1),
    /** The value the protocol holds (its total value locked), USD. */
    valueUsd: nonNegative,
  }),
]);

/** The policy section of a snapshot's model parameters. */
export const PolicyParamsSchema = z.strictObject({
  floors: PolicyFloorsSchema.optional(),
  addOns: z.array(NonMarketAddOnSchema).max(20).optional(),
});

/** One add-on as the result reports it: the configured item and its amount. */
export const AddOnResultSchema = z.strictObject({
  name: z.string(),
  kind: z.enum(['fixed', 'share-of-value']),
  usd: nonNegative,
  /** `share-of-value` only. */
  share: z.number().optional(),
  valueUsd: nonNegative.optional(),
});

/**
 * What the policy did to a requirement: requiredReserveUsd = max(modelRequirementUsd + addOnsUsd,
 * floor), and `binding` is `"floor"` when the floor is the larger (strictly).
 */
export const PolicyResultSchema = z.strictObject({
  /** The model's requirement: (1 + buffer)·max(ES, worst stress, cover-2). */
  modelRequirementUsd: nonNegative,
  /** The term that sets the model's requirement (the result's `binding` unless the floor binds). */
  modelBinding: z.enum(['expectedShortfall', 'stress', 'cover2']),
  addOns: z.array(AddOnResultSchema),
  addOnsUsd: nonNegative,
  /** The floor and what it is made of; null when no floor is configured. */
  floor: z
    .strictObject({
      usd: nonNegative,
      /** Total open interest it is measured against (one side). */
      openInterestUsd: nonNegative,
      openInterestShare: z.number().nullable(),
      minimumUsd: nonNegative.nullable(),
    })
    .nullable(),
});

export type PolicyParams = z.infer<typeof PolicyParamsSchema>;
export type NonMarketAddOn = z.infer<typeof NonMarketAddOnSchema>;
export type PolicyResult = z.infer<typeof PolicyResultSchema>;
