/**
 * The policy layer after the loss engine (docs/MANAGEMENT.md, "Floors and non-market add-ons"): a
 * snapshot's `model.policy` adds non-market losses to the model's requirement and puts a floor under
 * the total,
 *
 *   required = max(model requirement + add-ons, floor),  floor = max(share × open interest, minimum),
 *
 * then coverage, status and the recommendation follow the new requirement. Pure. A snapshot without
 * a policy gets its engine result back untouched (v1 results keep their exact shape).
 */
import { coverageRatio, coverageStatus, coverageThresholds, recommend } from './coverage.ts';
import type { NonMarketAddOn, PolicyResult } from './policy-schema.ts';
import type { MarketSnapshot, ReserveResult } from './schemas.ts';

/** USD amount of one add-on. */
export function addOnUsd(addOn: NonMarketAddOn): number {
  return addOn.kind === 'fixed' ? addOn.amountUsd : addOn.share * addOn.valueUsd;
}

/**
 * Applies the snapshot's policy to the engine's result.
 *
 * @example
 * applyPolicy(snapshot, computePathReserve(snapshot, correlation)).binding; // "floor" when it binds
 */
export function applyPolicy(snapshot: MarketSnapshot, result: ReserveResult): ReserveResult {
  const policy = snapshot.model.policy;
  if (policy === undefined) return result;
  const modelBinding = result.binding;
  // A result the policy was already applied to (the engines never bind on the floor) stays as it is.
  if (modelBinding === 'floor') return result;
  const addOns: PolicyResult['addOns'] = (policy.addOns ?? []).map((a) =>
    a.kind === 'fixed'
      ? { name: a.name, kind: a.kind, usd: a.amountUsd }
      : { name: a.name, kind: a.kind, usd: addOnUsd(a), share: a.share, valueUsd: a.valueUsd },
  );
  const addOnsUsd = addOns.reduce((sum, a) => sum + a.usd, 0);
  const floor = floorOf(snapshot);
  const withAddOns = result.requiredReserveUsd + addOnsUsd;
  const floorBinds = floor !== null && floor.usd > withAddOns;
  const requiredReserveUsd = floorBinds ? floor.usd : withAddOns;
  const facts: PolicyResult = {
    modelRequirementUsd: result.requiredReserveUsd,
    modelBinding,
    addOns,
    addOnsUsd,
    floor,
  };
  // Coverage rests on the balance the engine used (v2 path: the effective balance).
  const balance =
    result.effectiveBalanceUsd !== undefined ? result.effectiveBalanceUsd : result.fundBalanceUsd;
  const coverage = coverageStatus(balance, requiredReserveUsd, coverageThresholds(snapshot.model));
  return {
    ...result,
    requiredReserveUsd,
    coverageRatio: coverageRatio(balance, requiredReserveUsd),
    coverageStatus: coverage,
    status: snapshot.dataQuality?.degraded === true ? 'DEGRADED' : coverage,
    binding: floorBinds ? 'floor' : result.binding,
    recommendation: recommend({ ...snapshot, fundBalanceUsd: balance }, requiredReserveUsd),
    policy: facts,
  };
}

function floorOf(snapshot: MarketSnapshot): PolicyResult['floor'] {
  const floors = snapshot.model.policy?.floors;
  if (floors === undefined) return null;
  const openInterestUsd = snapshot.markets.reduce((sum, m) => sum + m.openInterestUsd, 0);
  const share = floors.openInterestShare ?? null;
  const minimum = floors.minimumUsd ?? null;
  return {
    usd: Math.max(share === null ? 0 : share * openInterestUsd, minimum ?? 0),
    openInterestUsd,
    openInterestShare: share,
    minimumUsd: minimum,
  };
}
