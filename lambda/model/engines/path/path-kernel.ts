/**
 * The path engine's kernel (docs/MODEL.md §2): one scenario's price path through the book,
 * step by step. The same function serves the Monte Carlo (exogenous paths from the generator) and
 * every deterministic replay (stress paths, `backstop stress`, reverse stress), so a Monte Carlo
 * scenario's loss is by construction its replay's.
 *
 * Per market m and step t (conventions: distances and OI in units of notional at the snapshot's
 * price P0; a long's adverse move is 1 − P/P0, a short's P/P0 − 1):
 * 1. mid P_t = P0·(1 + r_t)·M, r_t the exogenous cumulative simple return, M the permanent impact so far;
 * 2. each side's running maximum adverse move A; notional at distance d ≤ A + maintenanceMargin has
 *    been triggered and waits in the side's queue (the fund's takeover inventory). Triggers happen in
 *    order of distance, so a queue is always the distance slice [done, A + mm];
 * 3. the engine closes at most Θ = throughputMultiple·(V/1440)·stepMinutes·λ^a of the two queues
 *    (shared pro rata), filling at the mid ± slippage (the √-law on the step's flow, or a walk of the
 *    λ-thinned depth curve by each minute's share of it); on a recorded path at the path's own price
 *    (its traded prices hold the liquidations' impact already);
 * 4. each closed slice [a, b] at adverse fill x costs bad debt ∫(x − d)⁺dG and earns income
 *    ∫(d − x)⁺dG ("remainder") or ∫min(f, (d − x)⁺)dG ({feeRate});
 * 5. a share π of the step's slippage moves the mid for the rest of the window (the cascade);
 * 6. the fund F_t = its balance revalued at P_t minus the net loss so far. ADL fires when, after the
 *    step's fills, F ≤ 0 or the takeover inventory — the queued notional already past bankruptcy —
 *    exceeds inventoryCapMultiple·F.
 * At the end, what the queues still hold is closed at the final mid.
 *
 * Two modes. `limited: false` (the requirement): the fund is unlimited, nothing is deleveraged, and
 * the exhaustion/ADL fields are diagnostics of the current balance along that same path (exact up to
 * the first firing, where the two modes still coincide). `limited: true` (`backstop stress`, the
 * stress outcome): when ADL fires the queues are closed against the winning side at their bankruptcy
 * prices (no fill, no impact; the bad debt they carried at the mid is the ADL loss), and a fund
 * driven below zero by fills is reset to zero with the excess counted as ADL loss.
 *
 * No allocation per step: the state lives in a {@link KernelWorkspace} reused across scenarios, and
 * the helpers take only integer indices (doubles travel through the workspace's typed arrays), so
 * V8 never boxes a double on a call that it does not inline.
 */

import { type FlatBooks, flattenBooks } from './flat-book.ts';
import type { PathBook } from './path-book.ts';
import { type DepthWalk, walkSlippage } from './slippage.ts';

/** Largest slippage a fill can have: a price cannot go below zero. */
const MAX_SLIPPAGE = 1;

/**
 * What one scenario did (USD; losses positive). Notionals (liquidated, ADL) are in USD at the
 * snapshot's prices. Per-market arrays are index-aligned with the book.
 */
export interface ScenarioOutcome {
  badDebtUsd: number;
  incomeUsd: number;
  /** badDebt − income: the fund's net loss (negative = the fund grew). */
  netLossUsd: number;
  liquidatedUsd: number;
  /** The fund's value change from its own composition over the window (positive = it lost value). */
  revaluationLossUsd: number;
  /** F ≤ 0 at some step (null without a balance). */
  exhausted: boolean;
  adlFired: boolean;
  adlNotionalUsd: number;
  /** Bad debt the fund could not absorb (limited mode; in unlimited mode max(0, −F_end)). */
  adlLossUsd: number;
  /** max(0, F_end): the revalued balance minus the net loss the fund absorbed. */
  fundAfterUsd: number;
  readonly badDebtByMarket: Float64Array;
  readonly incomeByMarket: Float64Array;
  readonly liquidatedByMarket: Float64Array;
  /** Index 2m: longs of market m, 2m + 1: shorts. */
  readonly badDebtBySide: Float64Array;
  readonly incomeBySide: Float64Array;
  readonly liquidatedBySide: Float64Array;
  readonly adlNotionalBySide: Float64Array;
  /** Largest adverse move of the mid per side over the window (for cover-2). */
  readonly maxAdverseBySide: Float64Array;
}

