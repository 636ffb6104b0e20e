import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunOutcome } from '../../../lambda/pipeline/run-outcome.ts';
import type { RunSummary } from '../../../lambda/run/stored-run.ts';
import { DEMO_OPEN_INTEREST_USD } from '../pipeline/support.ts';
import { type CliResult, type CliWorkspace, cliWorkspace } from './cli-support.ts';

const T1 = '2026-11-22T04:00:00.000Z';
const T2 = '2026-11-22T04:15:00.000Z';

describe('backstop run | history | replay on the embedded store', () => {
  let ws: CliWorkspace;
  let first: RunOutcome;
  let latestStatus: string;
  let human: CliResult;

  beforeAll(async () => {
    ws = await cliWorkspace();
    const a = await ws.run('run', '--as-of', T1, '--json');
    expect(a.code).toBe(0);
    first = JSON.parse(a.stdout);
    // With --json, stdout carries the outcome only; the console alert goes to stderr.
    expect(a.stderr.startsWith(`[${first.status}] demo-perps insurance fund at `)).toBe(true);
    human = await ws.run('run', '--as-of', T2);
    expect(human.code).toBe(0);
    const json = await ws.run('history', '--json', '--last', '1');
    latestStatus = (JSON.parse(json.stdout) as RunSummary[])[0]?.status ?? 'none';
  });
  afterAll(() => ws.remove());

  it('stores the run under .backstop/dynamo in the working directory', () => {
    expect(existsSync(join(ws.cwd, '.backstop/dynamo'))).toBe(true);
    expect(first).toMatchObject({ fundId: 'demo-perps', asOf: T1, stored: true });
    expect(first.steps.map((s) => s.step)).toEqual(['ingest', 'recalibrate', 'reserve', 'persist', 'alert']);
  });

  it('prints a readable summary with the status line first', () => {
    const lines = human.stdout.split('\n');
    expect(lines[0]).toMatch(
      new RegExp(
        `^${latestStatus} demo-perps at ${T2}: coverage \\d+\\.\\d% \\(balance \\$[\\d.]+[KMB], required \\$[\\d.]+[KMB]\\) — stored as FUND#demo-perps / SNAP#${T2}$`,
      ),
    );
    expect(human.stdout).toContain(`Backstop reserve — demo-perps as of ${T2}`);
    expect(human.stdout).toMatch(/Steps\n {2}ingest \d+ ms ok/);
    expect(human.stdout).toMatch(/Alerts: \d+ decided by this run, \d+ sent, 0 failed/);
  });

  it('accumulates history across runs: history --json lists both, newest first, as stored', async () => {
    const { code, stdout } = await ws.run('history', '--json');
    expect(code).toBe(0);
    const runs: RunSummary[] = JSON.parse(stdout);
    expect(runs.map((r) => r.asOf)).toEqual([T2, T1]);
    expect(runs[1]).toEqual({
      fundId: 'demo-perps',
      asOf: T1,
      runId: first.runId,
      status: first.status,
      fundBalanceUsd: first.fundBalanceUsd,
      requiredReserveUsd: first.requiredReserveUsd,
      coverageRatio: first.coverageRatio,
      openInterestUsd: DEMO_OPEN_INTEREST_USD,
    });
  });

  it('prints the history as a table under a sparkline', async () => {
    const { code, stdout } = await ws.run('history', '--last', '5');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('demo-perps: 2 runs, newest first');
    expect(lines[1]).toMatch(/^coverage [▁▂▃▄▅▆▇█]{2} {2}\(oldest → newest; /);
    expect(lines[5]?.startsWith(T2)).toBe(true);
    expect(lines[6]?.startsWith(T1)).toBe(true);
  });

  it('replays a stored run to a MATCH of every number', async () => {
    const text = await ws.run('replay', '--fund', 'demo-perps', '--as-of', T1);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      new RegExp(
        `^MATCH demo-perps at ${T1} \\(run ${first.runId}, 20,000 paths, seed \\d+\\): every number equals`,
      ),
    );
    const json = await ws.run('replay', '--fund', 'demo-perps', '--as-of', T1, '--json');
    expect(JSON.parse(json.stdout)).toEqual({
      fundId: 'demo-perps',
      asOf: T1,
      runId: first.runId,
      match: true,
      differences: [],
    });
  });

  it('exits 2 naming --as-of when the run does not exist', async () => {
    const r = await ws.run('replay', '--fund', 'demo-perps', '--as-of', '2020-01-01T00:00:00Z');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'error: --as-of: no stored run of fund "demo-perps" at 2020-01-01T00:00:00.000Z in the embedded (.backstop/dynamo) store\n',
    );
  });

  it.each([
    [
      ['run', '--source', 'carrier-pigeon'],
      'error: --source: expected replay or live, got "carrier-pigeon"\n',
    ],
    [
      ['run', '--as-of', 'noon'],
      'error: --as-of: expected an ISO-8601 time with a zone like 2026-11-22T04:15:00Z, got "noon"\n',
    ],
    [
      ['run', '--notify', 'sns'],
      'error: --topic-arn: an SNS topic ARN is required with --notify sns, got null\n',
    ],
    [
      ['run', '--notify', 'sns', '--topic-arn', 'alerts'],
      'error: --topic-arn: an SNS topic ARN is required with --notify sns, got "alerts"\n',
    ],
    [
      ['run', '--topic-arn', 'arn:aws:sns:eu-west-1:123456789012:alerts'],
      'error: --topic-arn: only with --notify sns, got "arn:aws:sns:eu-west-1:123456789012:alerts"\n',
    ],
    [
      ['run', '--store', 'embedded', '--table', 'prod'],
      'error: --table: only with --store dynamodb, got "prod"\n',
    ],
    [['report', '--last', 'many'], 'error: --last: expected an integer >= 1, got "many"\n'],
    [
      ['run', '--store', 'dynamodb'],
      'error: --table: a DynamoDB table name is required with --store dynamodb (or BACKSTOP_TABLE_NAME), got null\n',
    ],
    [['history', '--last', '0'], 'error: --last: expected an integer >= 1, got "0"\n'],
    [
      ['history', '--fund', 'Not A Fund'],
      'error: --fund: expected a fund id (lower-case letters, digits and dashes), got "Not A Fund"\n',
    ],
    [
      ['replay', '--fund', 'demo-perps'],
      'error: --as-of: the run to replay is required (see `backstop history`)\n',
    ],
  ])('bad input %j exits 2 with one line naming the option', async (argv, line) => {
    const r = await ws.run(...argv);
    expect(r).toEqual({ code: 2, stdout: '', stderr: line });
  });

  it('exits 2 naming the field of a bad fund config, and stores nothing', async () => {
    const r = await ws.run('run', '--fund', 'missing.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: fund config .*missing\.json: cannot read file \(ENOENT\)\n$/);
    const history = await ws.run('history', '--json');
    expect(JSON.parse(history.stdout)).toHaveLength(2);
  });
});
