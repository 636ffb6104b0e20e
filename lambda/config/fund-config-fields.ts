/**
 * What each field of a fund config means, for people: the source of the descriptions in
 * config/fund-config.schema.json (what an editor shows on hover) and of the field table in
 * docs/CONFIG.md. Keyed by the field's path (`markets[].volSource[][atm-options].venue`: `[]` is an
 * array's item, `[kind]` the branch of a union by its `type` or `kind`). A field added to the
 * schema without an entry here fails `npm test` (test/unit/config/fund-config-schema.test.ts), so
 * the docs cannot fall behind. The sources of a `sum` balance share the entries of `balance[kind]`.
 */

/** A field's description and, where it helps, an example value (shown as JSON). */
export interface FieldDoc {
  readonly text: string;
  readonly example?: unknown;
  /** How the default reads in the docs when the literal value is too long to show. */
  readonly defaultText?: string;
}

const d = (text: string, example?: unknown, defaultText?: string): FieldDoc => ({
  text,
  ...(example === undefined ? {} : { example }),
  ...(defaultText === undefined ? {} : { defaultText }),
});

/** The fields of a secret reference (`{ssmParameter}` or `{secretsManager}`) under `parent`. */
function secretRefFields(parent: string): Record<string, FieldDoc> {
  return {
    [`${parent}.ssmParameter`]: d('An SSM SecureString parameter name.', '/backstop/secret'),
    [`${parent}.secretsManager`]: d('A Secrets Manager secret name or ARN.', 'backstop/secret'),
    [`${parent}.region`]: d("The secret's AWS region; the function's own when absent.", 'eu-west-1'),
    [`${parent}.kmsKeyArn`]: d(
      'The customer-managed KMS key the secret is encrypted with, when not the default key.',
    ),
  };
}