/** Totals of a scenario, accumulated in a typed array (index names below). */
const BAD = 0;
const INCOME = 1;
const LIQUIDATED = 2;
const ADL_NOTIONAL = 3;
const ADL_LOSS = 4;

/**
 * Reusable state of the kernel for one book: per market its constants, permanent impact and mid
 * relative to P0; per side s (2m longs, 2m + 1 shorts) the running adverse move, the triggered and
 * executed distance boundaries with their CDF G, moment H and segment, and the queue.
 */
export interface KernelWorkspace {
  readonly flat: FlatBooks;
  readonly outcome: ScenarioOutcome;
  /** Open interest per side s (longs and shorts differ when large accounts are added to one side). */
  readonly oi: Float64Array;
  readonly mm: Float64Array;
  readonly throughput: Float64Array;
  readonly rootPerUsd: Float64Array;
  readonly feeRate: Float64Array;
  readonly bids: readonly (DepthWalk | null)[];
  readonly asks: readonly (DepthWalk | null)[];
  readonly impact: Float64Array;
  readonly relative: Float64Array;
  readonly adverse: Float64Array;
  readonly trig: Float64Array;
  readonly trigG: Float64Array;
  readonly trigH: Float64Array;
  readonly trigSeg: Int32Array;
  readonly done: Float64Array;
  readonly doneG: Float64Array;
  readonly doneH: Float64Array;
  readonly doneSeg: Int32Array;
  readonly queue: Float64Array;
  /** The trigger boundary at the start of the step (what was queued before it), with G and H. */
  readonly prev: Float64Array;
  readonly prevG: Float64Array;
  readonly prevH: Float64Array;
  readonly prevSeg: Int32Array;
  /** Per side: the step's fill slippage. */
  readonly fillSlip: Float64Array;
  /** Per side: the fill's adverse move x and the notional to fill. */
  readonly fillX: Float64Array;
  readonly fillUsd: Float64Array;
  /** Scratch of one slice: bad debt and income per unit of OI. */
  readonly slice: Float64Array;
  readonly totals: Float64Array;
}

/** Allocates a workspace for `book` (once per run). */
export function createWorkspace(book: PathBook): KernelWorkspace {
  const markets = book.markets;
  const marketCount = markets.length;
  const sides = 2 * marketCount;
  const f64 = () => new Float64Array(sides);
  return {
    flat: flattenBooks(book),
    outcome: {
      badDebtUsd: 0,
      incomeUsd: 0,
      netLossUsd: 0,
      liquidatedUsd: 0,
      revaluationLossUsd: 0,
      exhausted: false,
      adlFired: false,
      adlNotionalUsd: 0,
      adlLossUsd: 0,
      fundAfterUsd: 0,
      badDebtByMarket: new Float64Array(marketCount),
      incomeByMarket: new Float64Array(marketCount),
      liquidatedByMarket: new Float64Array(marketCount),
      badDebtBySide: f64(),
      incomeBySide: f64(),
      liquidatedBySide: f64(),
      adlNotionalBySide: f64(),
      maxAdverseBySide: f64(),
    },
    oi: Float64Array.from(markets.flatMap((m) => [m.longOpenInterestUsd, m.shortOpenInterestUsd])),
    mm: Float64Array.from(markets, (m) => m.maintenanceMargin),
    throughput: Float64Array.from(markets, (m) => m.throughputPerMinuteUsd),
    rootPerUsd: Float64Array.from(markets, (m) => m.rootPerUsd),
    feeRate: Float64Array.from(markets, (m) => m.feeRate),
    bids: markets.map((m) => m.bids),
    asks: markets.map((m) => m.asks),
    impact: new Float64Array(marketCount),
    relative: new Float64Array(marketCount),
    adverse: f64(),
    trig: f64(),
    trigG: f64(),
    trigH: f64(),
    trigSeg: new Int32Array(sides),
    done: f64(),
    doneG: f64(),
    doneH: f64(),
    doneSeg: new Int32Array(sides),
    queue: f64(),
    prev: f64(),
    prevG: f64(),
    prevH: f64(),
    prevSeg: new Int32Array(sides),
    fillSlip: f64(),
    fillX: f64(),
    fillUsd: f64(),
    slice: new Float64Array(2),
    totals: new Float64Array(5),
  };
}

