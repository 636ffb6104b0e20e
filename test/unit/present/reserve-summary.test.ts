import { describe, expect, it } from 'vitest';
import { progressLine } from '../../../lambda/cli/render/progress.ts';
import type { ReserveResult } from '../../../lambda/model/schemas.ts';
import { renderReserveSummary } from '../../../lambda/present/reserve-summary.ts';
import { market, snapshot } from '../model/snapshot-builder.ts';

describe('progressLine', () => {
  it('redraws once per percent and ends the line at 100%', () => {
    let out = '';
    const progress = progressLine((t) => {
      out += t;
    });
    progress(500, 1000);
    progress(501, 1000);
    progress(1000, 1000);
    expect(out).toBe('\rMonte Carlo  50% (500 / 1,000 paths)\rMonte Carlo 100% (1,000 / 1,000 paths)\n');
  });
});

describe('renderReserveSummary', () => {
  const s = snapshot([market('BTC-PERP', { openInterestUsd: 6e9, impliedVol: 0.45 })], {
    stressScenarios: [{ name: 'crash', shocks: { '*': -0.2 }, liquidityFactor: 0.1 }],
  });
  const result: ReserveResult = {
    fundId: 'test-fund',
    asOf: '2026-11-22T00:00:00Z',
    modelVersion: '1.0.0',
    fundBalanceUsd: 5e9,
    requiredReserveUsd: 2.5e9,
    coverageRatio: 2,
    coverageStatus: 'OK',
    status: 'DEGRADED',
    monteCarlo: {
      paths: 1_000_000,
      seed: 42,
      confidence: 0.999,
      tailDof: 3,
      varUsd: 5.5e7,
      esUsd: 1.5e8,
      esStdErrorUsd: 1.2e7,
      tailCount: 1000,
      seconds: 0.61,
    },
    stress: [{ name: 'crash', lossUsd: 2e9, liquidityFactor: 0.1, byMarket: { 'BTC-PERP': 2e9 } }],
    cover2Usd: null,
    byMarket: [{ id: 'BTC-PERP', esContributionUsd: 1.5e8, worstStressLossUsd: 2e9 }],
    binding: 'stress',
    recommendation: { shortfallUsd: 0, feeBpsToCloseIn30Days: null, releasableUsd: 1.25e9 },
    warnings: ['data for BTC-PERP is stale'],
  };

  it('puts the verdict first, then why, markets, stress, precision, next steps and warnings', () => {
    expect(renderReserveSummary(s, result)).toBe(`Backstop reserve — test-fund as of 2026-11-22 00:00 UTC

  Required reserve  $2.50B  = (1 + 25% buffer) × $2.00B, set by the worst stress scenario
  Fund balance      $5.00B
  Coverage          200.0%
  Status            DEGRADED (coverage OK)

Why this number
  Required $2.50B = (1 + 25% buffer) × $2.00B, the largest of ES 99.9% $150M, worst stress $2.00B and cover-2 (not configured)
  Set by the worst stress scenario "crash" (volume and depth at 10% of normal)
  Its loss by market: BTC-PERP $2.00B (100%)
  Key assumptions:
    leverage profile: 20% of open interest at 25x or more (as given in the snapshot)
    stress liquidity: volume and depth at 10% of normal in "crash" (the scenario's liquidity factor)
    price impact: square-root law on 24h volume, k = 1 (default)
    window: 1 h liquidation window (set by the fund)
    tails: Student-t ν = 3 shocks, ES at 99.9% (default)
    position tiers: no maximum leverage known (no venue data)

Markets (open interest is one side; worst-stress loss is the market's loss in the worst scenario)
  market    open interest   IV  ES contribution  share  worst-stress loss
  --------  -------------  ---  ---------------  -----  -----------------
  BTC-PERP         $6.00B  45%            $150M   100%             $2.00B

Stress scenarios
  scenario  liquidity    loss
  --------  ---------  ------
  crash           10%  $2.00B  <- worst
  Cover-2 (two largest accounts): not configured

Monte Carlo
  ES 99.9%     $150M ± $12.0M std error (±8.0%)
  VaR 99.9%    $55.0M
  1,000,000 paths (1,000 in the tail), seed 42, Student-t ν=3 shocks in 0.61 s

Next steps
  1. Fully covered: $1.25B could be released while keeping the configured multiple of the requirement.

Warnings
  - data for BTC-PERP is stale
`);
  });

  it('marks a stale balance next to the balance and the status, and says to confirm it first', () => {
    const text = renderReserveSummary(s, result, {
      flags: [{ code: 'BALANCE_STALE', detail: 'pool X USDT last updated … (40.2 h > 36 h)' }],
    });
    expect(text).toContain('  Fund balance      $5.00B  STALE (updated 40 h ago, limit 36 h)\n');
    expect(text).toContain(
      '  Status            DEGRADED (coverage OK; balance STALE (updated 40 h ago, limit 36 h))\n',
    );
    expect(text).toContain(
      'Next steps\n  1. Confirm the fund balance first: balance STALE (updated 40 h ago, limit 36 h); a fresh balance costs nothing and may change the status.\n',
    );
  });

  it('shows the path engine section and the stress replay split when the result has them', () => {
    const text = renderReserveSummary(s, {
      ...result,
      engine: 'path',
      conservativeBoundUsd: 4e9,
      stress: [
        {
          ...result.stress[0]!,
          outcome: {
            badDebtUsd: 2.4e9,
            liquidationIncomeUsd: 4e8,
            netFundLossUsd: 2e9,
            fundAfterUsd: 3e9,
            adlLossUsd: 0,
            adlNotionalUsd: 0,
            liquidatedNotionalUsd: 9e9,
          },
        },
      ],
    });
    expect(text).toContain(
      "Path engine\n  Engine: path — positions are closed along the price path as their margin runs out\n  The v1 gap model's conservative bound: $4.00B\n",
    );
    expect(text).toContain(
      '  scenario  liquidity    loss  bad debt  liq. income  fund after\n  --------  ---------  ------  --------  -----------  ----------\n  crash           10%  $2.00B    $2.40B        $400M      $3.00B  <- worst\n',
    );
  });

  it('says when the balance is unknown', () => {
    const text = renderReserveSummary(s, {
      ...result,
      fundBalanceUsd: null,
      coverageRatio: null,
      status: 'UNKNOWN',
      coverageStatus: 'UNKNOWN',
      recommendation: { shortfallUsd: 2.5e9, feeBpsToCloseIn30Days: null, releasableUsd: 0 },
    });
    expect(text).toContain('  Fund balance      unknown\n');
    expect(text).toContain('  Coverage          unknown\n');
    expect(text).toContain(
      'Next steps\n  1. Check the balance source of test-fund (venue pool, SSM parameter or RPC endpoint): without a balance the status is UNKNOWN and the whole requirement ($2.50B) is unconfirmed.\n',
    );
  });
});
