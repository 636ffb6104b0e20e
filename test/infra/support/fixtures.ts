/**
 * Fund configs and deployments for the infrastructure tests, written as a user would write them
 * (before defaults) and validated by the same code path as bin/backstop.ts.
 */
import { App } from 'aws-cdk-lib';
import type { FundConfigInput } from '../../../lambda/config/fund-config.ts';
import { addBackstop, type BackstopStacks } from '../../../lib/backstop-app.ts';
import { type DeploymentConfig, type FundFile, resolveDeployment } from '../../../lib/deployment-config.ts';

/** A small but complete fund: two markets, a static balance, the default model. */
export function fundInput(fundId: string, overrides: Partial<FundConfigInput> = {}): FundConfigInput {
  return {
    fundId,
    description: `${fundId} test fund`,
    balance: { type: 'static', amountUsd: 150_000_000 },
    markets: [
      {
        id: 'BTC-PERP',
        venue: 'binance',
        symbol: 'BTCUSDT',
        volSource: [{ type: 'dvol', currency: 'BTC' }, { type: 'realized' }],
        maintenanceMargin: 0.005,
      },
      {
        id: 'ETH-PERP',
        venue: 'okx',
        symbol: 'ETH-USDT-SWAP',
        volSource: [{ type: 'realized' }],
        maintenanceMargin: 0.005,
      },
    ],
    model: {
      defaultLeverageProfile: [
        { margin: 0.01, share: 0.1 },
        { margin: 0.04, share: 0.4 },
        { margin: 0.2, share: 0.5 },
      ],
      stressScenarios: [{ name: 'crash', shocks: { '*': -0.3 }, liquidityFactor: 0.1 }],
    },
    ...overrides,
  };
}

/** The customer-managed key of the fixture's PagerDuty routing key. */
export const CHANNEL_KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/**
 * Two funds with different schedules, time zones and recipients (one address shared); the first
 * also pages PagerDuty (a SecureString under a customer-managed key), posts to Telegram (a Secrets
 * Manager secret) and calls a signed webhook.
 */
export const TWO_FUNDS: readonly FundFile[] = [
  {
    path: 'config/funds/alpha.json',
    json: fundInput('alpha-perps', {
      schedule: { expression: 'rate(15 minutes)', timeZone: 'UTC', intervalMinutes: 15 },
      notifications: {
        emails: ['risk@example.com', 'alpha-desk@example.com'],
        slack: { workspaceId: 'T0123ABCD', channelId: 'C0RISK01' },
      },
      alerts: {
        channels: [
          {
            type: 'pagerduty',
            routingKey: { ssmParameter: '/backstop/test/pagerduty-routing-key', kmsKeyArn: CHANNEL_KEY_ARN },
          },
          {
            type: 'telegram',
            botToken: { secretsManager: 'backstop/test/telegram-bot' },
            chatId: '-1001234567890',
          },
          {
            type: 'webhook',
            url: 'https://risk.example.com/hooks/backstop',
            secret: { ssmParameter: '/backstop/test/webhook-signing-key' },
          },
        ],
      },
    }),
  },
  {
    path: 'config/funds/beta.json',
    json: fundInput('beta-lending', {
      balance: { type: 'ssm', parameterName: '/treasury/beta/balance-usd' },
      schedule: { expression: 'cron(0 * * * ? *)', timeZone: 'Europe/London', intervalMinutes: 60 },
      notifications: { emails: ['risk@example.com'] },
    }),
  },
];

/** Synthesising without bundling: the function's code is a placeholder asset, the template is real. */
export function fastApp(): App {
  return new App({ context: { 'aws:cdk:bundling-stacks': [] } });
}

/** A stage's deployment from in-test files, through the same resolver as bin/backstop.ts. */
export function deployment(
  stage = 'test',
  stageJson: unknown = {},
  files: readonly FundFile[] = TWO_FUNDS,
): DeploymentConfig {
  return resolveDeployment(stage, stageJson, files);
}

/** Builds the stacks on a bundling-free app. */
export function fastStacks(config: DeploymentConfig = deployment()): { app: App } & BackstopStacks {
  const app = fastApp();
  return { app, ...addBackstop(app, config) };
}
