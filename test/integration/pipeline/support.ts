/**
 * Shared wiring for the job's integration tests: the demo fund with a small path count, a clock the
 * test moves, and the real market source pointed at a replay server with instant retries.
 */
import { resolve } from 'node:path';
import type { FundConfig } from '../../../lambda/config/fund-config.ts';
import { loadFundConfig } from '../../../lambda/config/load-fund-config.ts';
import type { ReplayServer } from '../../../lambda/ingest/replay/replay-server.ts';
import { createVenueMarketSource } from '../../../lambda/ingest/venue-market-source.ts';
import type { Clock, MarketSource } from '../../../lambda/pipeline/ports.ts';

/** The repository root (tests run from anywhere). */
export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
/** Small enough to keep each run well under a second, large enough for a 0.999 tail (20 scenarios). */
export const TEST_PATHS = 20_000;

/** The shipped demo fund with `model.paths` = {@link TEST_PATHS}. */
export async function demoFund(): Promise<FundConfig> {
  const config = await loadFundConfig(resolve(REPO_ROOT, 'config/funds/demo.json'));
  return { ...config, model: { ...config.model, paths: TEST_PATHS } };
}

/**
 * Coverage thresholds far above any coverage the demo fund reaches: a test that exercises the
 * alert path gets a BREACH on the demo's first run whatever the model's calibration says.
 */
export const ALWAYS_ALERT_THRESHOLDS = { warnBelow: 100, breachBelow: 50 } as const;

/** The demo fund with {@link ALWAYS_ALERT_THRESHOLDS}. */
export async function alertingDemoFund(): Promise<FundConfig> {
  const config = await demoFund();
  return { ...config, alerts: { ...config.alerts, thresholds: { ...ALWAYS_ALERT_THRESHOLDS } } };
}

/** A clock that stays where the test puts it. */
export interface TestClock extends Clock {
  set(iso: string): void;
}

/** A {@link TestClock} starting at `iso`. */
export function testClock(iso: string): TestClock {
  let now = new Date(iso);
  return {
    now: () => new Date(now),
    set: (next) => {
      now = new Date(next);
    },
  };
}

/** The real venue market source against `replay`, with retries that do not wait. */
export function replaySource(replay: ReplayServer): MarketSource {
  return createVenueMarketSource({ env: replay.env(), sleep: async () => {}, random: () => 0.5 });
}

/** `iso` plus `minutes`, canonical. */
export function addMinutes(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}

/** Total open interest (one side, USD) of the demo fund in the recorded venue responses. */
export const DEMO_OPEN_INTEREST_USD = 27_462_667_873;