/** One scenario's exogenous path and conditions. */
export interface ScenarioInput {
  /** Cumulative simple return of market m's exogenous mid after step t at [t·n + m], t = 0 … steps − 1. */
  readonly cumulativeReturn: Float64Array;
  readonly steps: number;
  /** Length of each step in minutes (throughput per step). */
  readonly stepMinutes: number;
  /** Liquidity λ in (0, 1]: scales throughput and depth. */
  readonly liquidityFactor: number;
  /** Whether the fund is limited (ADL closes what it cannot absorb) or unlimited (the requirement). */
  readonly limited: boolean;
  /**
   * Whether the path already contains the liquidations' own impact (a recorded market path): then no
   * permanent impact is added on top of it. Monte Carlo paths are exogenous (false).
   */
  readonly impactIncluded: boolean;
  /**
   * Steps whose move is a gap (1) rather than continuous (0): positions a gap triggers can only fill
   * after it; null = every step continuous.
   */
  readonly gapSteps: Uint8Array | null;
}

function reset(ws: KernelWorkspace): void {
  const o = ws.outcome;
  o.badDebtByMarket.fill(0);
  o.incomeByMarket.fill(0);
  o.liquidatedByMarket.fill(0);
  o.badDebtBySide.fill(0);
  o.incomeBySide.fill(0);
  o.liquidatedBySide.fill(0);
  o.adlNotionalBySide.fill(0);
  ws.totals.fill(0);
  const { flat, adverse, trig, trigG, trigH, trigSeg, done, doneG, doneH, doneSeg, queue } = ws;
  for (let s = 0; s < adverse.length; s++) {
    // Nothing triggered or executed yet: both boundaries at the book's first edge (G = H = 0).
    const first = flat.edges[flat.offset[s]!]!;
    adverse[s] = 0;
    trig[s] = first;
    trigG[s] = 0;
    trigH[s] = 0;
    trigSeg[s] = 0;
    done[s] = first;
    doneG[s] = 0;
    doneH[s] = 0;
    doneSeg[s] = 0;
    queue[s] = 0;
  }
  ws.impact.fill(1);
}

/**
 * G(d) and H(d) of side s into slots `at` and `at + 1` of `out`, the segment scan starting at `hint`
 * (d is clamped to the book's range, beyond which G and H are constant). Returns the segment.
 */
function evaluate(
  flat: FlatBooks,
  s: number,
  d: number,
  hint: number,
  out: Float64Array,
  at: number,
): number {
  const base = flat.offset[s]!;
  const last = flat.segments[s]! - 1;
  const edges = flat.edges;
  const lo = edges[base]!;
  const hi = edges[base + last + 1]!;
  const c = d < lo ? lo : d > hi ? hi : d;
  let j = hint > last ? last : hint;
  while (j < last && c >= edges[base + j + 1]!) j++;
  while (j > 0 && c < edges[base + j]!) j--;
  const k = base + j;
  const e = edges[k]!;
  const rho = flat.density[k]!;
  out[at] = flat.cdf[k]! + rho * (c - e);
  out[at + 1] = flat.moment[k]! + (rho * (c * c - e * e)) / 2;
  return j;
}

/** Scratch for {@link evaluate} inside {@link closeSlice}: [G(c), H(c), G(u), H(u), G(up), H(up)]. */
const EVAL = new Float64Array(6);

