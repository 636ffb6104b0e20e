import { describe, expect, it } from 'vitest';
import { renderChatbot } from '../../../lambda/alert/render-chatbot.ts';
import { renderEmail } from '../../../lambda/alert/render-email.ts';
import type { ReserveResult } from '../../../lambda/model/schemas.ts';
import type { Sensitivity } from '../../../lambda/model/sensitivity.ts';
import { explainReserve } from '../../../lambda/present/explain.ts';
import type { OutboxItem } from '../../../lambda/run/notification.ts';
import { market, snapshot } from '../model/snapshot-builder.ts';
import { outboxItem, reserveResult } from './result-fixtures.ts';

/**
 * The case the alert got wrong: ETH has the largest ES contribution, but the requirement is set by a
 * stress scenario in which BTC loses most. The next step must aim at BTC.
 */
function stressBoundItem(patch: Partial<ReserveResult> = {}): OutboxItem {
  const base = reserveResult({ balance: 1.36e9, required: 7.76e9 });
  const result: ReserveResult = {
    ...base,
    monteCarlo: { ...base.monteCarlo, esUsd: 8.21e8 },
    byMarket: [
      { id: 'BTC-PERP', esContributionUsd: 1.62e8, worstStressLossUsd: 3.1e9 },
      { id: 'ETH-PERP', esContributionUsd: 4.44e8, worstStressLossUsd: 2.2e9 },
      { id: 'SOL-PERP', esContributionUsd: 2.15e8, worstStressLossUsd: 9.1e8 },
    ],
    stress: [
      {
        name: 'short squeeze',
        lossUsd: 6.208e9,
        liquidityFactor: 0.04,
        byMarket: { 'BTC-PERP': 3.1e9, 'ETH-PERP': 2.2e9, 'SOL-PERP': 9.08e8 },
      },
    ],
    binding: 'stress',
    requiredReserveUsd: 7.76e9,
    recommendation: { shortfallUsd: 6.4e9, feeBpsToCloseIn30Days: 50.79, releasableUsd: 0 },
    ...patch,
  };
  const s = snapshot(
    ['BTC-PERP', 'ETH-PERP', 'SOL-PERP'].map((id) => market(id)),
    {
      horizonHours: 2,
      stressScenarios: [{ name: 'short squeeze', shocks: { '*': 0.3 }, liquidityFactor: 0.04 }],
    },
  );
  const sensitivity: Sensitivity = {
    paths: 50_000,
    seed: 42,
    runs: 7,
    referenceRequiredUsd: 7.7e9,
    lines: [
      {
        assumption: 'leverage',
        what: 'leverage margins',
        down: { factor: 0.5, requiredReserveUsd: 1.1e10, ratio: 1.43 },
        up: { factor: 1.5, requiredReserveUsd: 6e9, ratio: 0.78 },
      },
      {
        assumption: 'liquidity',
        what: 'volume and depth',
        down: { factor: 0.5, requiredReserveUsd: 9.5e9, ratio: 1.24 },
        up: { factor: 1.5, requiredReserveUsd: 7e9, ratio: 0.91 },
      },
      {
        assumption: 'window',
        what: 'window',
        down: { factor: 0.5, requiredReserveUsd: 7.7e9, ratio: 1 },
        up: { factor: 1.5, requiredReserveUsd: 7.7e9, ratio: 1 },
      },
    ],
  };
  const explanation = explainReserve(s, result, {
    sensitivity,
    configMarkets: [{ id: 'BTC-PERP' }, { id: 'ETH-PERP' }, { id: 'SOL-PERP' }],
    flags: [
      {
        code: 'BALANCE_STALE',
        detail: 'binance pool BTCUSDT USDT last updated 2026-11-21T23:00:00.000Z (228.6 h > 36 h)',
      },
      {
        code: 'BALANCE_STALE',
        detail: 'binance pool BTCUSDT BTC last updated 2026-11-21T23:00:00.000Z (228.6 h > 36 h)',
      },
    ],
  });
  return {
    ...outboxItem({ headline: 'demo-perps insurance fund at 17.5% of required reserve' }, {}),
    result,
    previous: null,
    explanation,
  };
}

