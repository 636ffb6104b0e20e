/**
 * A new user's path, through the real CLI in a fresh working directory: `init` writes a starter,
 * `validate` accepts it (and lists every problem of a broken copy at once), `run` runs it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, TEST_PATHS } from '../pipeline/support.ts';
import { type CliWorkspace, cliWorkspace } from './cli-support.ts';

describe('onboarding: backstop init → validate → run', () => {
  let ws: CliWorkspace;
  beforeAll(async () => {
    ws = await cliWorkspace();
  });
  afterAll(() => ws.remove());

  it('init writes a starter config that validate accepts and run runs', async () => {
    const init = await ws.run('init', '--out', 'config/funds/new-fund.json', '--fund-id', 'new-fund');
    expect(init).toEqual({
      code: 0,
      stdout:
        'wrote config/funds/new-fund.json (fund "new-fund")\nnext: backstop validate --fund config/funds/new-fund.json\n      backstop run --fund config/funds/new-fund.json\n',
      stderr: '',
    });
    const doc = JSON.parse(await readFile(join(ws.cwd, 'config/funds/new-fund.json'), 'utf8'));
    expect(doc.fundId).toBe('new-fund');
    expect(doc.balance.$comment).toMatch(/^Where the balance comes from\./);

    expect(await ws.run('validate', '--fund', 'new-fund')).toEqual({
      code: 0,
      stdout: 'config/funds/new-fund.json: valid fund config "new-fund", 2 markets\n',
      stderr: '',
    });
    const run = await ws.run(
      'run',
      '--fund',
      'config/funds/new-fund.json',
      '--paths',
      String(TEST_PATHS),
      '--as-of',
      '2026-11-21T12:00:00Z',
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(
      /^OK new-fund at 2026-11-21 12:00 UTC: coverage \d+\.\d% \(balance \$750M, required \$\d+M\) — stored as FUND#new-fund \/ SNAP#2026-11-21T12:00:00\.000Z$/,
    );
  });

  it('validate lists every problem of a config at once, unknown keys first, and exits 2', async () => {
    const doc = JSON.parse(await readFile(join(ws.cwd, 'config/funds/new-fund.json'), 'utf8'));
    doc.markets[0].maintenanceMargn = doc.markets[0].maintenanceMargin;
    delete doc.markets[0].maintenanceMargin;
    delete doc.model.defaultLeverageProfile;
    doc.alerts.thresholds.warnBelow = 'one';
    await writeFile(join(ws.cwd, 'broken.json'), JSON.stringify(doc));
    expect(await ws.run('validate', '--fund', 'broken.json')).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'broken.json: 3 problems\n' +
        '  markets[0].maintenanceMargn: unknown key (did you mean "maintenanceMargin"?)\n' +
        '  model.defaultLeverageProfile: missing (expected array)\n' +
        '  alerts.thresholds.warnBelow: expected number, received string, got "one"\n',
    });
  });

  it('init refuses to overwrite, names a bad id or path, and writes to stdout with --out -', async () => {
    expect(await ws.run('init', '--out', 'config/funds/new-fund.json')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: --out: config/funds/new-fund.json already exists; choose another file or remove it\n',
    });
    expect((await ws.run('init', '--fund-id', 'My Fund')).stderr).toBe(
      'error: --fund-id: expected lower-case letters, digits and dashes, got "My Fund"\n',
    );
    expect((await ws.run('init', '--out', '/proc/no/such/dir.json')).code).toBe(2);
    const out = await ws.run('init', '--out', '-');
    expect(out.code).toBe(0);
    const doc = JSON.parse(out.stdout);
    expect(doc.fundId).toBe('my-fund');
    // Relative to the working directory, it leads to the shipped schema.
    expect(join(ws.cwd, doc.$schema)).toBe(join(REPO_ROOT, 'config/fund-config.schema.json'));
  });

  it('validate takes the shipped configs as they are', async () => {
    const demo = await ws.run('validate');
    expect(demo).toEqual({
      code: 0,
      stdout: 'config/funds/demo.json: valid fund config "demo-perps", 10 markets\n',
      stderr: '',
    });
  });
});
