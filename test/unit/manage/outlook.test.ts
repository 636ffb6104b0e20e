import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readPriceCsv } from '../../../lambda/backtest/price-csv.ts';
import {
  crisisRates,
  type DailyCandle,
  ORDINARY_CRISIS_SIZES,
  ordinaryCrisisSizes,
  SHIPPED_CRISIS_RATES,
} from '../../../lambda/manage/crisis-rate.ts';
import { fundInflow } from '../../../lambda/manage/inflow.ts';
import { quantile, type SimulationInput, simulateYear } from '../../../lambda/manage/outlook-simulation.ts';
import {
  type CrisisSeverity,
  crisisSeverity,
  drawSeverity,
  severityFromResult,
} from '../../../lambda/manage/severity.ts';
import { recommendWithTarget } from '../../../lambda/manage/target-recommendation.ts';
import { lossEngineFor } from '../../../lambda/model/engines/select-engine.ts';
import { computeReserve } from '../../../lambda/model/reserve.ts';
import type { ReserveResult } from '../../../lambda/model/schemas.ts';
import { formatUsd as usd } from '../../../lambda/present/format.ts';
import { market, snapshot } from '../model/snapshot-builder.ts';

const NO_STRESS: CrisisSeverity = { tailVarUsd: 0, tailEsUsd: 0, stressLossesUsd: [], stressNames: [] };

function year(overrides: Partial<SimulationInput> = {}): SimulationInput {
  return {
    startBalanceUsd: 1e8,
    dailyInflowUsd: 1e5,
    requiredReserveUsd: 1.2e8,
    crisisPerDay: 0,
    extremeShare: 0,
    severity: NO_STRESS,
    paths: 1000,
    seed: 7,
    ...overrides,
  };
}

describe('simulateYear limits', () => {
  it('without crises: probability 0 and the deterministic path balance + inflow × days', () => {
    const sim = simulateYear(year());
    expect(sim.exhaustionProbability).toBe(0);
    for (const point of sim.fan) {
      const expected = 1e8 + 1e5 * point.day;
      expect(point).toEqual({
        day: point.day,
        p5Usd: expected,
        p25Usd: expected,
        medianUsd: expected,
        p75Usd: expected,
        p95Usd: expected,
      });
    }
    expect(sim.fan.map((p) => p.day).slice(0, 3)).toEqual([0, 7, 14]);
    expect(sim.fan.at(-1)?.day).toBe(365);
    expect(sim.fundAfter).toEqual({ p5Usd: 1.365e8, medianUsd: 1.365e8, p95Usd: 1.365e8 });
    // $20M short at $100K a day: 200 days.
    expect(sim.daysToTarget).toBe(200);
    expect(sim.capitalNeedUsd.every((m) => m === Number.NEGATIVE_INFINITY)).toBe(true);
  });

  it('a crisis certain on day 1 whose severity exceeds the fund: probability 1', () => {
    // 20 crisis days a day: P(none on day 1) = e^-20 = 2e-9 per path.
    const severity: CrisisSeverity = {
      tailVarUsd: 2e8,
      tailEsUsd: 2e8,
      stressLossesUsd: [],
      stressNames: [],
    };
    const sim = simulateYear(year({ crisisPerDay: 20, severity, days: 30 }));
    expect(sim.exhaustionProbability).toBe(1);
    expect(sim.fundAfter).toEqual({ p5Usd: 0, medianUsd: 0, p95Usd: 0 });
    expect(sim.daysToTarget).toBeNull();
  });

  it('exhausts exactly below the capital need: a loss equal to the balance is still covered', () => {
    const one = (startBalanceUsd: number) =>
      simulateYear(
        year({
          startBalanceUsd,
          dailyInflowUsd: 0,
          crisisPerDay: 20,
          days: 1,
          paths: 1,
          severity: { ...NO_STRESS, tailVarUsd: 1e6, tailEsUsd: 1e6 },
        }),
      );
    const need = one(1).capitalNeedUsd[0] as number;
    // Poisson(20) crises of $1M each on the one day.
    expect(need % 1e6).toBe(0);
    expect(need).toBeGreaterThan(5e6);
    expect(one(need).exhaustionProbability).toBe(0);
    expect(one(need - 1).exhaustionProbability).toBe(1);
  });

  it('draws Poisson counts at the given rate: P(at least one crisis in a day) = 1 − e^−λ', () => {
    const severity: CrisisSeverity = { ...NO_STRESS, tailVarUsd: 2e8, tailEsUsd: 2e8 };
    const sim = simulateYear(year({ crisisPerDay: 0.7, severity, days: 1, paths: 20_000 }));
    // Standard error sqrt(p(1-p)/n) = 0.0035; four of them.
    expect(Math.abs(sim.exhaustionProbability - (1 - Math.exp(-0.7)))).toBeLessThan(0.014);
  });

  it('prices an extreme day with the stress library and an ordinary one with the tail', () => {
    const severity: CrisisSeverity = {
      tailVarUsd: 1,
      tailEsUsd: 1,
      stressLossesUsd: [5e8],
      stressNames: ['2020-03-12'],
    };
    const ordinary = simulateYear(year({ crisisPerDay: 0.5, extremeShare: 0, severity, paths: 2000 }));
    const extreme = simulateYear(year({ crisisPerDay: 0.5, extremeShare: 1, severity, paths: 2000 }));
    expect(ordinary.exhaustionProbability).toBe(0);
    expect(extreme.exhaustionProbability).toBe(1);
  });

  it('is reproducible from its seed and changes with it', () => {
    const severity: CrisisSeverity = { ...NO_STRESS, tailVarUsd: 3e7, tailEsUsd: 6e7 };
    const a = simulateYear(year({ crisisPerDay: 0.02, severity }));
    const b = simulateYear(year({ crisisPerDay: 0.02, severity }));
    const c = simulateYear(year({ crisisPerDay: 0.02, severity, seed: 8 }));
    expect(b.fan).toEqual(a.fan);
    expect(b.exhaustionProbability).toBe(a.exhaustionProbability);
    expect(c.fan).not.toEqual(a.fan);
  });

  it('refuses a rate, path count or day count it cannot simulate, naming it', () => {
    expect(() => simulateYear(year({ crisisPerDay: -0.1 }))).toThrow(
      'crisisPerDay must be in [0, 50], got -0.1',
    );
    expect(() => simulateYear(year({ paths: 0 }))).toThrow('paths must be a positive integer, got 0');
    expect(() => simulateYear(year({ startBalanceUsd: Number.NaN }))).toThrow(
      'startBalanceUsd must be a finite number, got NaN',
    );
  });
});

