import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALWAYS_ALERT_THRESHOLDS } from '../pipeline/support.ts';
import { type CliWorkspace, cliWorkspace } from './cli-support.ts';

/** Nine days after the recording day: the replay source must re-time its recordings. */
const LATER = '2026-12-01T11:30:00.000Z';

describe('backstop run without surprises', () => {
  let ws: CliWorkspace;
  let first: Awaited<ReturnType<CliWorkspace['run']>>;
  beforeAll(async () => {
    // The alert paths under test need a demo that alerts, whatever the calibration makes of it.
    ws = await cliWorkspace((config) => {
      config.alerts.thresholds = { ...ALWAYS_ALERT_THRESHOLDS };
    });
    first = await ws.run('run', '--fund', 'demo-perps', '--as-of', LATER);
  });
  afterAll(() => ws.remove());

  it('replays a clean demo nine days later: re-timed, said so, no stale balance', () => {
    expect(first.code).toBe(0);
    const lines = first.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^(WARN|BREACH) demo-perps at 2026-12-01 11:30 UTC: coverage \d+\.\d% \(balance \$1\.36B, required/,
    );
    expect(lines[1]).toBe(
      '  Data: REPLAYED venue recordings of 2026-11-22 (re-timed +9 days to the as-of), not live prices; --source live for live venues',
    );
    expect(first.stdout).not.toContain('STALE');
    expect(first.stdout).toContain('\nWhy this number\n');
    expect(first.stdout).toMatch(/Alerts: 1 decided by this run, 1 sent, 0 failed\n/);
  });

  it('names a config changed since the tick was stored, and why no alert was decided', async () => {
    await ws.writeFund('demo', (c) => {
      (c.model as Record<string, unknown>).buffer = 0.3;
    });
    const again = await ws.run('run', '--as-of', LATER);
    expect(again.code).toBe(0);
    expect(again.stdout.split('\n')[2]).toBe(
      '  Note: config changed since this tick was stored (model.buffer); use --as-of for a new tick',
    );
    expect(again.stdout).toMatch(
      /\nAlerts: 0 decided by this run, 0 sent, 0 failed — this tick was already stored by run [0-9a-f-]{36}, which decided its alerts\n/,
    );
    const json = await ws.run('run', '--as-of', LATER, '--json');
    expect(json.stderr).toBe(
      'warning: config changed since this tick was stored (model.buffer); use --as-of for a new tick\n',
    );
  });

  it('gives the reminder time when the team was already told, and gates on --fail-on with exit 3', async () => {
    const next = await ws.run(
      'run',
      '--as-of',
      '2026-12-01T11:45:00Z',
      '--paths',
      '5000',
      '--fail-on',
      'warn',
    );
    expect(next.code).toBe(3);
    // The demo fund is below its requirement (WARN or BREACH): gated at warn.
    expect(next.stderr).toMatch(
      /^backstop run: status (WARN|BREACH) is at or beyond --fail-on warn \(exit 3\)\n$/,
    );
    expect(next.stdout).toMatch(
      /\nAlerts: 0 decided by this run, 0 sent, 0 failed — (WARN|BREACH) already sent \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC; next reminder \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\n/,
    );
    expect(next.stdout).toMatch(/\n {2}5,000 paths \(\d+ in the tail\)/);
  });

  it.each([
    [
      ['run', '--as-of', '2026-02-30T12:00:00Z'],
      'error: --as-of: no such date or time, got "2026-02-30T12:00:00Z"\n',
    ],
    [['run', '--paths', '-5'], 'error: --paths: expected an integer >= 1, got "-5"\n'],
    [['run', '--paths', '50'], 'error: --paths: Too small: expected number to be >=100, got 50\n'],
    [['run', '--fail-on', 'always'], 'error: --fail-on: expected warn or breach, got "always"\n'],
    [
      ['run', '--fund', 'nope'],
      'error: --fund: unknown fund "nope"; known funds: demo-perps (config/funds/demo.json)\n',
    ],
    [
      ['history', '--fund', 'nope'],
      'error: --fund: unknown fund "nope"; known funds: demo-perps (config/funds/demo.json)\n',
    ],
    [
      ['report', '--fund', 'nope'],
      'error: --fund: unknown fund "nope"; known funds: demo-perps (config/funds/demo.json)\n',
    ],
    [
      ['replay', '--fund', 'nope', '--as-of', LATER],
      'error: --fund: unknown fund "nope"; known funds: demo-perps (config/funds/demo.json)\n',
    ],
    [['report', '--out', '/proc/x/report.html'], 'error: --out: cannot write /proc/x/report.html (ENOENT)\n'],
    [['histroy'], "backstop: unknown command 'histroy' (did you mean 'history'?); see backstop --help\n"],
    [['frobnicate'], "backstop: unknown command 'frobnicate'; see backstop --help\n"],
  ])('%j exits 2 with one line', async (argv, line) => {
    expect(await ws.run(...argv)).toEqual({ code: 2, stdout: '', stderr: line });
  });

  it('prints the version', async () => {
    const pkg = JSON.parse(await readFile(join(import.meta.dirname, '../../../package.json'), 'utf8'));
    expect(await ws.run('--version')).toEqual({ code: 0, stdout: `backstop ${pkg.version}\n`, stderr: '' });
  });

  it('takes --fund as a file or an id on the read side too, and the printed time back as --as-of', async () => {
    const byFile = await ws.run('history', '--fund', 'config/funds/demo.json', '--last', '1');
    const byId = await ws.run('history', '--fund', 'demo-perps', '--last', '1');
    expect(byFile.code).toBe(0);
    expect(byFile.stdout).toBe(byId.stdout);
    const replay = await ws.run('replay', '--fund', 'demo-perps', '--as-of', '2026-12-01 11:30 UTC');
    expect(replay.code).toBe(0);
    expect(replay.stdout).toMatch(/^MATCH demo-perps at 2026-12-01T11:30:00.000Z/);
  });

  it('pipes a snapshot into reserve with - for stdout and stdin', async () => {
    const snap = await ws.run('snapshot', '--fund', 'demo-perps', '--as-of', LATER, '--out', '-');
    expect(snap.code).toBe(0);
    expect(snap.stderr).toBe('');
    const parsed = JSON.parse(snap.stdout);
    expect(parsed.asOf).toBe(LATER);
    const out = await ws.run('snapshot', '--out', '/proc/x/snap.json');
    expect(out).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: --out: cannot write /proc/x/snap.json (ENOENT)\n',
    });
  });
});
