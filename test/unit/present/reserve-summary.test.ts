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

  it('puts the verdict first, then markets, stress, precision, recommendation and warnings', () => {
    const text = renderReserveSummary(s, result);
    expect(text.split('\n').slice(0, 6)).toEqual([
      'Backstop reserve — test-fund as of 2026-11-22T00:00:00Z',
      '',
      '  Required reserve  $2.50B  = (1 + 0.25 buffer) x $2.00B, set by the worst stress scenario',
      '  Fund balance      $5.00B',
      '  Coverage          200.0%',
      '  Status            DEGRADED (coverage OK)',
    ]);
    expect(text).toContain('  BTC-PERP         $6.00B  45%            $150M   100%             $2.00B');
    expect(text).toContain('  crash           10%  $2.00B  <- worst');
    expect(text).toContain('  ES 99.9%     $150M ± $12.0M std error (±8.0%)');
    expect(text).toContain('  1,000,000 paths (1,000 in the tail), seed 42, Student-t ν=3 shocks in 0.61 s');
    expect(text).toContain('Fully covered; $1.25B could be released');
    expect(text.endsWith('Warnings\n  - data for BTC-PERP is stale\n')).toBe(true);
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
    expect(text).toContain('  Fund balance      unknown');
    expect(text).toContain('  Coverage          unknown');
    expect(text).toContain('Fund balance unknown: the whole requirement ($2.50B) is unconfirmed.');
  });
});