/** Descriptions by field path. */
export const FUND_CONFIG_FIELDS: Readonly<Record<string, FieldDoc>> = {
  $schema: d(
    'The JSON Schema editors check this file with; Backstop ignores it.',
    '../fund-config.schema.json',
  ),
  fundId: d(
    'The fund id: lower-case letters, digits and dashes. Names the stored runs, metrics and AWS resources.',
    'my-fund',
  ),
  description: d('One line for people: what the fund backs and where its balance comes from.'),
  balance: d(
    "Where the fund's balance comes from, by `type`: `static`, `venue-pool`, `ssm`, `evm`, or `sum` of several. A source that does not answer makes the run UNKNOWN, never zero.",
  ),
  'balance[static].type': d('`static`: a fixed amount (a fund whose balance you type in).', 'static'),
  'balance[static].amountUsd': d('The balance in USD.', 25_000_000),
  'balance[venue-pool].type': d("`venue-pool`: a venue's public insurance fund.", 'venue-pool'),
  'balance[venue-pool].venue': d('The venue whose insurance fund is read.', 'binance'),
  'balance[venue-pool].pools': d(
    'Pools to sum: Binance/Bybit pool symbols, OKX instFamily values, Hyperliquid vault addresses, dYdX module account addresses.',
    ['BTCUSDT'],
  ),
  'balance[venue-pool].coins': d("Coins to include; all of the pools' coins when absent.", ['USDT']),
  'balance[venue-pool].maxAgeHours': d('A pool update older than this is flagged stale (BALANCE_STALE).'),
  'balance[ssm].type': d('`ssm`: a number kept in an AWS SSM parameter (your treasury writes it).', 'ssm'),
  'balance[ssm].parameterName': d('The parameter holding the balance in USD.', '/treasury/fund/balance-usd'),
  'balance[ssm].region': d("The parameter's AWS region; the function's own when absent.", 'eu-west-1'),
  'balance[evm].type': d('`evm`: an on-chain balance read over JSON-RPC.', 'evm'),
  'balance[evm].rpcUrl': d(
    'A JSON-RPC URL without credentials. Give exactly one of `rpcUrl` and `rpcUrlSecret`.',
    'https://ethereum-rpc.publicnode.com',
  ),
  'balance[evm].rpcUrlSecret': d(
    'Where a JSON-RPC URL that carries an API key is kept, read at run time: `{ssmParameter}` or `{secretsManager}`, each with an optional `region`.',
  ),
  ...secretRefFields('balance[evm].rpcUrlSecret'),
  'balance[evm].address': d('The account holding the fund.', '0x1111111111111111111111111111111111111111'),
  'balance[evm].token': d(
    "An ERC-20 contract; the chain's native coin when absent.",
    '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48',
  ),
  'balance[evm].price': d(
    "The token's USD price: `{fixedUsd}` (a stablecoin) or `{marketId}` (a configured market's price).",
  ),
  'balance[evm].price.fixedUsd': d('A fixed price in USD.', 1),
  'balance[evm].price.marketId': d(
    "The id of one of the fund's markets whose price values the token.",
    'ETH-PERP-BINANCE',
  ),
  'balance[sum].type': d('`sum`: the total of several sources (a fund counting two venues together).', 'sum'),
  'balance[sum].sources': d(
    'Two or more single sources, each written as `balance` above (not a nested `sum`).',
  ),
  fundComposition: d(
    'What the balance is held in, as shares summing to 1; all stablecoin when absent. A crypto share falls with its market in a stress.',
    [
      { asset: 'USDT', share: 0.8 },
      { asset: 'BTC', share: 0.2, priceMarketId: 'BTC-PERP-BINANCE' },
    ],
  ),
  'fundComposition[].asset': d('The asset, for people.', 'USDT'),
  'fundComposition[].share': d('Its share of the balance (0–1).', 0.8),
  'fundComposition[].priceMarketId': d(
    "The market whose price moves this asset's value; absent = a stablecoin.",
    'BTC-PERP-BINANCE',
  ),
  markets: d('The perpetual markets the fund backs (1–500).'),
  'markets[].id': d(
    'Your name for the market, unique in the fund; reports and alerts use it.',
    'BTC-PERP-BINANCE',
  ),
  'markets[].venue': d('The venue (one with an adapter).', 'binance'),
  'markets[].symbol': d("The venue's own instrument name.", 'BTCUSDT'),
  'markets[].volSource': d(
    'The implied-vol fallback chain: the first source that answers sets the vol; end it with `realized`.',
    [{ type: 'dvol', currency: 'BTC' }, { type: 'realized' }],
  ),
  'markets[].volSource[][dvol].type': d("`dvol`: Deribit's DVOL index.", 'dvol'),
  'markets[].volSource[][dvol].currency': d('The DVOL currency.', 'BTC'),
  'markets[].volSource[][atm-options].type': d(
    "`atm-options`: 30-day at-the-money IV from a venue's options chain.",
    'atm-options',
  ),
  'markets[].volSource[][atm-options].venue': d('The options venue.', 'deribit'),
  'markets[].volSource[][atm-options].underlying': d(
    'The underlying as the venue names it: `BTC` (Deribit, Bybit, Binance), `BTC-USD` (OKX).',
    'BTC',
  ),
  'markets[].volSource[][realized].type': d(
    '`realized`: EWMA of daily returns (always answers).',
    'realized',
  ),
  'markets[].maintenanceMargin': d(
    'Maintenance margin (decimal). Required on venues whose tiers are not public (Binance, Deribit) and as the fallback on Bybit and OKX; Hyperliquid and dYdX report it themselves.',
    0.004,
  ),
  'markets[].maxLeverage': d(
    "Maximum leverage where the venue's tiers are not public; the registry's cap when absent.",
    125,
  ),
  'markets[].typicalPositionUsd': d(
    'Position size whose margin tier sets the maintenance margin (USD); 100,000 when absent.',
    100_000,
  ),
  'markets[].leverageProfile': d(
    "This market's own leverage profile; `model.defaultLeverageProfile` when absent.",
  ),
  'markets[].leverageProfile[].margin': d(
    'Distance to bankruptcy as a fraction of notional (1/leverage); must exceed the maintenance margin.',
    0.1,
  ),
  'markets[].leverageProfile[].share': d("The bucket's share of open interest; the shares sum to 1.", 0.25),
  'markets[].historyDays': d('Days of daily candles for realized vol and correlation.'),
  'markets[].underlying': d(
    'The coin whose stress-library column this market takes; from the symbol when absent (BTCUSDT → BTC).',
    'BTC',
  ),
  'markets[].beta': d(
    'Loading on the common jump and on the first market for `"*"` stress paths; 1 when absent.',
    1.3,
  ),
  'markets[].liquidationIncome': d(
    'What the fund keeps on a liquidation above bankruptcy: `"remainder"` (all remaining margin, the default) or `{feeRate}`.',
    'remainder',
  ),
  'markets[].liquidationIncome.feeRate': d('At most this fee of notional (decimal).', 0.005),
  'markets[].leverageProfileShort': d(
    "The shorts' own profile (then `leverageProfile` is the longs'); the same for both when absent.",
  ),
  'markets[].leverageProfileShort[].margin': d('As in `leverageProfile`.', 0.1),
  'markets[].leverageProfileShort[].share': d('As in `leverageProfile`.', 0.25),
  model: d(
    'The reserve model. Only `defaultLeverageProfile` is required; docs/MODEL.md explains each parameter.',
  ),
  'model.horizonHours': d(
    'Liquidation window of the gap model and the conservative bound, in hours (2 by calibration).',
  ),
  'model.confidence': d('Confidence of the expected shortfall (0.999 = the worst 0.1% of windows).'),
  'model.tailDof': d(
    'Student-t degrees of freedom of the vol regime (path engine) and the shocks (gap model); `null` = Gaussian. The default 3 is the heavier-tailed side of the fit to the hourly history (ν̂ 3.25–3.5, docs/VALIDATION.md §6).',
  ),
  'model.paths': d(
    'Monte Carlo paths; absent: the path engine adds paths until `precision` is met (the gap engine runs 10⁶).',
    200_000,
  ),
  'model.seed': d(
    'Random seed; derived from fundId and the valuation time when absent, so a run replays exactly.',
    42,
  ),
  'model.impactCoefficient': d('Coefficient k of the square-root price-impact law.'),
  'model.buffer': d('Required reserve = (1 + buffer) × the binding loss.'),
  'model.volFloor': d("Floor on any market's implied vol (decimal)."),
  'model.defaultLeverageProfile': d(
    'Distance-to-bankruptcy distribution of open interest for markets without their own. `backstop init` writes the calibrated default (docs/MODEL.md §6).',
    [
      { margin: 0.1, share: 0.5 },
      { margin: 1, share: 0.5 },
    ],
  ),
  'model.defaultLeverageProfile[].margin': d('As in `markets[].leverageProfile`.', 0.1),
  'model.defaultLeverageProfile[].share': d('As in `markets[].leverageProfile`.', 0.5),
  'model.stressScenarios': d(
    'Stress scenarios: `{library}` names a recorded crash of config/stress-library.json, or write one out with `name`, `liquidityFactor` and `shocks` or `path`.',
    [{ library: '2020-03-12 crash' }],
    'the whole shipped library',
  ),
  'model.stressScenarios[].name': d('A written-out scenario: its name in reports.', 'Alts -40%'),
  'model.stressScenarios[].shocks': d(
    'Instant move per market id (`"*"`: every other market), as a return.',
    { 'BTC-PERP-BINANCE': -0.25, '*': -0.4 },
  ),
  'model.stressScenarios[].path': d(
    'A price path instead of shocks: `[minute, {marketId: return}]` points.',
    [
      [0, { '*': 0 }],
      [60, { '*': -0.3 }],
    ],
  ),
  'model.stressScenarios[].liquidityFactor': d(
    "Depth and volume during the scenario as a share of normal (0.03 = down 97%); for a `{library}` scenario, overrides the library's own.",
    0.05,
  ),
  'model.stressScenarios[].source': d('Where the scenario came from, for the reader.'),
  'model.stressScenarios[].gaps': d(
    'Minutes of path points reached by a gap (an outage): positions the gap triggers fill only after it.',
    [30],
  ),
  'model.stressScenarios[].recorded': d(
    'The path is a recorded market path: no permanent impact is added on top.',
  ),
  'model.stressScenarios[].library': d('A scenario of the shipped library, by name.', '2020-03-12 crash'),
  'model.largestAccounts': d(
    'The largest accounts, for the cover-2 test (default of the two largest); estimated from the book when absent.',
  ),
  'model.largestAccounts[].id': d('A label.', 'whale-1'),
  'model.largestAccounts[].marketId': d('The market of the position.', 'BTC-PERP-BINANCE'),
  'model.largestAccounts[].side': d('`long` or `short`.', 'long'),
  'model.largestAccounts[].notionalUsd': d('Position size in USD.', 150_000_000),
  'model.largestAccounts[].margin': d('Distance to bankruptcy as a fraction of notional.', 0.05),
  'model.releaseMultiple': d(
    'Coverage above this multiple of the requirement shows the excess as releasable.',
  ),
  'model.engine': d(
    'The loss engine: `path` (v2, minute paths through the liquidation engine) or `gap` (v1).',
  ),
  'model.windowHours': d('Path engine: the Monte Carlo window in hours; 4 when absent.', 4),
  'model.stepMinutes': d('Path engine: the step in minutes; 10 when absent.', 10),
  'model.liquidation': d('Path engine: the liquidation engine; docs/MODEL.md §6 for the defaults.'),
  'model.liquidation.throughputMultiple': d(
    "Most notional closed per minute, as a multiple of the market's per-minute volume × liquidity.",
    30,
  ),
  'model.liquidation.permanentImpactShare': d(
    'Share of execution slippage that moves the price for the rest of the window.',
    0.3,
  ),
  'model.liquidation.liquidityVolElasticity': d(
    'Liquidity λ = min(1, s^−κ) in a Monte Carlo regime of vol ratio s.',
    1,
  ),
  'model.liquidation.throughputLiquidityExponent': d('Throughput scales with λ^a (1 = as depth does).', 1),
  'model.liquidation.adl': d('Auto-deleveraging trigger.'),
  'model.liquidation.adl.inventoryCapMultiple': d(
    "ADL when the fund's takeover inventory exceeds this multiple of its balance; `null`: only when the fund is exhausted.",
    1,
  ),
  'model.pathDynamics': d('Path engine: common jumps on top of the vol regime.'),
  'model.pathDynamics.jumpRatePerDay': d('Expected jumps per day.', 0.05),
  'model.pathDynamics.jumpMeanSize': d('Mean absolute log-return of a jump.', 0.03),
  'model.pathDynamics.jumpDownShare': d('Probability a jump is down.', 0.6),
  'model.precision': d(
    'Path engine: paths are added until the ES has this relative standard error, up to `maxPaths`.',
  ),
  'model.precision.targetRelativeStdError': d('Target relative standard error.', 0.03),
  'model.precision.maxPaths': d('Most paths.', 1_048_576),
  'model.reverseStressLiquidity': d(
    'Liquidity factors at which the reverse stress test scales each scenario until the fund is exhausted.',
    [0.03, 0.1],
  ),
  'model.correlationModel': d(
    'Path engine correlation: `dense` (Cholesky), `factor` (k factors), `auto` (factor above `factorModelAboveMarkets`).',
  ),
  'model.factorModelAboveMarkets': d('`auto` uses the factor model for funds of more markets than this.'),
  'model.factors': d('Factors of the factor model; √(markets) rounded when absent.', 8),
  data: d('What happens when a venue does not answer or answers nonsense, and where the venues are.'),
  'data.maxStaleMinutes': d(
    'A market whose venue does not answer reuses its last good observation if younger than this.',
  ),
  'data.stalePenalty': d('Relative IV increase on a stale market (0.25 = IV × 1.25).'),
  'data.baseUrls': d(
    'Base URL per venue API (a testnet, a proxy): https only (http to loopback), no credentials.',
    { binance: 'https://fapi.binance.com' },
  ),
  'data.allowPrivateNetwork': d(
    'Admit private and link-local hosts in base URLs (a proxy inside your network).',
  ),
  'data.plausibility': d('When open interest is implausible or falls too fast (docs/MARKET-DATA.md).'),
  'data.plausibility.maxOiDrop': d(
    'A fall of OI by more than this share in one run is held until confirmed.',
  ),
  'data.plausibility.minOiToVolume': d('OI below this multiple of daily volume is implausible.'),
  'data.plausibility.minOiShareOfPeers': d(
    "OI below this share of the same coin's other markets is implausible.",
  ),
  'data.plausibility.confirmTolerance': d(
    'A held fall is confirmed by the next run within this relative tolerance.',
  ),
  alerts: d('When a run alerts (docs/ALERTS.md).'),
  'alerts.thresholds': d(
    'Coverage (balance / required reserve) thresholds; absent: WARN below 1, BREACH below 1/(1 + buffer) (0.8 at buffer 0.25).',
    { warnBelow: 1, breachBelow: 0.8 },
  ),
  'alerts.thresholds.warnBelow': d('WARN below this coverage.', 1),
  'alerts.thresholds.breachBelow': d('BREACH below this coverage (at most `warnBelow`).', 0.8),
  'alerts.channels': d(
    'PagerDuty, Telegram and webhook channels besides the SNS topic (docs/ALERTS.md §5), by `type`; credentials by secret reference only.',
  ),
  'alerts.channels[][pagerduty].type': d('`pagerduty`: an Events API v2 integration.', 'pagerduty'),
  'alerts.channels[][pagerduty].name': d('The channel name, unique in the fund (lower-case).', 'oncall'),
  'alerts.channels[][pagerduty].routingKey': d(
    "Where the integration's routing key is kept (a secret reference).",
  ),
  ...secretRefFields('alerts.channels[][pagerduty].routingKey'),
  'alerts.channels[][telegram].type': d('`telegram`: a Telegram bot posting to a chat.', 'telegram'),
  'alerts.channels[][telegram].name': d('The channel name, unique in the fund (lower-case).', 'risk-chat'),
  'alerts.channels[][telegram].botToken': d("Where the bot's token is kept (a secret reference)."),
  ...secretRefFields('alerts.channels[][telegram].botToken'),
  'alerts.channels[][telegram].chatId': d('The chat: a numeric id or an @channel name.', '@fund_risk'),
  'alerts.channels[][webhook].type': d('`webhook`: a signed JSON POST to your endpoint.', 'webhook'),
  'alerts.channels[][webhook].name': d('The channel name, unique in the fund (lower-case).', 'ops-hook'),
  'alerts.channels[][webhook].url': d(
    'The https URL (no credentials), or a secret reference when the URL itself is secret.',
    'https://hooks.example.com/backstop',
  ),
  ...secretRefFields('alerts.channels[][webhook].url'),
  'alerts.channels[][webhook].secret': d('Where the HMAC signing key is kept (a secret reference).'),
  ...secretRefFields('alerts.channels[][webhook].secret'),
  'alerts.hysteresis': d('Coverage must clear a threshold by this much to move back up (no flapping).'),
  'alerts.reminderHours': d('A status that persists is re-sent after this many hours.'),
  'alerts.drawdown': d('DRAWDOWN alert: the balance fell by `warn`/`breach` within `windowHours`.'),
  'alerts.drawdown.windowHours': d('The drawdown window in hours.'),
  'alerts.drawdown.warn': d('Relative fall that warns.'),
  'alerts.drawdown.breach': d('Relative fall that breaches.'),
  'alerts.growth': d(
    'GROWTH alert: fund / open interest fell by more than `fall` over `windowDays` (docs/MANAGEMENT.md).',
  ),
  'alerts.growth.fall': d('Relative fall of the ratio that alerts.'),
  'alerts.growth.windowDays': d('The window in days.'),
  schedule: d('How often the deployed job runs the fund.'),
  'schedule.expression': d('An EventBridge Scheduler `rate(...)` or `cron(...)`.', 'rate(15 minutes)'),
  'schedule.timeZone': d('The time zone of a cron expression.'),
  'schedule.intervalMinutes': d(
    'Minutes between runs (sizes the "no recent run" alarm; must equal a rate).',
    15,
  ),
  notifications: d('Who hears about alerts when deployed.'),
  'notifications.emails': d("Email addresses subscribed to the fund's alerts.", ['risk@example.com']),
  'notifications.slack': d('A Slack channel through AWS Chatbot (docs/OPERATIONS.md).'),
  'notifications.slack.workspaceId': d('The Slack workspace id.', 'T0123ABCD'),
  'notifications.slack.channelId': d('The Slack channel id.', 'C0RISK01'),
  retentionDays: d('Stored runs expire after this many days; kept forever when absent.', 400),
  management: d('The one-year outlook and the recommendation (docs/MANAGEMENT.md).'),
  'management.inflow': d('Calm-day inflow; estimated from the stored balance history when absent.'),
  'management.inflow.insuranceFeeBps': d('Insurance fee going to the fund, bps of traded volume.', 1),
  'management.inflow.liquidationIncomeUsdPerDay': d('Liquidation income on a calm day, USD per day.', 50_000),
  'management.targetExhaustionProbability': d(
    'Target probability that the fund is exhausted within one year.',
  ),
  'management.feeCeilingBps': d('A fee above this (bps) is "not reachable by fees alone".'),
  'management.feeHorizonDays': d('Days within which a recommended fee must reach the required reserve.'),
  'management.outlookPaths': d('Simulated years of the outlook.'),
  'management.crisisRatePerDay': d(
    'Crisis days per day; the rate measured on the shipped BTC history when absent.',
    0.01,
  ),
  policy: d(
    "What the fund's board or regulator adds to the model's number (docs/MANAGEMENT.md): required = max(model + add-ons, floor).",
  ),
  'policy.floors': d(
    'A floor under the requirement: a share of open interest, a fixed minimum, or both (the larger wins).',
  ),
  'policy.floors.openInterestShare': d(
    'The fund holds at least this share of the total open interest (one side).',
    0.02,
  ),
  'policy.floors.minimumUsd': d('The fund holds at least this many USD.', 100_000_000),
  'policy.addOns': d(
    'Losses beyond trader defaults the fund also covers (a smart-contract or oracle failure), by `kind`.',
  ),
  'policy.addOns[][fixed].kind': d('`fixed`: a fixed amount.', 'fixed'),
  'policy.addOns[][fixed].name': d('What it covers, as the texts name it.', 'oracle failure'),
  'policy.addOns[][fixed].amountUsd': d('The amount added, USD.', 25_000_000),
  'policy.addOns[][share-of-value].kind': d(
    '`share-of-value`: a share of the value the protocol holds.',
    'share-of-value',
  ),
  'policy.addOns[][share-of-value].name': d(
    'What it covers, as the texts name it.',
    'smart-contract failure',
  ),
  'policy.addOns[][share-of-value].share': d('The share of `valueUsd` the failure is sized at.', 0.05),
  'policy.addOns[][share-of-value].valueUsd': d(
    'The value the protocol holds (its total value locked), USD.',
    800_000_000,
  ),
  execution: d('How a run executes on AWS (docs/OPERATIONS.md, "Sizing"); chosen at deploy time.'),
  'execution.mode': d(
    '`single` (one Lambda), `fan-out` (Step Functions over batches of paths) or `auto` (fan-out above 150 markets).',
  ),
  'execution.batchPaths': d('Paths per worker invocation.'),
  'execution.maxConcurrency': d('Worker Lambdas at once.'),
};