/**
 * Bad debt and income per unit of OI of closing side s's distances from `done` to `b` (with G, H
 * and segment `gb`, `hb`) at the side's fill move x, into `ws.slice`.
 */
function closeSlice(ws: KernelWorkspace, s: number, m: number, b: number, gb: number, hb: number): void {
  const a = ws.done[s]!;
  const ga = ws.doneG[s]!;
  const ha = ws.doneH[s]!;
  const x = ws.fillX[s]!;
  const feeRate = ws.feeRate[m]!;
  let gc = ga;
  let hc = ha;
  if (x >= b) {
    gc = gb;
    hc = hb;
  } else if (x > a) {
    evaluate(ws.flat, s, x, ws.doneSeg[s]!, EVAL, 0);
    gc = EVAL[0]!;
    hc = EVAL[1]!;
  }
  const bad = x * (gc - ga) - (hc - ha);
  let income = 0;
  if (x < b) {
    const capped = x + feeRate;
    if (feeRate < 0 || capped >= b) {
      income = hb - hc - x * (gb - gc);
    } else {
      const c = x > a ? x : a;
      evaluate(ws.flat, s, capped < c ? c : capped, ws.doneSeg[s]!, EVAL, 2);
      income = EVAL[3]! - hc - x * (EVAL[2]! - gc) + feeRate * (gb - EVAL[2]!);
    }
  }
  ws.slice[0] = bad > 0 ? bad : 0;
  ws.slice[1] = income > 0 ? income : 0;
}

/** Books the slice in `ws.slice` (closing `closedShare` of side s's OI) and returns nothing. */
function book(ws: KernelWorkspace, s: number, m: number, closedShare: number): void {
  const o = ws.outcome;
  const oi = ws.oi[s]!;
  const bad = oi * ws.slice[0]!;
  const income = oi * ws.slice[1]!;
  const closed = oi * closedShare;
  o.badDebtBySide[s]! += bad;
  o.incomeBySide[s]! += income;
  o.liquidatedBySide[s]! += closed;
  o.badDebtByMarket[m]! += bad;
  o.incomeByMarket[m]! += income;
  o.liquidatedByMarket[m]! += closed;
  ws.totals[BAD]! += bad;
  ws.totals[INCOME]! += income;
  ws.totals[LIQUIDATED]! += closed;
}

/** Advances side s's executed boundary to (d, G, H, segment) and takes `closedShare`·OI off its queue. */
function advance(ws: KernelWorkspace, s: number, d: number, g: number, h: number, seg: number): void {
  ws.queue[s] = ws.queue[s]! - ws.oi[s]! * (g - ws.doneG[s]!);
  if (ws.queue[s]! < 0) ws.queue[s] = 0;
  ws.done[s] = d;
  ws.doneG[s] = g;
  ws.doneH[s] = h;
  ws.doneSeg[s] = seg;
}

/** Scratch of {@link boundaryAt}: [distance, H]; the segment in {@link BOUNDARY_SEGMENT}. */
const BOUNDARY = new Float64Array(2);
const BOUNDARY_SEGMENT = new Int32Array(1);

/** The smallest distance where side s's G reaches g, from the done segment upward, with H there. */
function boundaryAt(ws: KernelWorkspace, s: number, g: number): void {
  const flat = ws.flat;
  const base = flat.offset[s]!;
  const last = flat.segments[s]! - 1;
  const cdf = flat.cdf;
  let j = ws.doneSeg[s]!;
  while (j < last && g > cdf[base + j + 1]!) j++;
  const rho = flat.density[base + j]!;
  const e = flat.edges[base + j]!;
  const d = rho > 0 ? e + (g - cdf[base + j]!) / rho : e;
  BOUNDARY[0] = d;
  BOUNDARY[1] = flat.moment[base + j]! + (rho * (d * d - e * e)) / 2;
  BOUNDARY_SEGMENT[0] = j;
}

/**
 * Fills queued inventory of side s (triggered in earlier steps, or by a gap) at the step's fill move
 * x: from `done` up to share g (the trigger boundary when `toTrig`, the step's start boundary when
 * `toPrev`).
 */
