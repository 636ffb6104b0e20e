/**
 * "Why this number": the facts behind a required reserve, the same for the terminal summary, the HTML
 * report and the alert — the formula with its buffer, the term that binds, each market's share of
 * that term's loss, the assumptions that drive it (and whether they are defaults or the fund's own),
 * the requirement if those assumptions moved ±50%, and the next steps that follow from all this.
 *
 * An {@link Explanation} is plain data (JSON-safe), so an alert can carry the one its run computed.
 */
import { FundModelSchema } from '../config/fund-config.ts';
import type { PolicyResult } from '../model/policy-schema.ts';
import type { MarketSnapshot, ReserveResult } from '../model/schemas.ts';
import { computeSensitivity, type Sensitivity } from '../model/sensitivity.ts';
import { type BalanceQuality, balanceQuality, type FlagLike } from './data-quality.ts';
import { formatCount, formatPercent, formatProbability, formatUsd } from './format.ts';

/** Leverage at or above which a position counts as highly leveraged in the summary (25x = 4% margin). */
const HIGH_LEVERAGE_MARGIN = 0.04;
/** Markets named one by one in a contribution list before the rest are summed up. */
export const NAMED_CONTRIBUTORS = 5;

/** One term of `max(ES, worst stress, cover-2)`. */
export interface ReserveTerm {
  readonly term: PolicyResult['modelBinding'];
  /** `ES 99.9%`, `worst stress`, `cover-2`. */
  readonly label: string;
  /** USD; null when the term is not configured (cover-2 without large accounts). */
  readonly usd: number | null;
}

/** One market's part of the binding term's loss. */
export interface Contribution {
  readonly marketId: string;
  readonly lossUsd: number;
  /** Fraction of the binding term's loss (0.25 = 25%); 0 when that loss is not positive. */
  readonly share: number;
}

/** One assumption that drives the requirement. */
export interface Assumption {
  /** `leverage profile`, `stress liquidity`, `price impact`, `window`, `tails`, `position tiers`. */
  readonly name: string;
  readonly value: string;
  /** Where the value comes from: `default`, `set by the fund`, `the venues' own depth`, … */
  readonly source: string;
}

/** The facts behind a requirement. */
export interface Explanation {
  readonly requiredReserveUsd: number;
  readonly buffer: number;
  /** max(ES, worst stress, cover-2) before the buffer. */
  readonly baseUsd: number;
  readonly terms: readonly ReserveTerm[];
  /** The term that sets the requirement: a model term, or `"floor"` when the policy floor binds. */
  readonly binding: ReserveResult['binding'];
  /**
   * The fund's policy floors and non-market add-ons as the run applied them; absent without a policy
   * (and on explanations stored before policies existed).
   */
  readonly policy?: PolicyResult;
  /** The binding stress scenario's name and liquidity factor (when stress or cover-2 binds). */
  readonly scenario: { readonly name: string; readonly liquidityFactor: number } | null;
  /** Markets by their part of the binding term's loss, largest first (empty for cover-2). */
  readonly contributions: readonly Contribution[];
  readonly assumptions: readonly Assumption[];
  readonly sensitivity: Sensitivity | null;
  /** How far the balance the coverage rests on can be trusted. */
  readonly balance: BalanceQuality;
}

/** What {@link explainReserve} may know beyond the snapshot. */
export interface ExplainOptions {
  /**
   * The fund config's markets, to tell a market's own leverage profile from the fund default; without
   * it the profile is reported as given in the snapshot.
   */
  readonly configMarkets?: readonly { readonly id: string; readonly leverageProfile?: unknown }[];
  readonly sensitivity?: Sensitivity | null;
  /** The run's data-quality flags (default: the snapshot's `dataQuality.flags`). */
  readonly flags?: readonly FlagLike[];
}

/** The fund-config defaults a snapshot's parameters are compared with. */
const MODEL_DEFAULTS = FundModelSchema.parse({
  defaultLeverageProfile: [{ margin: 1, share: 1 }],
  stressScenarios: [],
});

