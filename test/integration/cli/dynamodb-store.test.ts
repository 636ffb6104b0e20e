/**
 * The CLI against a DynamoDB table it does not own (`--store dynamodb --endpoint --table`), as the
 * runbook uses it to read production history: here the table lives in a dynalite the test started.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunSummary } from '../../../lambda/run/stored-run.ts';
import { startTestDynamo, type TestDynamo } from '../../support/dynalite.ts';
import { DEMO_OPEN_INTEREST_USD } from '../pipeline/support.ts';
import { type CliWorkspace, cliWorkspace } from './cli-support.ts';

describe('backstop run | history | replay --store dynamodb', () => {
  let dynamo: TestDynamo;
  let ws: CliWorkspace;

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    ws = await cliWorkspace();
    // The SDK's default chain reads region and credentials from the process environment.
    vi.stubEnv('AWS_REGION', 'local');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await ws.remove();
    await dynamo.close();
  });

  it('stores in, lists from and replays from the given table, with no embedded store', async () => {
    const store = ['--store', 'dynamodb', '--endpoint', dynamo.endpoint, '--table', dynamo.tableName];
    const run = await ws.run('run', '--as-of', '2026-11-22T04:45:00Z', '--json', ...store);
    expect(run.code).toBe(0);
    const outcome = JSON.parse(run.stdout);

    const history = await ws.run('history', '--json', ...store);
    const runs: RunSummary[] = JSON.parse(history.stdout);
    expect(runs).toEqual([
      {
        fundId: 'demo-perps',
        asOf: '2026-11-22T04:45:00.000Z',
        runId: outcome.runId,
        status: outcome.status,
        fundBalanceUsd: outcome.fundBalanceUsd,
        requiredReserveUsd: outcome.requiredReserveUsd,
        coverageRatio: outcome.coverageRatio,
        openInterestUsd: DEMO_OPEN_INTEREST_USD,
      },
    ]);
    const replay = await ws.run('replay', '--as-of', '2026-11-22T04:45:00Z', ...store);
    expect(replay.code).toBe(0);
    expect(replay.stdout.startsWith('MATCH demo-perps at 2026-11-22T04:45:00.000Z')).toBe(true);
    expect(await ws.run('history', '--json')).toMatchObject({ code: 0, stdout: '[]\n' });
  });
});
