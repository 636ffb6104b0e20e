/**
 * Building the public feed of a fund from its latest stored run and its history. Pure: the run and
 * the history points come in as values; only fields listed in the feed schema are copied, one by one,
 * so nothing private (account-level data, identifiers, endpoints, config) can reach the page.
 */
import { fundToOpenInterest } from '../../manage/growth.ts';
import { coverageThresholds } from '../../model/coverage.ts';
import type { ReserveResult } from '../../model/schemas.ts';
import type { RunSummary, StoredRun } from '../../run/stored-run.ts';
import { formatPercent, formatUsd } from '../format.ts';
import {
  FEED_VERSION,
  type FeedHistoryPoint,
  type TransparencyFeed,
  TransparencyFeedSchema,
} from './feed-schema.ts';

/** Days of history the feed keeps. */
export const FEED_HISTORY_DAYS = 365;
const DAY_MS = 86_400_000;

/** A stored run's summary as a history point. */
export function historyPoint(summary: RunSummary): FeedHistoryPoint {
  const point = {
    asOf: new Date(summary.asOf).toISOString(),
    fundBalanceUsd: summary.fundBalanceUsd,
    requiredReserveUsd: summary.requiredReserveUsd,
    coverageRatio: summary.coverageRatio,
    openInterestUsd: summary.openInterestUsd ?? null,
  };
  return { ...point, fundToOpenInterest: fundToOpenInterest(point) };
}

/** The history point of a full stored run (its summary, with the open interest of its snapshot). */
export function runHistoryPoint(run: StoredRun): FeedHistoryPoint {
  return historyPoint({
    fundId: run.fundId,
    asOf: run.asOf,
    runId: run.runId,
    status: run.result.status,
    fundBalanceUsd: run.result.fundBalanceUsd,
    requiredReserveUsd: run.result.requiredReserveUsd,
    coverageRatio: run.result.coverageRatio,
    openInterestUsd: totalOpenInterest(run),
  });
}

/**
 * One point per UTC day — the day's last run — over the {@link FEED_HISTORY_DAYS} days up to
 * `asOf`, oldest first. The deployed function feeds it the previous feed's history plus the new run,
 * the CLI every stored run: both give the same days.
 */
export function dailyHistory(points: readonly FeedHistoryPoint[], asOf: string): FeedHistoryPoint[] {
  const end = Date.parse(asOf);
  const start = end - FEED_HISTORY_DAYS * DAY_MS;
  const byDay = new Map<number, FeedHistoryPoint>();
  for (const point of points) {
    const t = Date.parse(point.asOf);
    if (t < start || t > end) continue;
    const day = Math.floor(t / DAY_MS);
    const seen = byDay.get(day);
    if (seen === undefined || t >= Date.parse(seen.asOf)) byDay.set(day, point);
  }
  return [...byDay.entries()].sort((a, b) => a[0] - b[0]).map(([, point]) => point);
}

/**
 * The feed of `latest` with `history` (already daily; see {@link dailyHistory}), validated against
 * its schema.
 *
 * @param generatedAt - ISO time the feed is written
 */
export function buildFeed(
  latest: StoredRun,
  history: readonly FeedHistoryPoint[],
  generatedAt: string,
): TransparencyFeed {
  const { snapshot, result } = latest;
  const balance = result.fundBalanceUsd;
  const openInterestUsd = totalOpenInterest(latest);
  const windowHours = snapshot.model.windowHours ?? snapshot.model.horizonHours;
  const engine = result.engine ?? 'gap';
  const feed: TransparencyFeed = {
    feedVersion: FEED_VERSION,
    fundId: latest.fundId,
    generatedAt,
    lastRunAt: new Date(latest.asOf).toISOString(),
    status: result.status,
    fundBalanceUsd: balance,
    effectiveBalanceUsd: result.effectiveBalanceUsd ?? null,
    requiredReserveUsd: result.requiredReserveUsd,
    coverageRatio: result.coverageRatio,
    thresholds: coverageThresholds(snapshot.model),
    bindingTerm: bindingTerm(result),
    ...(result.policy === undefined
      ? {}
      : {
          policy: {
            modelRequirementUsd: result.policy.modelRequirementUsd,
            addOns: result.policy.addOns.map((a) => ({ name: a.name, usd: a.usd })),
            floorUsd: result.policy.floor?.usd ?? null,
          },
        }),
    engine,
    modelVersion: result.modelVersion,
    composition:
      snapshot.fundComposition === undefined
        ? null
        : snapshot.fundComposition.map((a) => ({
            asset: a.asset,
            amountUsd: a.amountUsd,
            share: balance !== null && balance > 0 ? a.amountUsd / balance : 0,
          })),
    openInterestUsd,
    fundToOpenInterest: fundToOpenInterest({ asOf: latest.asOf, fundBalanceUsd: balance, openInterestUsd }),
    markets: snapshot.markets.map((m) => ({ id: m.id, openInterestUsd: m.openInterestUsd })),
    monteCarlo: {
      confidence: result.monteCarlo.confidence,
      windowHours,
      expectedShortfallUsd: result.monteCarlo.esUsd,
    },
    stress: result.stress.map((s) => ({
      name: s.name,
      liquidityFactor: s.liquidityFactor,
      netFundLossUsd: s.outcome?.netFundLossUsd ?? s.lossUsd,
      fundAfterUsd: s.outcome?.fundAfterUsd ?? (balance === null ? null : Math.max(0, balance - s.lossUsd)),
    })),
    reverseStress: (result.reverseStress ?? []).map((r) => ({
      scenario: r.scenario,
      liquidityFactor: r.liquidityFactor,
      scale: r.scale,
      maxScale: r.maxScale,
      text: reverseStressText(r),
    })),
    history: [...history],
    methodology: methodology(latest, engine, windowHours),
  };
  return TransparencyFeedSchema.parse(feed);
}