/**
 * Explains `result` (computed from `snapshot`).
 *
 * @example
 * const why = explainReserve(snapshot, result, { sensitivity: computeSensitivity(snapshot) });
 * whyLines(why); // ["Required $7.76B = (1 + 25% buffer) × $6.21B, …", …]
 */
export function explainReserve(
  snapshot: MarketSnapshot,
  result: ReserveResult,
  options: ExplainOptions = {},
): Explanation {
  return {
    ...explainTerms(result, snapshot.model.buffer),
    assumptions: assumptionsOf(snapshot, result, worstStress(result), options.configMarkets),
    sensitivity: options.sensitivity ?? null,
    balance: balanceQuality(result.fundBalanceUsd, options.flags ?? snapshot.dataQuality?.flags ?? []),
  };
}

/** Sensitivities already computed, per snapshot object: the alert step and the summary share one. */
const SENSITIVITIES = new WeakMap<MarketSnapshot, Sensitivity>();

/**
 * The sensitivity of a snapshot (bounded cost: see `computeSensitivity`), computed once per snapshot
 * object however many renderers ask.
 */
export function sensitivityOf(snapshot: MarketSnapshot): Sensitivity {
  let s = SENSITIVITIES.get(snapshot);
  if (s === undefined) {
    s = computeSensitivity(snapshot);
    SENSITIVITIES.set(snapshot, s);
  }
  return s;
}

/**
 * The explanation of a stored run, sensitivity included (see {@link sensitivityOf}). An alert
 * carries it, so every channel explains the number the same way.
 */
export function explainRun(
  run: {
    readonly snapshot: MarketSnapshot;
    readonly result: ReserveResult;
    readonly flags: readonly FlagLike[];
  },
  configMarkets?: ExplainOptions['configMarkets'],
): Explanation {
  return explainReserve(run.snapshot, run.result, {
    flags: run.flags,
    sensitivity: sensitivityOf(run.snapshot),
    ...(configMarkets === undefined ? {} : { configMarkets }),
  });
}

/**
 * What a result alone explains (an alert queued before alerts carried explanations): the formula,
 * the binding term and its markets, with the buffer inferred from required / max(terms); no
 * assumptions, no sensitivity, the balance judged by its presence only.
 */
export function explainFromResult(result: ReserveResult): Explanation {
  const base = Math.max(result.monteCarlo.esUsd, worstStress(result)?.lossUsd ?? 0, result.cover2Usd ?? 0, 0);
  const modelUsd = result.policy?.modelRequirementUsd ?? result.requiredReserveUsd;
  const buffer = base > 0 ? Number((modelUsd / base - 1).toFixed(4)) : 0;
  return {
    ...explainTerms(result, buffer),
    assumptions: [],
    sensitivity: null,
    balance: balanceQuality(result.fundBalanceUsd, []),
  };
}

/** The formula's terms, the binding one and its loss by market. */
function explainTerms(
  result: ReserveResult,
  buffer: number,
): Omit<Explanation, 'assumptions' | 'sensitivity' | 'balance'> {
  const worst = worstStress(result);
  const terms: ReserveTerm[] = [
    {
      term: 'expectedShortfall',
      label: `ES ${formatPercent(result.monteCarlo.confidence)}`,
      usd: result.monteCarlo.esUsd,
    },
    { term: 'stress', label: 'worst stress', usd: worst === null ? null : worst.lossUsd },
    { term: 'cover2', label: 'cover-2', usd: result.cover2Usd },
  ];
  return {
    requiredReserveUsd: result.requiredReserveUsd,
    buffer,
    baseUsd: Math.max(...terms.map((t) => t.usd ?? Number.NEGATIVE_INFINITY), 0),
    terms,
    binding: result.binding,
    ...(result.policy === undefined ? {} : { policy: result.policy }),
    scenario:
      result.binding === 'expectedShortfall' || result.binding === 'floor' || worst === null
        ? null
        : { name: worst.name, liquidityFactor: worst.liquidityFactor },
    contributions: contributionsOf(result, worst),
  };
}

