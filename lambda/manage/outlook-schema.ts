/**
 * The stored form of a fund's outlook (lambda/manage/fund-outlook.ts): a stored run carries it, and
 * the store validates it when it reads the run back. A compile-time check keeps the schema and the
 * FundOutlook type the same.
 */
import { z } from 'zod';
import type { FundOutlook } from './fund-outlook.ts';

const finite = z.number().finite();
const probability = z.number().gte(0).lte(1);

const FanPointSchema = z.strictObject({
  day: z.number().int().gte(0),
  p5Usd: finite,
  p25Usd: finite,
  medianUsd: finite,
  p75Usd: finite,
  p95Usd: finite,
});

/** A FundOutlook as JSON. */
export const FundOutlookSchema = z.strictObject({
  fundId: z.string(),
  asOf: z.string(),
  horizonDays: z.number().int(),
  paths: z.number().int(),
  seed: z.number().int(),
  startBalanceUsd: finite,
  requiredReserveUsd: finite,
  exhaustionProbability1y: probability,
  fundAfter1y: z.strictObject({ p5Usd: finite, medianUsd: finite, p95Usd: finite }),
  daysToTarget: z.number().int().nullable(),
  inflow: z.strictObject({
    dailyUsd: finite,
    source: z.enum(['config', 'history', 'none']),
    detail: z.string(),
    insuranceFeeBps: finite.nullable(),
    liquidationIncomeUsdPerDay: finite.nullable(),
    dailyVolumeUsd: finite,
    historyDays: z.number().int(),
  }),
  crises: z.strictObject({
    ratePerDay: finite,
    extremeShare: probability,
    source: z.string(),
    severity: z.strictObject({
      tailVarUsd: finite,
      tailEsUsd: finite,
      stressLossesUsd: z.array(finite),
      stressNames: z.array(z.string()),
      ordinaryLossesUsd: z.array(finite).optional(),
      ordinarySizes: z.array(finite).optional(),
    }),
  }),
  fan: z.array(FanPointSchema),
  recommendation: z.strictObject({
    targetExhaustionProbability: probability,
    requiredReserveUsd: finite,
    exhaustionProbability1y: probability,
    action: z.enum(['contribute', 'raise-fee', 'release', 'hold']),
    contributionUsd: finite,
    additionalFeeBps: finite.nullable(),
    feeReachable: z.boolean(),
    feeCeilingBps: finite,
    feeHorizonDays: z.number().int(),
    releasableUsd: finite,
    text: z.string(),
  }),
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Fails to compile when the schema and the FundOutlook type drift apart. */
const _sameShape: Same<z.infer<typeof FundOutlookSchema>, DeepMutable<FundOutlook>> = true;
void _sameShape;

type DeepMutable<T> = T extends readonly (infer U)[]
  ? DeepMutable<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: DeepMutable<T[K]> }
    : T;