/** Total open interest of a run (one side, USD). */
function totalOpenInterest(run: StoredRun): number {
  return run.snapshot.markets.reduce((sum, m) => sum + m.openInterestUsd, 0);
}

/** The binding term in words. */
function bindingTerm(result: ReserveResult): string {
  switch (result.binding) {
    case 'expectedShortfall':
      return 'the expected shortfall of the simulated scenarios';
    case 'stress':
      return 'the worst historical stress scenario';
    case 'cover2':
      return 'the default of the two largest accounts';
    case 'floor':
      return "the fund's policy floor (a minimum set by its rules, above what the model requires)";
  }
}

/** "The fund is exhausted by 1.7 × the 2020-03-12 path at 3% depth" (DESIGN §4c wording). */
export function reverseStressText(r: NonNullable<ReserveResult['reverseStress']>[number]): string {
  const depth = `${formatPercent(r.liquidityFactor, 0)} depth`;
  return r.scale === null
    ? `The fund is not exhausted by up to ${r.maxScale} × the ${r.scenario} path at ${depth}.`
    : `The fund is exhausted by ${r.scale.toFixed(1)} × the ${r.scenario} path at ${depth}.`;
}

/** The policy terms in plain words (none without a policy). */
function policyParagraph(policy: ReserveResult['policy']): string[] {
  if (policy === undefined) return [];
  const parts: string[] = [];
  if (policy.addOns.length > 0)
    parts.push(
      `The fund's policy adds ${formatUsd(policy.addOnsUsd)} for losses beyond trader defaults that the model does not price (${policy.addOns.map((a) => `${a.name} ${formatUsd(a.usd)}`).join(', ')}).`,
    );
  if (policy.floor !== null)
    parts.push(
      `The fund's policy sets a floor of ${formatUsd(policy.floor.usd)}: the required reserve is never below it, whatever the model says.`,
    );
  return parts.length === 0 ? [] : [parts.join(' ')];
}

/** The method in plain words, with the run's own parameters. */
function methodology(run: StoredRun, engine: 'path' | 'gap', windowHours: number): string[] {
  const { model, markets } = run.snapshot;
  const mc = run.result.monteCarlo;
  const tail = formatPercent(1 - mc.confidence, 1);
  const thresholds = coverageThresholds(model);
  const scenarios = model.stressScenarios.map((s) => s.name).join('; ');
  const simulation =
    engine === 'path'
      ? `It follows ${mc.paths.toLocaleString('en-US')} simulated price paths over a ${windowHours}-hour window, step by step, liquidating positions as their margin runs out at the prices the market can absorb, and averages the fund's losses over the worst ${tail} of them (the expected shortfall at ${formatPercent(mc.confidence)}).`
      : `It simulates ${mc.paths.toLocaleString('en-US')} scenarios of price moves over a ${windowHours}-hour liquidation window, with heavy tails and the markets moving together, and averages the fund's losses over the worst ${tail} of them (the expected shortfall at ${formatPercent(mc.confidence)}).`;
  return [
    `The required reserve is what the insurance fund must hold to cover the losses left when leveraged positions go bankrupt faster than they can be liquidated. It is recomputed at every run from the open interest, implied volatility, prices and volumes of the ${markets.length} markets the fund backs.`,
    simulation,
    `It also replays ${model.stressScenarios.length} historical stress scenarios with the order books thinned as they were then (${scenarios}). The requirement is the largest of the expected shortfall, the worst stress loss and, where the venue supplies them, the default of its two largest accounts, plus a ${formatPercent(model.buffer, 0)} buffer.`,
    ...policyParagraph(run.result.policy),
    `Coverage is the fund balance divided by the required reserve: below ${formatPercent(thresholds.warnBelow, 0)} the status is WARN, below ${formatPercent(thresholds.breachBelow, 0)} BREACH.`,
    'Fund / open interest is the balance over the total open interest (one side) of those markets: whether the fund grows with the book it backs.',
    'Every run is stored with all its inputs and can be replayed to the same numbers.',
  ];
}