function worstStress(result: ReserveResult): ReserveResult['stress'][number] | null {
  return result.stress.reduce<ReserveResult['stress'][number] | null>(
    (w, s) => (w === null || s.lossUsd > w.lossUsd ? s : w),
    null,
  );
}

function contributionsOf(
  result: ReserveResult,
  worst: ReserveResult['stress'][number] | null,
): Contribution[] {
  const losses: [string, number][] =
    result.binding === 'expectedShortfall'
      ? result.byMarket.map((m) => [m.id, m.esContributionUsd])
      : result.binding === 'stress' && worst !== null
        ? Object.entries(worst.byMarket)
        : [];
  const total = losses.reduce((s, [, v]) => s + v, 0);
  return losses
    .map(([marketId, lossUsd]) => ({ marketId, lossUsd, share: total > 0 ? lossUsd / total : 0 }))
    .sort((a, b) => b.lossUsd - a.lossUsd || a.marketId.localeCompare(b.marketId));
}

function assumptionsOf(
  snapshot: MarketSnapshot,
  result: ReserveResult,
  worst: ReserveResult['stress'][number] | null,
  configMarkets: ExplainOptions['configMarkets'],
): Assumption[] {
  const { model, markets } = snapshot;
  const n = markets.length;
  const withDepth = markets.filter((m) => m.depthUsd !== undefined).length;
  const tiers = markets.filter((m) => m.maxLeverage !== undefined).length;
  const defaultTails =
    model.tailDof === MODEL_DEFAULTS.tailDof && model.confidence === MODEL_DEFAULTS.confidence;
  return [
    leverageAssumption(snapshot, configMarkets),
    {
      name: 'stress liquidity',
      value:
        worst === null
          ? 'no stress scenario configured'
          : `volume and depth at ${formatPercent(worst.liquidityFactor, 0)} of normal in "${worst.name}"`,
      source: "the scenario's liquidity factor",
    },
    {
      name: 'price impact',
      value:
        withDepth === n
          ? 'walks the order-book depth'
          : `square-root law on 24h volume, k = ${model.impactCoefficient}${withDepth > 0 ? `; order-book depth for ${withDepth} of ${n} markets` : ''}`,
      source:
        withDepth > 0
          ? "the venues' own depth"
          : model.impactCoefficient === MODEL_DEFAULTS.impactCoefficient
            ? 'default'
            : 'set by the fund',
    },
    windowAssumption(snapshot, result),
    {
      name: 'tails',
      value: `${model.tailDof === null ? 'Gaussian' : `Student-t ν = ${model.tailDof}`} shocks, ES at ${formatPercent(model.confidence)}`,
      source: defaultTails ? 'default' : 'set by the fund',
    },
    {
      name: 'position tiers',
      value: tiers === 0 ? 'no maximum leverage known' : `maximum leverage for ${tiers} of ${n} markets`,
      source: tiers === 0 ? 'no venue data' : "the venues' own tiers",
    },
  ];
}

function windowAssumption(snapshot: MarketSnapshot, result: ReserveResult): Assumption {
  const { model } = snapshot;
  if ((result.engine ?? model.engine ?? 'gap') === 'path') {
    const steps = model.stepMinutes === undefined ? '' : ` in ${model.stepMinutes}-minute steps`;
    return model.windowHours === undefined
      ? { name: 'window', value: `the path engine's window${steps}`, source: 'default' }
      : {
          name: 'window',
          value: `${hours(model.windowHours)} liquidation window${steps}`,
          source: 'set by the fund',
        };
  }
  return {
    name: 'window',
    value: `${hours(model.horizonHours)} liquidation window`,
    source: model.horizonHours === MODEL_DEFAULTS.horizonHours ? 'default' : 'set by the fund',
  };
}

function hours(h: number): string {
  return `${Number(h.toFixed(2))} h`;
}

