/**
 * The policy terms wherever a person reads the requirement: the terminal summary, "why this number",
 * the next steps, the alert (email, Slack, PagerDuty), the HTML report and the public feed. A binding
 * floor is named as the binding term; add-ons are their own line, as policy, not model.
 */
import { describe, expect, it } from 'vitest';
import { renderChatbot } from '../../../lambda/alert/render-chatbot.ts';
import { renderEmail } from '../../../lambda/alert/render-email.ts';
import { FundManagementSchema } from '../../../lambda/config/fund-config.ts';
import { fundOutlook } from '../../../lambda/manage/fund-outlook.ts';
import { applyPolicy } from '../../../lambda/model/policy.ts';
import type { PolicyParams } from '../../../lambda/model/policy-schema.ts';
import type { MarketSnapshot, ReserveResult } from '../../../lambda/model/schemas.ts';
import { pagerDutyEvent } from '../../../lambda/notify/pagerduty-notifier.ts';
import { explainFromResult, explainReserve, whyLines } from '../../../lambda/present/explain.ts';
import { renderHtmlReport } from '../../../lambda/present/html-report.ts';
import { reserveNextSteps } from '../../../lambda/present/next-steps.ts';
import { renderReserveSummary } from '../../../lambda/present/reserve-summary.ts';
import { buildFeed } from '../../../lambda/present/transparency/feed.ts';
import { renderTransparencyPage } from '../../../lambda/present/transparency/page.ts';
import type { StoredRun } from '../../../lambda/run/stored-run.ts';
import { outboxItem } from '../alert/result-fixtures.ts';
import { market, snapshot } from '../model/snapshot-builder.ts';

/** The reserve-summary fixture: one market of 6e9 open interest; required 2.5e9 = 1.25 × stress 2e9. */
function fixture(policy: PolicyParams, balance = 5e9): { s: MarketSnapshot; r: ReserveResult } {
  const s = snapshot([market('BTC-PERP', { openInterestUsd: 6e9, impliedVol: 0.45 })], {
    stressScenarios: [{ name: 'crash', shocks: { '*': -0.2 }, liquidityFactor: 0.1 }],
    policy,
  });
  s.fundBalanceUsd = balance;
  const engine: ReserveResult = {
    fundId: 'test-fund',
    asOf: '2026-11-22T00:00:00Z',
    modelVersion: '1.0.0',
    fundBalanceUsd: balance,
    requiredReserveUsd: 2.5e9,
    coverageRatio: balance / 2.5e9,
    coverageStatus: 'OK',
    status: 'OK',
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
    recommendation: { shortfallUsd: 0, feeBpsToCloseIn30Days: null, releasableUsd: 0 },
    warnings: [],
  };
  return { s, r: applyPolicy(s, engine) };
}

const FLOOR_AND_ADD_ON: PolicyParams = {
  floors: { openInterestShare: 0.5 },
  addOns: [{ kind: 'share-of-value', name: 'smart-contract failure', share: 0.05, valueUsd: 4e9 }],
};

describe('the terminal summary', () => {
  it('names the binding floor in the headline and in why this number, the add-on on its own line', () => {
    const { s, r } = fixture(FLOOR_AND_ADD_ON);
    const lines = renderReserveSummary(s, r).split('\n');
    expect(lines[2]).toBe(
      '  Required reserve  $3.00B  = max(model $2.50B + non-market add-ons $200M, policy floor $3.00B), set by the policy floor',
    );
    expect(lines.slice(7, 11)).toEqual([
      'Why this number',
      '  Required $3.00B = max(model $2.50B + non-market add-ons $200M, policy floor $3.00B); model $2.50B = (1 + 25% buffer) × $2.00B, the largest of ES 99.9% $150M, worst stress $2.00B and cover-2 (not configured)',
      '  Set by the policy floor: 50.0% of open interest $3.00B, above the model requirement $2.50B plus non-market add-ons $200M',
      '  Non-market add-ons (policy, not model): smart-contract failure $200M (5.0% of $4.00B held); $200M in all',
    ]);
  });

  it('keeps the model term binding when model + add-ons are above the floor, and says the floor does not bind', () => {
    const { s, r } = fixture({
      floors: { minimumUsd: 1e9 },
      addOns: [{ kind: 'fixed', name: 'oracle failure', amountUsd: 3e8 }],
    });
    const lines = renderReserveSummary(s, r).split('\n');
    expect(lines[2]).toBe(
      '  Required reserve  $2.80B  = max(model $2.50B + non-market add-ons $300M, policy floor $1.00B), set by the worst stress scenario',
    );
    expect(lines.slice(8, 13)).toEqual([
      '  Required $2.80B = max(model $2.50B + non-market add-ons $300M, policy floor $1.00B); model $2.50B = (1 + 25% buffer) × $2.00B, the largest of ES 99.9% $150M, worst stress $2.00B and cover-2 (not configured)',
      '  Set by the worst stress scenario "crash" (volume and depth at 10% of normal)',
      '  Its loss by market: BTC-PERP $2.00B (100%)',
      '  Non-market add-ons (policy, not model): oracle failure $300M (fixed); $300M in all',
      '  Policy floor (not binding): the fixed minimum $1.00B',
    ]);
  });

  it('writes an add-on without a floor as a sum', () => {
    const { s, r } = fixture({ addOns: [{ kind: 'fixed', name: 'oracle failure', amountUsd: 3e8 }] });
    expect(renderReserveSummary(s, r).split('\n')[2]).toBe(
      '  Required reserve  $2.80B  = model $2.50B + non-market add-ons $300M, set by the worst stress scenario',
    );
  });
});

