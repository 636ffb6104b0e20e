/**
 * A fund config's `policy` through the real CLI: a bad value is refused before anything runs, with
 * exit 2 and one line naming the field and the value, nothing stored; a good one rides in the stored
 * snapshot, so the run replays to a MATCH, and a policy edited since is named as config drift.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunOutcome } from '../../../lambda/pipeline/run-outcome.ts';
import { DEMO_OPEN_INTEREST_USD } from '../pipeline/support.ts';
import { type CliWorkspace, cliWorkspace } from './cli-support.ts';

const T1 = '2026-11-22T04:00:00.000Z';

describe('fund config policy', () => {
  let ws: CliWorkspace;
  beforeAll(async () => {
    ws = await cliWorkspace();
  });
  afterAll(() => ws.remove());

  it.each([
    [
      { floors: { openInterestShare: 2 } },
      'policy.floors.openInterestShare: Too big: expected number to be <=1, got 2',
    ],
    [{ floors: { minimumUsd: 0 } }, 'policy.floors.minimumUsd: Too small: expected number to be >0, got 0'],
    [{ floors: {} }, 'policy.floors: give openInterestShare, minimumUsd or both, got {}'],
    [
      { addOns: [{ kind: 'share-of-value', name: 'smart-contract failure', share: 0.05, valueUsd: 1e14 }] },
      'policy.addOns[0].valueUsd: expected at most 10000000000000 USD, got 100000000000000',
    ],
    [
      { addOns: [{ kind: 'hack', name: 'bridge', amountUsd: 1 }] },
      "policy.addOns[0].kind: Invalid discriminator value. Expected 'fixed' | 'share-of-value', got \"hack\"",
    ],
    [{ floor: { minimumUsd: 1 } }, 'policy: Unrecognized key: "floor", got {"floor":{"minimumUsd":1}}'],
  ])('refuses %j with exit 2 naming the field', async (policy, message) => {
    const file = await ws.writeFund('bad', (c) => {
      c.policy = policy;
    });
    const r = await ws.run('run', '--fund', file);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `error: fund config ${ws.cwd}/${file}: ${message}\n` });
    expect(JSON.parse((await ws.run('history', '--json')).stdout)).toEqual([]);
  });

  it('runs the demo under a floor of all its open interest: the floor binds, the run replays, drift is named', async () => {
    const file = await ws.writeFund('demo', (c) => {
      c.policy = { floors: { openInterestShare: 1 } };
    });
    const run = await ws.run('run', '--fund', file, '--as-of', T1, '--json');
    expect(run.code).toBe(0);
    const outcome = JSON.parse(run.stdout) as RunOutcome;
    expect(outcome.requiredReserveUsd).toBe(DEMO_OPEN_INTEREST_USD);
    const human = await ws.run('run', '--fund', file, '--as-of', T1);
    expect(human.stdout).toContain(
      `  Set by the policy floor: 100.0% of open interest $27.5B, above the model requirement $`,
    );
    const replay = await ws.run('replay', '--fund', 'demo-perps', '--as-of', T1, '--json');
    expect(JSON.parse(replay.stdout)).toMatchObject({ match: true, differences: [] });
    await ws.writeFund('demo', (c) => {
      c.policy = { floors: { openInterestShare: 0.5 } };
    });
    const again = await ws.run('run', '--fund', file, '--as-of', T1);
    expect(again.stdout.split('\n')[2]).toBe(
      '  Note: config changed since this tick was stored (policy); use --as-of for a new tick',
    );
  });
});