function leverageAssumption(
  snapshot: MarketSnapshot,
  configMarkets: ExplainOptions['configMarkets'],
): Assumption {
  const { markets } = snapshot;
  const n = markets.length;
  const oi = markets.reduce((s, m) => s + m.openInterestUsd, 0);
  const highShare = (m: MarketSnapshot['markets'][number]) =>
    m.leverageProfile.filter((b) => b.margin <= HIGH_LEVERAGE_MARGIN).reduce((a, b) => a + b.share, 0);
  const high = oi > 0 ? markets.reduce((s, m) => s + m.openInterestUsd * highShare(m), 0) / oi : 0;
  const value = `${formatPercent(high, 0)} of open interest at 25x or more`;
  if (configMarkets === undefined)
    return { name: 'leverage profile', value, source: 'as given in the snapshot' };
  const own = markets.filter((m) => configMarkets.find((c) => c.id === m.id)?.leverageProfile !== undefined);
  if (own.length === 0) {
    return {
      name: 'leverage profile',
      value,
      source: `the fund's default for all ${n} markets — an assumption, public data does not show it`,
    };
  }
  return {
    name: 'leverage profile',
    value,
    source: `own profile for ${own.map((m) => m.id).join(', ')}${own.length < n ? `; the fund's default (an assumption) for the other ${n - own.length}` : ''}`,
  };
}

/** `BTC-PERP-BINANCE $1.56B (25%), …, 7 others $2.22B (36%)`: the first `named`, then the rest summed. */
export function contributionList(contributions: readonly Contribution[], named = NAMED_CONTRIBUTORS): string {
  const shown = contributions
    .slice(0, named)
    .map((c) => `${c.marketId} ${formatUsd(c.lossUsd)} (${formatPercent(c.share, 0)})`);
  const rest = contributions.slice(named);
  if (rest.length > 0) {
    const usd = rest.reduce((s, c) => s + c.lossUsd, 0);
    const share = rest.reduce((s, c) => s + c.share, 0);
    shown.push(
      `${rest.length} other${rest.length === 1 ? '' : 's'} ${formatUsd(usd)} (${formatPercent(share, 0)})`,
    );
  }
  return shown.join(', ');
}

/**
 * `Required $7.76B = (1 + 25% buffer) × $6.21B, the largest of ES 99.9% $821M, worst stress $6.21B and
 * cover-2 (not configured)`; with a policy `Required $50.0M = max(model $30.0M + non-market add-ons
 * $5.00M, policy floor $50.0M); model $30.0M = (1 + 25% buffer) × …`.
 */
export function formulaLine(why: Explanation): string {
  const terms = why.terms.map((t) => `${t.label} ${t.usd === null ? '(not configured)' : formatUsd(t.usd)}`);
  const last = terms.pop();
  const model = `(1 + ${formatPercent(why.buffer, 0)} buffer) × ${formatUsd(why.baseUsd)}, the largest of ${terms.join(', ')} and ${last}`;
  const policy = why.policy;
  const formula = policy === undefined ? null : policyFormula(policy);
  if (policy === undefined || formula === null)
    return `Required ${formatUsd(why.requiredReserveUsd)} = ${model}`;
  return `Required ${formatUsd(why.requiredReserveUsd)} = ${formula}; model ${formatUsd(policy.modelRequirementUsd)} = ${model}`;
}

/**
 * The requirement's policy formula: `max(model $30.0M + non-market add-ons $5.00M, policy floor
 * $50.0M)`, `model $30.0M + non-market add-ons $5.00M` or `max(model $30.0M, policy floor $50.0M)`;
 * null for a policy with neither (an empty `addOns` list and no floor).
 */
export function policyFormula(policy: PolicyResult): string | null {
  const model = `model ${formatUsd(policy.modelRequirementUsd)}`;
  const sum =
    policy.addOns.length === 0 ? model : `${model} + non-market add-ons ${formatUsd(policy.addOnsUsd)}`;
  if (policy.floor !== null) return `max(${sum}, policy floor ${formatUsd(policy.floor.usd)})`;
  return policy.addOns.length === 0 ? null : sum;
}

/**
 * What a floor is made of: `2% of open interest $40.0M`, `the fixed minimum $50.0M`, or with both the
 * larger first: `the fixed minimum $50.0M (above 2% of open interest $40.0M)`.
 */