describe('the alert explains the number', () => {
  it('aims the next step at the binding stress scenario’s largest loss, not the largest ES contributor', () => {
    expect(
      renderEmail(stressBoundItem()),
    ).toBe(`[BREACH] demo-perps insurance fund at 17.5% of required reserve (stale balance)

Status:    BREACH (coverage, status-change)
Fund:      demo-perps
Run:       2026-11-22 04:00 UTC
Coverage:  17.5% (balance $1.36B vs required $7.76B; shortfall $6.40B)
Data:      balance STALE (updated 229 h ago, limit 36 h)

Why this number:
  Required $7.76B = (1 + 25% buffer) × $6.21B, the largest of ES 99.9% $821M, worst stress $6.21B and cover-2 (not configured)
  Set by the worst stress scenario "short squeeze" (volume and depth at 4% of normal)
  Its loss by market: BTC-PERP $3.10B (50%), ETH-PERP $2.20B (35%), SOL-PERP $908M (15%)
  Key assumptions:
    leverage profile: 20% of open interest at 25x or more (the fund's default for all 3 markets — an assumption, public data does not show it)
    stress liquidity: volume and depth at 4% of normal in "short squeeze" (the scenario's liquidity factor)
    price impact: square-root law on 24h volume, k = 1 (default)
    window: 2 h liquidation window (default)
    tails: Student-t ν = 3 shocks, ES at 99.9% (default)
    position tiers: no maximum leverage known (no venue data)
  If an assumption moved ±50% (7 runs of 50,000 paths, seed 42; ratios to the unperturbed run at the same paths):
    leverage margins −50% $11.1B (1.43×), +50% $6.05B (0.78×)
    volume and depth −50% $9.62B (1.24×), +50% $7.06B (0.91×)
    window −50% $7.76B (1.00×), +50% $7.76B (1.00×)

Change:    first run of this fund
Snapshot:  FUND#demo-perps / SNAP#2026-11-22T04:00:00.000Z

Next steps:
- Confirm the fund balance first: balance STALE (updated 229 h ago, limit 36 h); a fresh balance costs nothing and may change the status.
- Restore coverage: top up the fund by $6.40B, or raise insurance fees by 50.79 bps of traded volume to collect it in 30 days.
- Lower the requirement where it comes from: BTC-PERP carries 50% ($3.10B) of the loss in "short squeeze"; lowering its open interest or maximum leverage lowers the requirement most, but not enough on its own (the binding loss must fall by $5.12B).
- Audit the run: backstop replay --fund demo-perps --as-of 2026-11-22T04:00:00.000Z
`);
  });

  it('says the same in Slack, one fact per line', () => {
    const lines = renderChatbot(stressBoundItem()).content.description.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      '*Coverage* 17.5%: balance $1.36B vs required $7.76B (shortfall $6.40B)',
      '*Data* balance STALE (updated 229 h ago, limit 36 h)',
      '*Why* Required $7.76B = (1 + 25% buffer) × $6.21B, the largest of ES 99.9% $821M, worst stress $6.21B and cover-2 (not configured)',
      '*Set by the worst stress scenario "short squeeze" (volume and depth at 4% of normal)*',
    ]);
    expect(lines[4]).toBe(
      '*Its loss by market* BTC-PERP $3.10B (50%), ETH-PERP $2.20B (35%), SOL-PERP $908M (15%)',
    );
    expect(lines[6]).toBe(
      '*If an assumption moved ±50%* leverage margins −50% $11.1B (1.43×), +50% $6.05B (0.78×); volume and depth −50% $9.62B (1.24×), +50% $7.06B (0.91×); window −50% $7.76B (1.00×), +50% $7.76B (1.00×)',
    );
  });

  it('puts the path engine’s facts in plain words', () => {
    const email = renderEmail(
      stressBoundItem({
        engine: 'path',
        lossBreakdown: { badDebtUsd: 1.2e9, liquidationIncomeUsd: 3e8, netLossUsd: 9e8 },
        effectiveBalanceUsd: 1.21e9,
        exhaustionProbability: 0.012,
        adl: { probability: 0.004, expectedNotionalUsd: 2.5e8 },
        reverseStress: [
          { scenario: '2020-03-12', liquidityFactor: 0.03, scale: 1.7, maxScale: 5 },
          { scenario: '2020-03-12', liquidityFactor: 1, scale: null, maxScale: 5 },
          { scenario: 'short squeeze', liquidityFactor: 0.03, scale: 2.4, maxScale: 5 },
        ],
        conservativeBoundUsd: 9.9e9,
      }),
    );
    const block = email.slice(email.indexOf('    window −50%'), email.indexOf('\n\nChange:'));
    expect(block.split('\n').slice(1)).toEqual([
      '  Engine: path — positions are closed along the price path as their margin runs out',
      '  Tail loss = bad debt $1.20B − liquidation income $300M = $900M (mean over the tail scenarios)',
      '  Effective balance $1.21B (the balance revalued in the tail scenarios; coverage uses it)',
      '  P(fund exhausted within the window) 1.2%; P(ADL) 0.4%, expected ADL notional $250M when it happens',
      '  Reverse stress: the fund is exhausted by 1.7 × the 2020-03-12 path at 3% depth',
      "  The v1 gap model's conservative bound: $9.90B",
    ]);
  });
});