describe('quantile', () => {
  it('interpolates between order statistics (type 7)', () => {
    const sorted = [1, 2, 3, 4, 5];
    expect([0, 0.05, 0.25, 0.5, 0.95, 1].map((p) => quantile(sorted, p))).toEqual([1, 1.2, 2, 3, 4.8, 5]);
  });
});

describe('crisis rates: the Poisson rate estimator', () => {
  it('counts days that moved at least 15% (crisis) and 25% (extreme) from the open, up or down', () => {
    const candles: DailyCandle[] = [
      { open: 100, high: 101, low: 99 }, // 1%
      { open: 100, high: 100, low: 85 }, // down exactly 15%: a crisis day
      { open: 100, high: 116, low: 100 }, // up 16%: a crisis day (shorts)
      { open: 100, high: 104, low: 86 }, // 14%: not
      { open: 100, high: 100, low: 70 }, // down 30%: crisis and extreme
      { open: 100, high: 105, low: 95 },
      { open: 100, high: 102, low: 98 },
      { open: 100, high: 103, low: 90 },
      { open: 100, high: 100, low: 99 },
      { open: 100, high: 101, low: 100 },
    ];
    // By hand: 3 crisis days of 10, 1 of them extreme.
    expect(crisisRates(candles, 'hand')).toEqual({
      days: 10,
      crisisDays: 3,
      extremeDays: 1,
      crisisPerDay: 0.3,
      extremeShare: 1 / 3,
      source: 'hand',
    });
  });

  it('is 0 on an empty or calm history', () => {
    expect(crisisRates([], 'none')).toMatchObject({ crisisPerDay: 0, extremeShare: 0 });
  });

  it('gives the shipped constants on the shipped BTC daily history', async () => {
    const file = resolve(import.meta.dirname, '../../../fixtures/prices/binance_btcusdt_daily.csv');
    const series = await readPriceCsv(file, file, { extraColumns: ['open', 'high', 'low'] });
    const candles = series.points.map((p) => {
      const [open = 0, high = 0, low = 0] = p.extra ?? [];
      return { open, high, low };
    });
    const { source: _source, ...counts } = crisisRates(candles, '');
    const { source: _shipped, ...shipped } = SHIPPED_CRISIS_RATES;
    expect(counts).toEqual(shipped);
    expect(ordinaryCrisisSizes(candles)).toEqual(ORDINARY_CRISIS_SIZES);
  });

  it('takes the ordinary crisis sizes as quantiles of the 15–25% days only, linear between order statistics', () => {
    const day = (move: number) => ({ open: 100, high: 100, low: 100 * (1 - move) });
    // Ordinary moves 0.15, 0.16, 0.20 (0.30 is extreme, 0.10 no crisis): positions 0.2, 0.6, 1, 1.4, 1.8.
    const sizes = ordinaryCrisisSizes([day(0.2), day(0.3), day(0.15), day(0.1), day(0.16)]);
    [0.152, 0.156, 0.16, 0.176, 0.192].forEach((v, i) => {
      expect(sizes[i]).toBeCloseTo(v, 10);
    });
    expect(ordinaryCrisisSizes([day(0.3)])).toEqual([]);
  });
});

