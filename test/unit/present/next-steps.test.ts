import { describe, expect, it } from 'vitest';
import type { ReserveResult } from '../../../lambda/model/schemas.ts';
import { explainFromResult } from '../../../lambda/present/explain.ts';
import { reserveNextSteps } from '../../../lambda/present/next-steps.ts';
import { reserveResult } from '../alert/result-fixtures.ts';

/** Stress binds at $100M; BTC loses $80M of it; ES $40M; required $125M. */
function stressResult(balance: number): ReserveResult {
  const base = reserveResult({ balance, required: 1.25e8 });
  return {
    ...base,
    monteCarlo: { ...base.monteCarlo, esUsd: 4e7 },
    stress: [
      { name: 'crash', lossUsd: 1e8, liquidityFactor: 0.1, byMarket: { 'BTC-PERP': 8e7, 'ETH-PERP': 2e7 } },
    ],
    binding: 'stress',
    recommendation: {
      shortfallUsd: Math.max(0, 1.25e8 - balance),
      feeBpsToCloseIn30Days: 0.4,
      releasableUsd: 0,
    },
  };
}

describe('reserveNextSteps', () => {
  it('estimates the cut of the largest contributor that restores coverage when it can', () => {
    const result = stressResult(1.1e8);
    const steps = reserveNextSteps({ fundId: 'f', result, why: explainFromResult(result) });
    // Shortfall $15M ⇒ the stress loss must fall by $12M = 15% of BTC's $80M.
    expect(steps).toEqual([
      'Restore coverage: top up the fund by $15.0M, or raise insurance fees by 0.40 bps of traded volume to collect it in 30 days.',
      'Lower the requirement where it comes from: BTC-PERP carries 80% ($80.0M) of the loss in "crash"; cutting its open interest (or the leverage allowed on it) by about 15% would restore coverage on its own (first-order estimate).',
    ]);
  });

  it('says when no action is needed', () => {
    const result = stressResult(1.3e8);
    expect(reserveNextSteps({ fundId: 'f', result, why: explainFromResult(result) })).toEqual([
      'Fully covered: no action needed.',
    ]);
  });
});
