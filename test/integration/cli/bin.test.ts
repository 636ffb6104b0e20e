/**
 * The real executable, as `npm start` runs it: a separate Node process (TypeScript run by Node itself),
 * exit codes through `process.exitCode`, errors as one line on stderr.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../pipeline/support.ts';
import { type CliWorkspace, cliWorkspace } from './cli-support.ts';

const BIN = resolve(REPO_ROOT, 'lambda/cli/backstop.mjs');

async function backstop(
  cwd: string,
  ...argv: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...argv], { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('node lambda/cli/backstop.mjs', () => {
  let ws: CliWorkspace;
  beforeAll(async () => {
    ws = await cliWorkspace();
  });
  afterAll(() => ws.remove());

  it('runs a full recalibration with the defaults and exits 0', async () => {
    const r = await backstop(ws.cwd, 'run', '--as-of', '2026-11-22T04:30:00Z');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^(OK|WARN|BREACH|DEGRADED|UNKNOWN) demo-perps at 2026-11-22 04:30 UTC: coverage /,
    );
  });

  it('exits 2 with one stderr line on bad input', async () => {
    const r = await backstop(ws.cwd, 'replay', '--as-of', 'tomorrow');
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: --as-of: expected an ISO-8601 time with a zone like 2026-11-22T04:15:00Z, got "tomorrow"\n',
    });
  });
});
