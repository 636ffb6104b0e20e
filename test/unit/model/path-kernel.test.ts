import { describe, expect, it } from 'vitest';
import { scenarioLoss } from '../../../lambda/model/engines/gap/scenario-loss.ts';
import { preparePathBook } from '../../../lambda/model/engines/path/path-book.ts';
import { createWorkspace, runScenario } from '../../../lambda/model/engines/path/path-kernel.ts';
import { scenarioPath } from '../../../lambda/model/engines/path/scenario-path.ts';
import type { MarketSnapshot, StressScenario } from '../../../lambda/model/schemas.ts';
import { market, snapshot } from './snapshot-builder.ts';

/** A v2 snapshot of one market with one bucket (uniform on [0.5·margin, 1.5·margin]). */
function oneBucket(
  patch: Partial<MarketSnapshot['markets'][number]> = {},
  model: Partial<MarketSnapshot['model']> = {},
) {
  const s = snapshot(
    [market('BTC', { leverageProfile: [{ margin: 0.04, share: 1 }], maintenanceMargin: 0.01, ...patch })],
    { impactCoefficient: 0, liquidation: { throughputMultiple: 1e9, permanentImpactShare: 0 }, ...model },
  );
  s.schemaVersion = 2;
  return s;
}

function replay(s: MarketSnapshot, scenario: StressScenario, limited = false, stepMinutes = 10) {
  const book = preparePathBook(s);
  const ws = createWorkspace(book);
  runScenario(book, { ...scenarioPath(s, scenario, { stepMinutes, windowMinutes: 60 }), limited }, ws);
  return ws.outcome;
}

/** A path falling linearly to `to` over `minutes`, one point per minute. */
function steadyFall(to: number, minutes: number): StressScenario {
  return {
    name: 'fall',
    liquidityFactor: 1,
    path: Array.from(
      { length: minutes + 1 },
      (_, k) => [k, { '*': (to * k) / minutes }] as [number, Record<string, number>],
    ),
  };
}