function fillQueued(
  ws: KernelWorkspace,
  s: number,
  m: number,
  g: number,
  toTrig: boolean,
  toPrev: boolean,
): void {
  let d: number;
  let h: number;
  let seg: number;
  if (toTrig) {
    d = ws.trig[s]!;
    h = ws.trigH[s]!;
    seg = ws.trigSeg[s]!;
  } else if (toPrev) {
    d = ws.prev[s]!;
    h = ws.prevH[s]!;
    seg = ws.prevSeg[s]!;
  } else {
    boundaryAt(ws, s, g);
    d = BOUNDARY[0]!;
    h = BOUNDARY[1]!;
    seg = BOUNDARY_SEGMENT[0]!;
  }
  closeSlice(ws, s, m, d, g, h);
  book(ws, s, m, g - ws.doneG[s]!);
  advance(ws, s, d, g, h, seg);
}

/**
 * ∫ max(0, α + β·d) dG over side s's distances [a, b] (G, H known at both ends): the positive part
 * of a P&L linear in the distance.
 */
function positivePart(
  ws: KernelWorkspace,
  s: number,
  a: number,
  ga: number,
  ha: number,
  b: number,
  gb: number,
  hb: number,
  alpha: number,
  beta: number,
): number {
  // ∫ (α + β·d) dG between two boundaries is α·ΔG + β·ΔH.
  if (beta === 0) return alpha > 0 ? alpha * (gb - ga) + beta * (hb - ha) : 0;
  const root = -alpha / beta;
  if (root <= a) return beta > 0 ? alpha * (gb - ga) + beta * (hb - ha) : 0;
  if (root >= b) return beta > 0 ? 0 : alpha * (gb - ga) + beta * (hb - ha);
  evaluate(ws.flat, s, root, ws.doneSeg[s]!, EVAL, 0);
  const gr = EVAL[0]!;
  const hr = EVAL[1]!;
  return beta > 0 ? alpha * (gb - gr) + beta * (hb - hr) : alpha * (gr - ga) + beta * (hr - ha);
}

/** Scratch: the new slice's end [distance, G, H, segment]. */
const NEW_END = new Float64Array(4);

/**
 * Fills side s's notional triggered during this (continuous) step, from `done` up to share g: each
 * position fills as the price passes its trigger d − mm, plus the step's slippage, so its P&L per
 * unit is linear in d: longs d − x(d) = mm − slip·(1 − d + mm), shorts mm − slip·(1 + d − mm).
 */
function fillFresh(ws: KernelWorkspace, s: number, m: number, g: number, toTrig: boolean): void {
  if (toTrig) {
    NEW_END[0] = ws.trig[s]!;
    NEW_END[2] = ws.trigH[s]!;
    NEW_END[3] = ws.trigSeg[s]!;
  } else {
    boundaryAt(ws, s, g);
    NEW_END[0] = BOUNDARY[0]!;
    NEW_END[2] = BOUNDARY[1]!;
    NEW_END[3] = BOUNDARY_SEGMENT[0]!;
  }
  const a = ws.done[s]!;
  const ga = ws.doneG[s]!;
  const ha = ws.doneH[s]!;
  const b = NEW_END[0]!;
  const hb = NEW_END[2]!;
  const mm = ws.mm[m]!;
  const slip = ws.fillSlip[s]!;
  const long = (s & 1) === 0;
  const alpha = long ? mm - slip * (1 + mm) : mm - slip * (1 - mm);
  const beta = long ? slip : -slip;
  const bad = positivePart(ws, s, a, ga, ha, b, g, hb, -alpha, -beta);
  let income = positivePart(ws, s, a, ga, ha, b, g, hb, alpha, beta);
  const fee = ws.feeRate[m]!;
  if (fee >= 0) income -= positivePart(ws, s, a, ga, ha, b, g, hb, alpha - fee, beta);
  ws.slice[0] = bad > 0 ? bad : 0;
  ws.slice[1] = income > 0 ? income : 0;
  book(ws, s, m, g - ga);
  advance(ws, s, b, g, hb, NEW_END[3]!);
}