describe('fundInflow', () => {
  const history = (days: number, perDay: number) =>
    Array.from({ length: days }, (_, d) => ({
      asOf: new Date(Date.UTC(2026, 0, 1 + d, 12)).toISOString(),
      // A crisis drop on day 10 must not move the median.
      fundBalanceUsd: 1e8 + perDay * d - (d >= 10 ? 5e7 : 0),
    }));

  it('takes the fund config when it gives the inflow: fee on volume plus liquidation income', () => {
    const inflow = fundInflow(
      { insuranceFeeBps: 0.5, liquidationIncomeUsdPerDay: 2e5 },
      2e10,
      history(40, 1e5),
    );
    expect(inflow).toMatchObject({
      dailyUsd: 1e6 + 2e5,
      source: 'config',
      insuranceFeeBps: 0.5,
      historyDays: 40,
    });
    expect(inflow.detail).toBe(
      'from the fund config: an insurance fee of 0.5 bps on $20.0B of daily volume plus $200K of calm-day liquidation income',
    );
  });

  it('estimates the median daily change from 30 days or more of stored balances, saying so', () => {
    const inflow = fundInflow(undefined, 2e10, history(30, 1e5));
    expect(inflow).toMatchObject({ dailyUsd: 1e5, source: 'history', historyDays: 30 });
    expect(inflow.detail).toBe(
      'estimated from 30 days of stored balances: the median daily change, $100K a day',
    );
  });

  it('assumes none with less history, saying why', () => {
    const inflow = fundInflow(undefined, 2e10, history(29, 1e5));
    expect(inflow).toMatchObject({ dailyUsd: 0, source: 'none', historyDays: 29 });
    expect(inflow.detail).toBe(
      'none assumed: no management.inflow in the fund config and 29 days of stored balances (30 needed for an estimate)',
    );
  });
});

