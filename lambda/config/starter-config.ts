/**
 * The starter fund config `backstop init` writes: the smallest config that runs (two Binance perps,
 * a static balance, the calibrated default leverage profile, the shipped stress library), with a
 * `"$comment"` on each part saying what to change. Plain JSON: the comments are ordinary keys that
 * Backstop removes before validating (lambda/config/fund-config-document.ts).
 */

import { DEFAULT_LEVERAGE_PROFILE } from './leverage-profile.ts';
import { LIBRARY_SCENARIO_NAMES } from './stress-library.ts';

/**
 * The starter config as a JSON value.
 *
 * @param schemaRef - the `"$schema"` reference, relative to where the file is written
 */
export function starterFundConfig(schemaRef: string): Record<string, unknown> {
  return {
    $schema: schemaRef,
    $comment:
      'Starter fund config from `backstop init`. Keys named "$comment" are notes for people: Backstop ignores them. Every field, its default and an example: docs/CONFIG.md. Check this file with `backstop validate --fund FILE`, then run it with `backstop run --fund FILE`.',
    fundId: 'my-fund',
    description: 'My insurance fund backing BTC and ETH perpetuals on Binance',
    balance: {
      $comment:
        "Where the balance comes from. Replace this fixed amount with your fund's own source: venue-pool (a venue's insurance fund), ssm (a parameter your treasury writes), evm (an on-chain account) or sum.",
      type: 'static',
      amountUsd: 750_000_000,
    },
    markets: [
      {
        $comment:
          "One entry per perpetual market the fund backs. symbol is the venue's own name; volSource is tried in order, realized always answers. Binance does not publish its margin tiers, so maintenanceMargin is required there.",
        id: 'BTC-PERP-BINANCE',
        venue: 'binance',
        symbol: 'BTCUSDT',
        volSource: [{ type: 'dvol', currency: 'BTC' }, { type: 'realized' }],
        maintenanceMargin: 0.004,
      },
      {
        id: 'ETH-PERP-BINANCE',
        venue: 'binance',
        symbol: 'ETHUSDT',
        volSource: [{ type: 'dvol', currency: 'ETH' }, { type: 'realized' }],
        maintenanceMargin: 0.005,
      },
    ],
    model: {
      $comment:
        "defaultLeverageProfile is the one required model field: how far from bankruptcy the open interest sits (margin = 1/leverage) when a venue does not publish its book. This is Backstop's calibrated default; replace it with your venue's own if you know it. The other fields show their defaults.",
      defaultLeverageProfile: DEFAULT_LEVERAGE_PROFILE.map((b) => ({ ...b })),
      buffer: 0.25,
      confidence: 0.999,
      stressScenarios: LIBRARY_SCENARIO_NAMES.map((library) => ({ library })),
    },
    alerts: {
      $comment:
        'WARN when coverage (balance / required reserve) falls below warnBelow, BREACH below breachBelow. Left out, these are 1 and 1 / (1 + buffer).',
      thresholds: { warnBelow: 1, breachBelow: 0.8 },
    },
  };
}

/** The starter config as the file's text (two-space JSON, final newline). */
export function starterFundConfigText(schemaRef: string): string {
  return `${JSON.stringify(starterFundConfig(schemaRef), null, 2)}\n`;
}