/**
 * Fills `ws.fillUsd[s]` of side s's queue, oldest (lowest distance) first: what was queued before
 * the step at the step's fill move x, then (in a continuous step) what the step triggered at each
 * position's own trigger price.
 */
function fillSide(ws: KernelWorkspace, s: number, m: number, all: boolean, gap: boolean): void {
  const oi = ws.oi[s]!;
  const start = ws.doneG[s]!;
  const target = all ? ws.trigG[s]! : start + ws.fillUsd[s]! / oi;
  const prevG = gap ? ws.trigG[s]! : ws.prevG[s]! > start ? ws.prevG[s]! : start;
  if (prevG > start) {
    if (target <= prevG) {
      fillQueued(ws, s, m, target, all && gap, false);
      return;
    }
    fillQueued(ws, s, m, prevG, gap, !gap);
  }
  if (target > ws.doneG[s]!) fillFresh(ws, s, m, target, all);
}

/** Deleverages side s's queue at its fill move x (the mid): no fill, no impact; its bad debt is ADL loss. */
function deleverage(ws: KernelWorkspace, s: number, m: number): void {
  const queue = ws.queue[s]!;
  if (!(queue > 0)) return;
  const saved = ws.feeRate[m]!;
  ws.feeRate[m] = -1;
  closeSlice(ws, s, m, ws.trig[s]!, ws.trigG[s]!, ws.trigH[s]!);
  ws.feeRate[m] = saved;
  ws.outcome.adlNotionalBySide[s]! += queue;
  ws.totals[ADL_NOTIONAL]! += queue;
  ws.totals[ADL_LOSS]! += ws.oi[s]! * ws.slice[0]!;
  ws.done[s] = ws.trig[s]!;
  ws.doneG[s] = ws.trigG[s]!;
  ws.doneH[s] = ws.trigH[s]!;
  ws.doneSeg[s] = ws.trigSeg[s]!;
  ws.queue[s] = 0;
}

/**
 * The part of side s's queue already past bankruptcy at the side's current adverse move x: the
 * positions the fund has to take over, because the engine can no longer close them above their
 * bankruptcy price. The rest of the queue is still being liquidated in the market.
 */
function bankruptQueued(ws: KernelWorkspace, s: number, x: number): number {
  const queued = ws.queue[s]!;
  if (!(queued > 0) || !(x > ws.done[s]!)) return 0;
  const reach = x < ws.trig[s]! ? x : ws.trig[s]!;
  evaluate(ws.flat, s, reach, ws.doneSeg[s]!, EVAL, 0);
  const bankrupt = ws.oi[s]! * (EVAL[0]! - ws.doneG[s]!);
  return bankrupt <= 0 ? 0 : bankrupt > queued ? queued : bankrupt;
}

/** Moves side s's trigger boundary out to its adverse move + mm, updating G, H and the queue. */
function trigger(ws: KernelWorkspace, s: number, m: number): void {
  const reach = ws.adverse[s]! + ws.mm[m]!;
  ws.trig[s] = reach;
  ws.trigSeg[s] = evaluate(ws.flat, s, reach, ws.trigSeg[s]!, EVAL, 4);
  ws.trigG[s] = EVAL[4]!;
  ws.trigH[s] = EVAL[5]!;
  const queue = ws.oi[s]! * (EVAL[4]! - ws.doneG[s]!);
  ws.queue[s] = queue > 0 ? queue : 0;
}

/**
 * Fill slippage of a step's `usd` (at the current mid, already divided by λ) over `minutes`: the
 * √-law on the step's flow as one metaorder, or a walk of the λ-thinned book by each minute's share
 * of it (the engine spreads its fills over the step and the book refills between minutes).
 */
function slippage(
  walk: DepthWalk | null,
  rootPerUsd: number,
  usdOverLambda: number,
  minutes: number,
): number {
  const slip =
    walk === null
      ? rootPerUsd * Math.sqrt(usdOverLambda)
      : walkSlippage(walk, usdOverLambda / Math.max(1, minutes));
  return slip > MAX_SLIPPAGE ? MAX_SLIPPAGE : slip;
}