describe('recommendWithTarget', () => {
  // About one crisis day a year: a $20M-VaR / $40M-ES tail, one in ten a $150M or $80M stress.
  const severity: CrisisSeverity = {
    tailVarUsd: 2e7,
    tailEsUsd: 4e7,
    stressLossesUsd: [1.5e8, 8e7],
    stressNames: ['a', 'b'],
  };
  const targets = { targetExhaustionProbability: 0.01, feeCeilingBps: 10, feeHorizonDays: 90 };
  const VOLUME = 2e9;
  const simulate = (balance: number, inflow = 1e5, required = 2e8) =>
    simulateYear(
      year({
        startBalanceUsd: balance,
        dailyInflowUsd: inflow,
        requiredReserveUsd: required,
        crisisPerDay: 0.003,
        extremeShare: 0.1,
        severity,
        paths: 4000,
      }),
    );
  const recommend = (balance: number, inflow = 1e5, required = 2e8) =>
    recommendWithTarget({
      ...targets,
      startBalanceUsd: balance,
      dailyInflowUsd: inflow,
      dailyVolumeUsd: VOLUME,
      requiredReserveUsd: required,
      simulation: simulate(balance, inflow, required),
    });

  it('a larger fund never needs a larger fee or contribution', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e7, max: 6e8, noNaN: true }),
        fc.double({ min: 0, max: 3e8, noNaN: true }),
        (b, extra) => {
          const small = recommend(b);
          const large = recommend(b + extra);
          expect(large.additionalFeeBps ?? 0).toBeLessThanOrEqual(small.additionalFeeBps ?? 0);
          expect(large.contributionUsd).toBeLessThanOrEqual(small.contributionUsd);
          expect(large.releasableUsd).toBeGreaterThanOrEqual(small.releasableUsd);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('a fee above the ceiling is "not reachable by fees alone", with the contribution needed', () => {
    const rec = recommend(5e7);
    expect(rec.action).toBe('contribute');
    expect(rec.feeReachable).toBe(false);
    expect(rec.additionalFeeBps).toBeGreaterThan(10);
    expect(rec.contributionUsd).toBeGreaterThanOrEqual(1.5e8); // at least the gap to $200M
    expect(rec.text).toContain('not reachable by fees alone');
    expect(rec.text).toBe(
      `Contribute ${usd(rec.contributionUsd)} now to reach the required reserve of $200M and a one-year exhaustion probability (now ${pct(rec.exhaustionProbability1y)}) within the 1.0% target; it is not reachable by fees alone (it would take ${rec.additionalFeeBps?.toFixed(2)} bps of volume for 90 days, above the 10.00 bps ceiling).`,
    );
    // The contribution meets both targets on the same simulated years.
    const after = simulate(5e7 + rec.contributionUsd);
    expect(after.exhaustionProbability).toBeLessThanOrEqual(0.01);
    expect(5e7 + rec.contributionUsd).toBeGreaterThanOrEqual(2e8);
  });

  it('a reachable fee meets both targets within its horizon', () => {
    // $190M against $200M required: the gap closes with a small fee in 90 days.
    const rec = recommend(1.9e8, 1e5, 2e8);
    expect(rec.action).toBe('raise-fee');
    expect(rec.feeReachable).toBe(true);
    const fee = rec.additionalFeeBps as number;
    expect(fee).toBeLessThanOrEqual(10);
    const inflow = 1e5 + (fee / 1e4) * VOLUME;
    expect(1.9e8 + inflow * 90).toBeGreaterThanOrEqual(2e8);
    expect(simulate(1.9e8, inflow).exhaustionProbability).toBeLessThanOrEqual(0.01);
    expect(rec.text).toMatch(
      /^Raise the insurance fee by \d+\.\d\d bps of volume: within 90 days that reaches the required reserve of \$200M and keeps the one-year exhaustion probability \(now \d+\.\d%\) within the 1\.0% target \(a one-off contribution of \$\S+ would do it at once\)\.$/,
    );
  });

  it('the release case keeps both targets', () => {
    const rec = recommend(3e8);
    expect(rec.action).toBe('release');
    expect(rec.releasableUsd).toBeGreaterThan(0);
    const kept = 3e8 - rec.releasableUsd;
    expect(kept).toBeGreaterThanOrEqual(2e8);
    expect(simulate(kept).exhaustionProbability).toBeLessThanOrEqual(0.01);
    // One more dollar released would break a target.
    const more = kept - 1;
    expect(more < 2e8 || simulate(more).exhaustionProbability > 0.01).toBe(true);
    expect(rec.text).toBe(
      `Up to ${usd(rec.releasableUsd)} could be released: the fund would still hold the required reserve of $200M and keep its one-year exhaustion probability (now ${pct(rec.exhaustionProbability1y)}) within the 1.0% target.`,
    );
  });

  it('names its target and says there is no fee without volume', () => {
    const rec = recommendWithTarget({
      ...targets,
      startBalanceUsd: 5e7,
      dailyInflowUsd: 0,
      dailyVolumeUsd: 0,
      requiredReserveUsd: 2e8,
      simulation: simulate(5e7, 0),
    });
    expect(rec).toMatchObject({
      targetExhaustionProbability: 0.01,
      action: 'contribute',
      additionalFeeBps: null,
    });
    expect(rec.text).toMatch(/; there is no traded volume to charge a fee on\.$/);
  });
});