describe('path kernel limits', () => {
  it('keeps exactly the maintenance margin and owes no bad debt when the engine always keeps up', () => {
    // A continuous −6% fall, no slippage: every position fills as the price passes its trigger
    // d − mm, so the fund keeps mm of its notional.
    const s = oneBucket();
    const out = replay(s, steadyFall(-0.06, 60), false, 1);
    expect(out.badDebtUsd).toBe(0);
    // Triggered: distances ≤ 0.06 + 0.01 = 0.07, i.e. the whole side (uniform on [0.02, 0.06]).
    expect(out.liquidatedUsd).toBeCloseTo(1e9, 3);
    expect(Math.abs(out.incomeUsd / (1e9 * 0.01) - 1)).toBeLessThan(1e-9);
  });

  it('fills what a gap triggers only after the gap: at the post-gap price', () => {
    // The same fall as one gap: positions fill at the −6% mid, losing 0.06 − d where d < 0.06.
    const s = oneBucket();
    const out = replay(s, { name: 'gap', liquidityFactor: 1, shocks: { BTC: -0.06 } });
    // Uniform on [0.02, 0.06], x = 0.06: bad debt ∫(0.06 − d)·25 dd = 25·0.04²/2 = 0.02 per unit.
    expect(Math.abs(out.badDebtUsd / (1e9 * 0.02) - 1)).toBeLessThan(1e-9);
    expect(out.incomeUsd).toBe(0);
  });

  it('closes every position at the final move when the engine cannot trade: OI·(move − mean margin), as the gap model', () => {
    const profile = [
      { margin: 0.02, share: 0.3 },
      { margin: 0.05, share: 0.5 },
      { margin: 0.1, share: 0.2 },
    ];
    const s = oneBucket(
      { leverageProfile: profile, maintenanceMargin: 0.005 },
      { liquidation: { throughputMultiple: 0, permanentImpactShare: 0.5 } },
    );
    const out = replay(s, steadyFall(-0.2, 120));
    const mean = 0.3 * 0.02 + 0.5 * 0.05 + 0.2 * 0.1;
    expect(out.badDebtUsd).toBeCloseTo(1e9 * (0.2 - mean), 2);
    expect(out.incomeUsd).toBe(0);
    const v1 = snapshot([market('BTC', { leverageProfile: profile, maintenanceMargin: 0.005 })], {
      impactCoefficient: 0,
    });
    expect(out.badDebtUsd).toBeCloseTo(scenarioLoss(v1, { BTC: -0.2 }, 1).totalUsd, 2);
  });

  it('values a fund held in the market’s coin at half after a −50% path', () => {
    const s = oneBucket({ openInterestUsd: 0 });
    s.fundBalanceUsd = 3e8;
    s.fundComposition = [{ asset: 'BTC', amountUsd: 3e8, priceMarketId: 'BTC' }];
    const out = replay(s, steadyFall(-0.5, 60));
    expect(out.fundAfterUsd).toBeCloseTo(1.5e8, 4);
    expect(out.revaluationLossUsd).toBeCloseTo(1.5e8, 4);
    expect(out.netLossUsd).toBe(0);
  });

  it('counts exactly the bad debt beyond the fund as the ADL loss', () => {
    const s = oneBucket(
      {},
      {
        liquidation: { throughputMultiple: 0, permanentImpactShare: 0, adl: { inventoryCapMultiple: null } },
      },
    );
    s.fundBalanceUsd = 2e7;
    const out = replay(s, steadyFall(-0.3, 60), true);
    expect(out.badDebtUsd).toBeCloseTo(1e9 * (0.3 - 0.04), 2);
    expect(out.adlLossUsd).toBeCloseTo(out.badDebtUsd - 2e7, 2);
    expect(out.fundAfterUsd).toBe(0);
    expect(out.adlFired).toBe(true);
  });

  it('fires ADL when the positions past bankruptcy, not all those still being liquidated, exceed the fund', () => {
    // Margins uniform on [2%, 6%], mm 1%, an engine that cannot trade, a fund of $200M and a cap of
    // 1×. At −2.5% the queue holds d ≤ 3.5% (37.5% of $1B) but only d ≤ 2.5% is past bankruptcy:
    // 12.5% × $1B × 0.975 = $122M < $200M, no ADL. At −3.5%: 37.5% × $1B × 0.965 = $362M, ADL.
    const s = oneBucket(
      {},
      { liquidation: { throughputMultiple: 0, permanentImpactShare: 0, adl: { inventoryCapMultiple: 1 } } },
    );
    s.fundBalanceUsd = 2e8;
    expect(replay(s, steadyFall(-0.025, 60)).adlFired).toBe(false);
    expect(replay(s, steadyFall(-0.035, 60)).adlFired).toBe(true);
  });

  it('loses nothing with no open interest', () => {
    const s = oneBucket({ openInterestUsd: 0 });
    const out = replay(s, steadyFall(-0.4, 30));
    expect([out.badDebtUsd, out.incomeUsd, out.liquidatedUsd]).toEqual([0, 0, 0]);
  });
});