/**
 * Runs one scenario through the book and leaves its outcome in `ws.outcome`.
 *
 * @returns the fund's net loss of the scenario in USD (the same as `ws.outcome.netLossUsd`)
 */
export function runScenario(pathBook: PathBook, input: ScenarioInput, ws: KernelWorkspace): number {
  const n = ws.mm.length;
  reset(ws);
  const o = ws.outcome;
  const totals = ws.totals;
  const { cumulativeReturn, steps, stepMinutes, liquidityFactor, limited } = input;
  const pi = input.impactIncluded ? 0 : pathBook.permanentImpactShare;
  // A recorded path is the market's traded prices, the liquidations' own flow and its temporary
  // impact included: a fill there is at the path's price, with no slippage added on top.
  const fillCost = input.impactIncluded ? 0 : 1;
  // Throughput follows liquidity less than depth does: in a crash volume rises while books thin.
  const throughputFactor = liquidityFactor ** pathBook.throughputLiquidityExponent;
  const cap = pathBook.inventoryCapMultiple;
  const balance = pathBook.fund.balanceUsd;
  const pricedUsd = pathBook.fund.pricedUsd;
  const stableUsd = pathBook.fund.stableUsd;
  const { adverse, queue, impact, relative, fillX, fillUsd, throughput, rootPerUsd } = ws;
  let netAbsorbed = 0;
  let netTotal = 0;
  let fundValue = balance ?? 0;
  let fired = false;
  let exhausted = false;

  for (let t = 0; t < steps; t++) {
    const row = t * n;
    const gap = input.gapSteps !== null && input.gapSteps[t] === 1;
    ws.prev.set(ws.trig);
    ws.prevG.set(ws.trigG);
    ws.prevH.set(ws.trigH);
    ws.prevSeg.set(ws.trigSeg);
    // 1–2. Mids, running adverse moves, triggers and queues.
    fundValue = stableUsd;
    for (let m = 0; m < n; m++) {
      const rel = (1 + cumulativeReturn[row + m]!) * impact[m]!;
      relative[m] = rel;
      fundValue += pricedUsd[m]! * rel;
      for (let side = 0; side < 2; side++) {
        const s = 2 * m + side;
        const move = side === 0 ? 1 - rel : rel - 1;
        if (move > adverse[s]!) {
          adverse[s] = move;
          const before = queue[s]!;
          trigger(ws, s, m);
          if (fired && !limited) {
            // Unlimited diagnostics: after the first firing, new triggers would be deleveraged.
            totals[ADL_NOTIONAL]! += queue[s]! - before;
            o.adlNotionalBySide[s]! += queue[s]! - before;
          }
        }
      }
    }
    // 3–5. Fills within the engine's throughput, their P&L and their permanent impact.
    const netBefore = totals[BAD]! - totals[INCOME]!;
    for (let m = 0; m < n; m++) {
      const sLong = 2 * m;
      const sShort = sLong + 1;
      const queued = queue[sLong]! + queue[sShort]!;
      if (!(queued > 0)) continue;
      const capacity = throughput[m]! * stepMinutes * throughputFactor;
      if (!(capacity > 0)) continue;
      const all = capacity >= queued;
      const fillShare = all ? 1 : capacity / queued;
      const rel = relative[m]!;
      let moveFactor = 1;
      for (let side = 0; side < 2; side++) {
        const s = sLong + side;
        const q = queue[s]!;
        if (!(q > 0)) continue;
        const filled = q * fillShare;
        const slip = slippage(
          side === 0 ? ws.bids[m]! : ws.asks[m]!,
          rootPerUsd[m]!,
          (filled * rel) / liquidityFactor,
          stepMinutes,
        );
        const paid = fillCost * slip;
        const x = side === 0 ? 1 - rel * (1 - paid) : rel * (1 + paid) - 1;
        fillX[s] = x > 1 ? 1 : x;
        fillUsd[s] = filled;
        ws.fillSlip[s] = paid;
        fillSide(ws, s, m, all, gap);
        if (all) queue[s] = 0;
        moveFactor *= side === 0 ? 1 - pi * slip : 1 + pi * slip;
      }
      impact[m]! *= moveFactor;
    }
    const stepNet = totals[BAD]! - totals[INCOME]! - netBefore;
    netTotal += stepNet;
    netAbsorbed += stepNet;
    // 6. The waterfall, after the step's fills: the fund exhausted, or holding more takeover
    // inventory — the queued positions already past bankruptcy, which the fund must take over —
    // than inventoryCapMultiple × its value (Binance's maximum net notional of the fund).
    if (balance !== null) {
      let f = fundValue - (limited ? netAbsorbed : netTotal);
      if (f <= 0) exhausted = true;
      if (limited && f < 0) {
        // Fills drove the fund below zero: the excess is socialised, the fund stays at zero.
        totals[ADL_LOSS]! += -f;
        netAbsorbed = fundValue;
        f = 0;
      }
      let inventory = 0;
      if (cap !== null) {
        for (let m = 0; m < n; m++) {
          const rel = relative[m]!;
          inventory += (bankruptQueued(ws, 2 * m, 1 - rel) + bankruptQueued(ws, 2 * m + 1, rel - 1)) * rel;
        }
      }
      const breach = f <= 0 || (cap !== null && inventory > cap * f);
      if (!fired && breach) {
        fired = true;
        if (!limited) {
          for (let q = 0; q < 2 * n; q++) {
            o.adlNotionalBySide[q]! += queue[q]!;
            totals[ADL_NOTIONAL]! += queue[q]!;
          }
        }
      }
      if (limited && breach) {
        for (let m = 0; m < n; m++) {
          fillX[2 * m] = 1 - relative[m]!;
          fillX[2 * m + 1] = relative[m]! - 1;
          deleverage(ws, 2 * m, m);
          deleverage(ws, 2 * m + 1, m);
        }
      }
    }
  }
  // End of the window: what the queues still hold is closed at the final mid (after the last step's
  // permanent impact), and the fund is valued there.
  const netBeforeEnd = totals[BAD]! - totals[INCOME]!;
  const lastRow = (steps - 1) * n;
  fundValue = stableUsd;
  for (let m = 0; m < n; m++) {
    const rel = steps === 0 ? 1 : (1 + cumulativeReturn[lastRow + m]!) * impact[m]!;
    fundValue += pricedUsd[m]! * rel;
    fillX[2 * m] = 1 - rel;
    fillX[2 * m + 1] = rel - 1;
    if (queue[2 * m]! > 0) fillQueued(ws, 2 * m, m, ws.trigG[2 * m]!, true, false);
    if (queue[2 * m + 1]! > 0) fillQueued(ws, 2 * m + 1, m, ws.trigG[2 * m + 1]!, true, false);
    o.maxAdverseBySide[2 * m] = adverse[2 * m]!;
    o.maxAdverseBySide[2 * m + 1] = adverse[2 * m + 1]!;
  }
  const endNet = totals[BAD]! - totals[INCOME]! - netBeforeEnd;
  netTotal += endNet;
  netAbsorbed += endNet;
  let adlLoss = totals[ADL_LOSS]!;
  let fundAfter = 0;
  let revaluation = 0;
  if (balance !== null) {
    revaluation = balance - fundValue;
    const end = fundValue - (limited ? netAbsorbed : netTotal);
    if (end <= 0) exhausted = true;
    if (end < 0) {
      adlLoss += -end;
      fired = true;
    }
    fundAfter = end > 0 ? end : 0;
  }
  o.badDebtUsd = totals[BAD]!;
  o.incomeUsd = totals[INCOME]!;
  o.netLossUsd = totals[BAD]! - totals[INCOME]!;
  o.liquidatedUsd = totals[LIQUIDATED]!;
  o.adlNotionalUsd = totals[ADL_NOTIONAL]!;
  o.adlLossUsd = adlLoss;
  o.revaluationLossUsd = revaluation;
  o.fundAfterUsd = fundAfter;
  o.exhausted = balance !== null && exhausted;
  o.adlFired = balance !== null && fired;
  return o.netLossUsd;
}