export function floorWords(floor: NonNullable<PolicyResult['floor']>): string {
  const parts: { usd: number; text: string }[] = [];
  if (floor.openInterestShare !== null) {
    const usd = floor.openInterestShare * floor.openInterestUsd;
    parts.push({ usd, text: `${formatPercent(floor.openInterestShare)} of open interest ${formatUsd(usd)}` });
  }
  if (floor.minimumUsd !== null)
    parts.push({ usd: floor.minimumUsd, text: `the fixed minimum ${formatUsd(floor.minimumUsd)}` });
  // The minimum wins a tie: it is the part that does not move with the market.
  parts.sort((a, b) => b.usd - a.usd || (a.text.startsWith('the fixed') ? -1 : 1));
  const [first, second] = parts;
  if (first === undefined) return 'no floor';
  return second === undefined ? first.text : `${first.text} (above ${second.text})`;
}

/** How an add-on is sized: `5% of $100M held`, or `fixed` for a fixed amount. */
export function addOnBasis(a: PolicyResult['addOns'][number]): string {
  return a.share !== undefined && a.valueUsd !== undefined
    ? `${formatPercent(a.share)} of ${formatUsd(a.valueUsd)} held`
    : 'fixed';
}

/** `smart-contract failure $5.00M (5% of $100M held), oracle failure $2.00M (fixed)`. */
export function addOnList(policy: PolicyResult): string {
  return policy.addOns.map((a) => `${a.name} ${formatUsd(a.usd)} (${addOnBasis(a)})`).join(', ');
}

/**
 * The policy's own lines beside the binding term: the add-ons (policy, not model) and a floor that
 * does not bind; empty without a policy. A binding floor is the binding line itself.
 */
export function policyLines(why: Explanation): string[] {
  const policy = why.policy;
  if (policy === undefined) return [];
  const lines: string[] = [];
  if (policy.addOns.length > 0)
    lines.push(
      `Non-market add-ons (policy, not model): ${addOnList(policy)}; ${formatUsd(policy.addOnsUsd)} in all`,
    );
  if (policy.floor !== null && why.binding !== 'floor')
    lines.push(`Policy floor (not binding): ${floorWords(policy.floor)}`);
  return lines;
}

/** `Set by the worst stress scenario "…" (volume and depth at 4% of normal)`. */
export function bindingLine(why: Explanation): string {
  if (why.binding === 'floor') {
    const p = why.policy;
    if (p === undefined || p.floor === null) return 'Set by the policy floor';
    const addOns = p.addOns.length === 0 ? '' : ` plus non-market add-ons ${formatUsd(p.addOnsUsd)}`;
    return `Set by the policy floor: ${floorWords(p.floor)}, above the model requirement ${formatUsd(p.modelRequirementUsd)}${addOns}`;
  }
  if (why.binding === 'expectedShortfall')
    return 'Set by the Monte Carlo expected shortfall (the mean loss of the worst tail scenarios)';
  const scenario =
    why.scenario === null
      ? ''
      : ` "${why.scenario.name}" (volume and depth at ${formatPercent(why.scenario.liquidityFactor, 0)} of normal)`;
  return why.binding === 'stress'
    ? `Set by the worst stress scenario${scenario}`
    : `Set by cover-2: the two largest accounts defaulting in the worst stress scenario${scenario}`;
}

/** The sensitivity as one line per assumption: `leverage margins −50% $11.0B (1.42×), +50% $6.05B (0.78×)`. */
export function sensitivityLines(why: Explanation): string[] {
  const s = why.sensitivity;
  if (s === null) return [];
  const at = (ratio: number) => `${formatUsd(ratio * why.requiredReserveUsd)} (${ratio.toFixed(2)}×)`;
  return s.lines.map((l) => `${l.what} −50% ${at(l.down.ratio)}, +50% ${at(l.up.ratio)}`);
}

/** The heading of the sensitivity lines, stating their cost. */
export function sensitivityHeading(s: Sensitivity): string {
  return `If an assumption moved ±50% (${s.runs} runs of ${formatCount(s.paths)} paths, seed ${s.seed}; ratios to the unperturbed run at the same paths)`;
}