describe('the next steps', () => {
  it('say a binding floor is not lowered by cutting market risk', () => {
    const { s, r } = fixture({ floors: { openInterestShare: 0.5, minimumUsd: 1e9 } }, 2e9);
    const why = explainReserve(s, r);
    expect(whyLines(why)[1]).toBe(
      'Set by the policy floor: 50.0% of open interest $3.00B (above the fixed minimum $1.00B), above the model requirement $2.50B',
    );
    expect(reserveNextSteps({ fundId: 'test-fund', result: r, why })).toEqual([
      'Restore coverage: top up the fund by $1.00B, or raise insurance fees by 83.33 bps of traded volume to collect it in 30 days.',
      "The policy floor sets the requirement: 50.0% of open interest $3.00B (above the fixed minimum $1.00B); lowering market risk does not lower it, only a larger balance, less open interest or a change of the fund's policy does.",
    ]);
  });

  it('say when a non-binding floor would stop a cut in exposure from restoring coverage', () => {
    // Required 2.5e9 against 2.2e9: cutting the stress loss would bring the requirement to the 2.4e9 floor.
    const { s, r } = fixture({ floors: { minimumUsd: 2.4e9 } }, 2.2e9);
    const steps = reserveNextSteps({ fundId: 'test-fund', result: r, why: explainReserve(s, r) });
    expect(steps[1]).toBe(
      'Lower the requirement where it comes from: BTC-PERP carries 100% ($2.00B) of the loss in "crash"; cutting it lowers the requirement, but the policy floor ($2.40B) would then set it above the balance.',
    );
  });
});

describe('the alert', () => {
  /** The fixture BREACH (ES 1.6e8, required 2e8, balance 1.44e8) on three markets of 2e9 open interest. */
  function policyItem() {
    const base = outboxItem({ headline: 'demo-perps insurance fund at 48.0% of required reserve' });
    const s = snapshot(
      ['BTC-PERP', 'ETH-PERP', 'SOL-PERP'].map((id) => market(id, { openInterestUsd: 2e9 })),
      {
        policy: {
          floors: { openInterestShare: 0.05 },
          addOns: [{ kind: 'share-of-value', name: 'smart-contract failure', share: 0.02, valueUsd: 1e9 }],
        },
      },
      { fundBalanceUsd: 1.44e8 },
    );
    return { ...base, result: applyPolicy(s, base.result) };
  }

  it('names the floor as the binding term in the email, with the add-on line and the floor step', () => {
    const email = renderEmail(policyItem());
    expect(email).toContain(`Coverage:  48.0% (balance $144M vs required $300M; shortfall $156M)

Why this number:
  Required $300M = max(model $200M + non-market add-ons $20.0M, policy floor $300M); model $200M = (1 + 25% buffer) × $160M, the largest of ES 99.9% $160M, worst stress $120M and cover-2 (not configured)
  Set by the policy floor: 5.0% of open interest $300M, above the model requirement $200M plus non-market add-ons $20.0M
  Non-market add-ons (policy, not model): smart-contract failure $20.0M (2.0% of $1.00B held); $20.0M in all

`);
    expect(email).toContain(`Next steps:
- Restore coverage: top up the fund by $156M, or raise insurance fees by 4.33 bps of traded volume to collect it in 30 days.
- The policy floor sets the requirement: 5.0% of open interest $300M; lowering market risk does not lower it, only a larger balance, less open interest or a change of the fund's policy does.
`);
  });

  it('says the same in Slack and PagerDuty', () => {
    const item = policyItem();
    const slack = renderChatbot(item).content.description.split('\n');
    expect(slack.slice(2, 4)).toEqual([
      '*Set by the policy floor: 5.0% of open interest $300M, above the model requirement $200M plus non-market add-ons $20.0M*',
      'Non-market add-ons (policy, not model): smart-contract failure $20.0M (2.0% of $1.00B held); $20.0M in all',
    ]);
    const event = pagerDutyEvent(item, 'routing-key');
    const details =
      event !== null && 'payload' in event ? (event.payload.custom_details as Record<string, unknown>) : {};
    expect(details.set_by).toBe(
      'Set by the policy floor: 5.0% of open interest $300M, above the model requirement $200M plus non-market add-ons $20.0M',
    );
    expect(details.policy).toBe(
      'Non-market add-ons (policy, not model): smart-contract failure $20.0M (2.0% of $1.00B held); $20.0M in all',
    );
  });

  it('infers the buffer from the model requirement when the item carries no explanation', () => {
    const why = explainFromResult(policyItem().result);
    expect([why.buffer, why.baseUsd, why.binding]).toEqual([0.25, 1.6e8, 'floor']);
  });
});

