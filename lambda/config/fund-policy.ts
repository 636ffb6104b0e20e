/**
 * A fund config's `policy` (docs/MANAGEMENT.md, "Floors and non-market add-ons"): floors under the
 * requirement and non-market add-ons on top of it. The snapshot carries it as `model.policy`
 * (lambda/model/policy-schema.ts), so this is the model's schema with the config's USD bound.
 */
import { PolicyParamsSchema } from '../model/policy-schema.ts';

/**
 * The fund config's `policy` schema: every USD amount at most `maxUsd` (the config's bound on any
 * amount, passed in by fund-config.ts so the two modules do not import each other).
 */
export function fundPolicySchema(maxUsd: number) {
  return PolicyParamsSchema.superRefine((policy, ctx) => {
    const amounts: [(string | number)[], number | undefined][] = [
      [['floors', 'minimumUsd'], policy.floors?.minimumUsd],
      ...(policy.addOns ?? []).map((a, i): [(string | number)[], number] =>
        a.kind === 'fixed'
          ? [['addOns', i, 'amountUsd'], a.amountUsd]
          : [['addOns', i, 'valueUsd'], a.valueUsd],
      ),
    ];
    for (const [path, usd] of amounts) {
      if (usd !== undefined && usd > maxUsd)
        ctx.addIssue({ code: 'custom', path, message: `expected at most ${maxUsd} USD`, input: usd });
    }
  });
}