/**
 * The explanation as plain lines (terminal, email): formula, binding term, its loss by market,
 * assumptions, sensitivity. The HTML report renders the same facts as tables.
 *
 * @param named - markets named before the rest are summed
 */
export function whyLines(why: Explanation, named = NAMED_CONTRIBUTORS): string[] {
  const lines = [formulaLine(why), bindingLine(why)];
  if (why.contributions.length > 0)
    lines.push(`Its loss by market: ${contributionList(why.contributions, named)}`);
  lines.push(...policyLines(why));
  if (why.assumptions.length > 0) lines.push('Key assumptions:');
  for (const a of why.assumptions) lines.push(`  ${a.name}: ${a.value} (${a.source})`);
  if (why.sensitivity !== null) {
    lines.push(`${sensitivityHeading(why.sensitivity)}:`);
    for (const l of sensitivityLines(why)) lines.push(`  ${l}`);
  }
  return lines;
}

/**
 * The path engine's own facts (v2 result fields) in plain words, one line each; empty for a v1
 * result that has none of them.
 *
 * @example
 * engineLines(result);
 * // ["Engine: path — positions are closed along the price path as their margin runs out",
 * //  "Tail loss = bad debt $1.20B − liquidation income $300M = $900M (mean over the tail scenarios)", …]
 */
export function engineLines(result: ReserveResult): string[] {
  const lines: string[] = [];
  if (result.engine === 'path') {
    lines.push('Engine: path — positions are closed along the price path as their margin runs out');
  } else if (result.engine === 'gap') {
    lines.push("Engine: gap (v1) — every bankrupt position rides the whole window's move");
  }
  const b = result.lossBreakdown;
  if (b !== undefined) {
    lines.push(
      `Tail loss = bad debt ${formatUsd(b.badDebtUsd)} − liquidation income ${formatUsd(b.liquidationIncomeUsd)} = ${formatUsd(b.netLossUsd)} (mean over the tail scenarios)`,
    );
  }
  if (result.effectiveBalanceUsd !== undefined && result.effectiveBalanceUsd !== null) {
    lines.push(
      `Effective balance ${formatUsd(result.effectiveBalanceUsd)} (the balance revalued in the tail scenarios; coverage uses it)`,
    );
  }
  const odds: string[] = [];
  if (result.exhaustionProbability !== undefined) {
    odds.push(`P(fund exhausted within the window) ${formatProbability(result.exhaustionProbability)}`);
  }
  if (result.adl !== undefined) {
    odds.push(
      `P(ADL) ${formatProbability(result.adl.probability)}${result.adl.expectedNotionalUsd > 0 ? `, expected ADL notional ${formatUsd(result.adl.expectedNotionalUsd)} when it happens` : ''}`,
    );
  }
  if (odds.length > 0) lines.push(odds.join('; '));
  const reverse = reverseStressLine(result.reverseStress);
  if (reverse !== null) lines.push(reverse);
  if (result.conservativeBoundUsd !== undefined) {
    lines.push(`The v1 gap model's conservative bound: ${formatUsd(result.conservativeBoundUsd)}`);
  }
  return lines;
}

/** The most severe reverse-stress finding: the smallest multiple of a path that exhausts the fund. */
function reverseStressLine(reverse: ReserveResult['reverseStress']): string | null {
  if (reverse === undefined || reverse.length === 0) return null;
  const hits = reverse.filter((r): r is typeof r & { scale: number } => r.scale !== null);
  if (hits.length === 0) {
    const max = Math.max(...reverse.map((r) => r.maxScale));
    return `Reverse stress: no scenario exhausts the fund up to ${Number(max.toFixed(2))} × its path (${reverse.length} scenario and depth pairs tested)`;
  }
  const worst = hits.reduce((a, b) => (b.scale < a.scale ? b : a));
  return `Reverse stress: the fund is exhausted by ${worst.scale.toFixed(1)} × the ${worst.scenario} path at ${formatPercent(worst.liquidityFactor, 0)} depth`;
}
