/**
 * The second demo, end to end and offline: `backstop snapshot` and `backstop run` on
 * config/funds/demo-defi.json (four Hyperliquid and three dYdX v4 markets; balance = the HLP vault plus
 * dYdX's insurance fund) against the replay server's recorded-style answers.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarketSnapshotSchema } from '../../../lambda/model/schemas.ts';
import { type CliWorkspace, cliWorkspace } from '../cli/cli-support.ts';
import { REPO_ROOT, TEST_PATHS } from '../pipeline/support.ts';

const T = '2026-11-22T00:00:00.000Z';
const FUND = 'config/funds/demo-defi.json';
let ws: CliWorkspace;

beforeAll(async () => {
  ws = await cliWorkspace();
  const config = JSON.parse(await readFile(resolve(REPO_ROOT, FUND), 'utf8'));
  config.model.paths = TEST_PATHS;
  await writeFile(join(ws.cwd, FUND), JSON.stringify(config, null, 2));
});
afterAll(() => ws.remove());

describe('demo-defi', () => {
  it('backstop snapshot: every market priced, with depth, maximum leverage and the venue’s margin', async () => {
    const { code, stderr } = await ws.run('snapshot', '--fund', FUND, '--as-of', T, '--out', 'snap.json');
    expect(stderr).toBe('wrote snap.json: 7 markets, balance 223842669.660815 USD\n');
    expect(code).toBe(0);
    const snapshot = MarketSnapshotSchema.parse(
      JSON.parse(await readFile(join(ws.cwd, 'snap.json'), 'utf8')),
    );
    expect(
      snapshot.markets.map((m) => [
        m.id,
        m.priceUsd,
        Math.round(m.openInterestUsd),
        m.maintenanceMargin,
        m.maxLeverage,
        m.depthUsd?.length,
      ]),
    ).toEqual([
      ['BTC-PERP-HL', 97_000, Math.round(32_512.4 * 97_000), 0.0125, 40, 5],
      ['ETH-PERP-HL', 3_400, Math.round(521_884.1 * 3_400), 0.02, 25, 5],
      ['SOL-PERP-HL', 190, Math.round(6_204_118.4 * 190), 0.025, 20, 5],
      ['HYPE-PERP-HL', 32.5, Math.round(28_004_512.3 * 32.5), 0.05, 10, 5],
      ['BTC-PERP-DYDX', 97_004.85, Math.round(1_180.2214 * 97_004.85), 0.012, 50, 5],
      ['ETH-PERP-DYDX', 3_400.17, Math.round(15_204.118 * 3_400.17), 0.012, 50, 5],
      ['SOL-PERP-DYDX', 190.0095, Math.round(182_004.5 * 190.0095), 0.03, 20, 5],
    ]);
    expect(snapshot.markets[0]?.provenance?.maintenanceMarginSource).toBe('/info metaAndAssetCtxs tier 1/2');
    // Valid under schemaVersion 2: every profile bucket sits above its market's maintenance margin.
    expect(MarketSnapshotSchema.safeParse({ ...snapshot, schemaVersion: 2 }).success).toBe(true);
  });

  it('backstop run: the whole pipeline offline, stored and alerted, the balance from both venues', async () => {
    const { code, stdout, stderr } = await ws.run('run', '--fund', FUND, '--as-of', T, '--json');
    expect(code).toBe(0);
    const outcome = JSON.parse(stdout);
    expect(outcome).toMatchObject({ fundId: 'demo-defi', asOf: T, stored: true });
    expect(outcome.steps.map((s: { step: string; outcome: string }) => `${s.step}:${s.outcome}`)).toEqual([
      'ingest:ok',
      'recalibrate:ok',
      'reserve:ok',
      'persist:ok',
      'alert:ok',
    ]);
    expect(outcome.fundBalanceUsd).toBeCloseTo(215_430_118.44 + 8_412_551.220815, 4);
    expect(outcome.flags).toEqual([]);
    expect(outcome.degradedMarkets).toBe(0);
    expect(outcome.snapshotKey).toBe(`FUND#demo-defi / SNAP#${T}`);
    expect(stderr.startsWith(`[${outcome.status}] demo-defi insurance fund at `)).toBe(true);
    // The stored run replays to the same numbers.
    const replay = await ws.run('replay', '--fund', 'demo-defi', '--as-of', T, '--json');
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ fundId: 'demo-defi', match: true, differences: [] });
  });
});