describe('path kernel, a hand-computed three-step path', () => {
  it('matches finite throughput, square-root slippage and permanent impact to 1e-9', () => {
    // One market, one bucket: uniform distances on [0.02, 0.06] (density 25), mm = 0.01.
    // σ/√365 = 0.01 and k = 1: slippage of q USD is 0.01·√(q/V); V = 1.44e9 so 1e6 USD per minute.
    // Throughput 10 × per-minute volume over 10-minute steps: 1e8 USD per step. π = 0.5.
    const sigma = 0.01 * Math.sqrt(365);
    const V = 1.44e9;
    const OI = 1e9;
    const s = oneBucket(
      { impliedVol: sigma, dailyVolumeUsd: V, openInterestUsd: OI },
      {
        impactCoefficient: 1,
        liquidation: {
          throughputMultiple: 10,
          permanentImpactShare: 0.5,
          adl: { inventoryCapMultiple: null },
        },
      },
    );
    const path: StressScenario = {
      name: 'three steps',
      liquidityFactor: 1,
      path: [
        [0, { BTC: 0 }],
        [10, { BTC: -0.03 }],
        [20, { BTC: -0.05 }],
        [30, { BTC: -0.04 }],
      ],
    };
    const out = replay(s, path, false, 10);

    const G = (d: number) => Math.min(1, Math.max(0, 25 * (d - 0.02)));
    const H = (d: number) => {
      const c = Math.min(0.06, Math.max(0.02, d));
      return (25 * (c * c - 0.0004)) / 2;
    };
    const Ginv = (g: number) => 0.02 + g / 25;
    // Bad debt and income of closing distances [a, b] at adverse fill x (per unit OI).
    const close = (a: number, b: number, x: number) => {
      const c = Math.min(b, Math.max(a, x));
      const bad = x * (G(c) - G(a)) - (H(c) - H(a));
      const income = H(b) - H(c) - x * (G(b) - G(c));
      return { bad: Math.max(0, bad), income: Math.max(0, income) };
    };
    // Positions triggered within a step fill at their own trigger price plus the step's slippage:
    // per unit d − x(d) = mm − slip·(1 − d + mm), linear in d; integrate its two signs over the slice.
    const linear = (a: number, b: number, alpha: number, beta: number) => {
      const integral = (lo: number, hi: number) =>
        25 * (alpha * (hi - lo) + (beta * (hi * hi - lo * lo)) / 2);
      const root = -alpha / beta;
      const r = Math.min(b, Math.max(a, root));
      // beta > 0: negative below the root, positive above.
      return { bad: -integral(a, r), income: integral(r, b) };
    };
    let M = 1;
    let bad = 0;
    let income = 0;
    const cap = 1e8;
    // Step 1: −3%, reach 0.04; all of the queue is new; 1e8 fills [0.02, 0.024].
    let rel = 0.97 * M;
    let slip = 0.01 * Math.sqrt((cap * rel) / V);
    const fresh = linear(0.02, Ginv(0.1), 0.01 - slip * 1.01, slip);
    bad += OI * fresh.bad;
    income += OI * fresh.income;
    M *= 1 - 0.5 * slip;
    // Step 2: −5%, reach beyond 0.06; the old queue [0.024, 0.04] fills first: [0.024, 0.028].
    rel = 0.95 * M;
    const maxAdverse = 1 - rel;
    slip = 0.01 * Math.sqrt((cap * rel) / V);
    let c = close(Ginv(0.1), Ginv(0.2), 1 - rel * (1 - slip));
    bad += OI * c.bad;
    income += OI * c.income;
    M *= 1 - 0.5 * slip;
    // Step 3: −4%, no new trigger (the running adverse move is still step 2's); [0.028, 0.032].
    rel = 0.96 * M;
    slip = 0.01 * Math.sqrt((cap * rel) / V);
    c = close(Ginv(0.2), Ginv(0.3), 1 - rel * (1 - slip));
    bad += OI * c.bad;
    income += OI * c.income;
    M *= 1 - 0.5 * slip;
    // End: the rest of the queue closes at the final mid (no slippage).
    const rest = close(Ginv(0.3), maxAdverse + 0.01, 1 - 0.96 * M);
    bad += OI * rest.bad;
    income += OI * rest.income;
    expect(maxAdverse + 0.01).toBeGreaterThan(0.06);

    expect(Math.abs(out.badDebtUsd / bad - 1)).toBeLessThan(1e-9);
    expect(Math.abs(out.incomeUsd / income - 1)).toBeLessThan(1e-9);
    expect(bad).toBeGreaterThan(1e6); // the path must exercise bad debt, not only income
    expect(income).toBeGreaterThan(1e5);
  });
});