function pct(p: number): string {
  return `${(100 * p).toFixed(1)}%`;
}

describe('severityFromResult', () => {
  it('takes the tail and the stress losses the requirement counts (fund unlimited), floored at 0', () => {
    const outcome = {
      badDebtUsd: 1e8,
      liquidationIncomeUsd: 9e7,
      netFundLossUsd: 1e7,
      fundAfterUsd: 5e8,
      adlLossUsd: 6e8,
      adlNotionalUsd: 1e10,
      liquidatedNotionalUsd: 5e9,
    };
    const result = {
      monteCarlo: { varUsd: 3e8, esUsd: 8e8 },
      stress: [
        { name: 'crash', lossUsd: 1.2e9, outcome },
        { name: 'rebound', lossUsd: -5e7 },
      ],
    } as unknown as ReserveResult;
    expect(severityFromResult(result)).toEqual({
      tailVarUsd: 3e8,
      tailEsUsd: 8e8,
      stressLossesUsd: [1.2e9, 0],
      stressNames: ['crash', 'rebound'],
    });
  });

  it('prices an ordinary crisis day by the stress paths scaled to the ordinary sizes, an extreme one as recorded', () => {
    const book = snapshot(
      [market('BTC-PERP', { openInterestUsd: 2e9 }), market('ETH-PERP')],
      {},
      { schemaVersion: 2 },
    );
    book.model.stressScenarios = [
      {
        name: 'big crash',
        liquidityFactor: 0.05,
        recorded: true,
        path: [
          [0, { '*': 0 }],
          [60, { '*': -0.2 }],
          [120, { '*': -0.4 }],
        ],
      },
      {
        name: 'small dip',
        liquidityFactor: 0.5,
        recorded: true,
        path: [
          [0, { '*': 0 }],
          [60, { '*': -0.1 }],
        ],
      },
    ];
    const result = computeReserve({ ...book, model: { ...book.model, paths: 2000 } });
    const severity = crisisSeverity(book, result);
    const engine = lossEngineFor(book);
    expect(severity.ordinarySizes).toEqual(ORDINARY_CRISIS_SIZES);
    expect(severity.ordinaryLossesUsd).toHaveLength(10);
    ORDINARY_CRISIS_SIZES.forEach((size, k) => {
      // The big crash scaled so that BTC-PERP's largest fall is exactly the size.
      const scaled = engine.replay(book.model.stressScenarios[0]!, { scale: size / 0.4 });
      const lead = scaled.bySide.filter((side) => side.marketId === 'BTC-PERP');
      expect(Math.max(...lead.map((side) => side.maxAdverseMove))).toBeCloseTo(size, 12);
      expect(severity.ordinaryLossesUsd?.[k]).toBe(Math.max(0, scaled.netLossUsd));
      // The dip is smaller than every ordinary size: replayed as it is.
      expect(severity.ordinaryLossesUsd?.[5 + k]).toBe(Math.max(0, result.stress[1]!.lossUsd));
    });
    expect(severity.stressLossesUsd).toEqual(result.stress.map((s) => Math.max(0, s.lossUsd)));
    // An ordinary draw takes the u-th of the ten; an extreme draw a recorded replay.
    expect(drawSeverity(severity, 0.1, 0.5, 0.35)).toBe(severity.ordinaryLossesUsd?.[3]);
    expect(drawSeverity(severity, 0.1, 0.05, 0.7)).toBe(severity.stressLossesUsd[1]);
  });

  it('draws a tail loss of VaR at u = 0 and VaR + (ES − VaR)·ln 2 at the median', () => {
    const severity: CrisisSeverity = {
      tailVarUsd: 3e8,
      tailEsUsd: 8e8,
      stressLossesUsd: [1e9, 2e9],
      stressNames: ['a', 'b'],
    };
    expect(drawSeverity(severity, 0.1, 0.5, 0)).toBe(3e8);
    expect(drawSeverity(severity, 0.1, 0.5, 0.5)).toBeCloseTo(3e8 + 5e8 * Math.LN2, 3);
    expect(drawSeverity(severity, 0.1, 0.05, 0.2)).toBe(1e9);
    expect(drawSeverity(severity, 0.1, 0.05, 0.7)).toBe(2e9);
  });
});