describe('the report and the public feed', () => {
  const { s, r } = fixture(FLOOR_AND_ADD_ON);
  const run = {
    fundId: 'test-fund',
    asOf: r.asOf,
    runId: '00000000-0000-4000-8000-000000000000',
    modelVersion: r.modelVersion,
    snapshot: s,
    result: r,
    flags: [],
  } as unknown as StoredRun;

  it('shows the policy lines and the binding floor by name in the report', () => {
    const html = renderHtmlReport({
      fundId: 'test-fund',
      runs: [],
      latest: run,
      generatedAt: '2026-11-22T00:05:00Z',
    });
    expect(html).toContain('<td>policy floor</td><td>not configured</td>');
    expect(html).toContain(`<h2>Policy: floors and non-market add-ons</h2>
<table class="policy">
<thead><tr><th>term</th><th>USD</th><th>what</th></tr></thead>
<tbody>
<tr><td>model requirement</td><td>$2.50B</td><td>set by the worst stress scenario</td></tr>
<tr><td>non-market add-on: smart-contract failure</td><td>$200M</td><td>5.0% of $4.00B held</td></tr>
<tr><td>policy floor</td><td>$3.00B</td><td>50.0% of open interest $3.00B — binding</td></tr>
</tbody>
</table>`);
  });

  it('publishes the policy terms and names the floor as the binding term in the feed', () => {
    const feed = buildFeed(run, [], '2026-11-22T00:05:00.000Z');
    expect(feed.bindingTerm).toBe(
      "the fund's policy floor (a minimum set by its rules, above what the model requires)",
    );
    expect(feed.policy).toEqual({
      modelRequirementUsd: 2.5e9,
      addOns: [{ name: 'smart-contract failure', usd: 2e8 }],
      floorUsd: 3e9,
    });
    expect(feed.methodology).toContain(
      "The fund's policy adds $200M for losses beyond trader defaults that the model does not price (smart-contract failure $200M). The fund's policy sets a floor of $3.00B: the required reserve is never below it, whatever the model says.",
    );
    const page = renderTransparencyPage(feed);
    expect(page).toContain(
      'the required reserve is set by the fund&#39;s policy floor (a minimum set by its rules, above what the model requires)</p>',
    );
    expect(page).toContain(`<section id="policy">
<h2>The fund&#39;s policy on top of the model</h2>
<table class="policy">
<thead><tr><th>term</th><th>USD</th></tr></thead>
<tbody>
<tr><td>what the model requires</td><td>$2.50B</td></tr>
<tr><td>added for smart-contract failure (policy, not model)</td><td>$200M</td></tr>
<tr><td>policy floor (the reserve is never below it)</td><td>$3.00B</td></tr>
</tbody>
</table>
</section>`);
  });
});

describe('the one-year outlook', () => {
  it('aims at the floored requirement: $2.00B with $10.0M a day and no crises reaches the $3.00B floor on day 100', () => {
    const { s, r } = fixture({ floors: { openInterestShare: 0.5 } }, 2e9);
    const outlook = fundOutlook({
      snapshot: s,
      result: r,
      history: [],
      management: FundManagementSchema.parse({
        inflow: { liquidationIncomeUsdPerDay: 1e7 },
        crisisRatePerDay: 0,
        outlookPaths: 1000,
      }),
    });
    expect(outlook?.requiredReserveUsd).toBe(3e9);
    expect(outlook?.exhaustionProbability1y).toBe(0);
    expect(outlook?.daysToTarget).toBe(100);
    expect(outlook?.fundAfter1y).toEqual({ p5Usd: 5.65e9, medianUsd: 5.65e9, p95Usd: 5.65e9 });
    expect(outlook?.recommendation.requiredReserveUsd).toBe(3e9);
  });
});
