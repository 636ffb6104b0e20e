/**
 * `backstop outlook` through the real CLI: a stored run of the demo fund (replayed venues, embedded
 * store), then the outlook stored with it as JSON (exactly five fields) and as text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliWorkspace, cliWorkspace } from './cli-support.ts';

describe('backstop outlook', () => {
  let ws: CliWorkspace;
  beforeAll(async () => {
    ws = await cliWorkspace();
    // The demo fund with a configured inflow and a smaller simulation, so the test is quick.
    await ws.writeFund('demo', (c) => {
      c.management = {
        inflow: { insuranceFeeBps: 0.1, liquidationIncomeUsdPerDay: 3e5 },
        outlookPaths: 4000,
      };
    });
  });
  afterAll(async () => {
    await ws?.remove();
  });

  it('says there is nothing to project before the first run (exit 2, one line)', async () => {
    const r = await ws.run('outlook');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: --fund: no stored runs for fund "demo-perps" in the embedded (.backstop/dynamo) store (run `backstop run` first)\n',
    );
  });

  it('prints exactly the five fields with --json, the same twice', async () => {
    const run = await ws.run('run', '--as-of', '2026-11-22T04:00:00Z', '--json');
    expect(run.code).toBe(0);
    const first = await ws.run('outlook', '--json');
    const again = await ws.run('outlook', '--json');
    expect(first.code).toBe(0);
    expect(again.stdout).toBe(first.stdout);
    const outlook = JSON.parse(first.stdout);
    expect(Object.keys(outlook)).toEqual([
      'exhaustionProbability1y',
      'fundAfter1y',
      'daysToTarget',
      'inflow',
      'recommendation',
    ]);
    expect(Object.keys(outlook.fundAfter1y)).toEqual(['p5Usd', 'medianUsd', 'p95Usd']);
    expect(outlook.inflow).toMatchObject({
      source: 'config',
      insuranceFeeBps: 0.1,
      liquidationIncomeUsdPerDay: 3e5,
      // A configured inflow needs no balance history, so the run read none.
      historyDays: 0,
    });
    // 0.1 bps of the recorded $42.0B daily volume plus $300K.
    expect(outlook.inflow.dailyUsd).toBeCloseTo((0.1 / 1e4) * outlook.inflow.dailyVolumeUsd + 3e5, 6);
    expect(outlook.recommendation).toMatchObject({
      targetExhaustionProbability: 0.01,
      exhaustionProbability1y: outlook.exhaustionProbability1y,
      feeCeilingBps: 10,
      feeHorizonDays: 90,
    });
    expect(outlook.recommendation.text).toMatch(/^[A-Z][^\n]*\.$/);
  });

  it('prints the figures, what they stand on and the recommendation as text', async () => {
    const json = JSON.parse((await ws.run('outlook', '--json')).stdout);
    const { code, stdout } = await ws.run('outlook');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(
      /^Outlook for demo-perps from the run of 2026-11-22 04:00 UTC: 365 days, 4,000 simulated years \(seed \d+\)$/,
    );
    expect(lines[2]).toBe(
      `  P(exhausted within 1 year)  ${(100 * json.exhaustionProbability1y).toFixed(1)}%`,
    );
    expect(stdout).toContain(
      'Recommendation (target: P(exhausted within 1 year) <= 1.0%; stored with the run)',
    );
    expect(stdout).toContain(`  ${json.recommendation.text}\n`);
    expect(stdout).toContain(
      'rate from Binance BTCUSDT daily candles 2017-08-17 to 2026-03-30 (fixtures/prices)',
    );
  });

  it('refuses a malformed fund id with exit 2 naming --fund', async () => {
    const r = await ws.run('outlook', '--fund', 'Not A Fund');
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: --fund: expected a fund config file or a fund id (lower-case letters, digits and dashes), got "Not A Fund"\n',
    });
  });
});
