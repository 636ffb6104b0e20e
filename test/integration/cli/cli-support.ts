/**
 * Running the real CLI in-process (`main(argv, io)`) with captured output, in a temporary working
 * directory holding a copy of the demo fund config — so `.backstop/` (the embedded store, reports)
 * lands in the temp dir and never in the repository.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CommandIo } from '../../../lambda/cli/io.ts';
import { main } from '../../../lambda/cli/main.ts';
import { REPO_ROOT, TEST_PATHS } from '../pipeline/support.ts';

/** What one CLI invocation printed and returned. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A temp working directory with config/funds/demo.json (paths overridden). */
export interface CliWorkspace {
  readonly cwd: string;
  run(...argv: string[]): Promise<CliResult>;
  /** Writes a copy of the demo config changed by `edit` to `config/funds/<name>.json`; returns its path. */
  writeFund(name: string, edit: (config: Record<string, unknown>) => void): Promise<string>;
  remove(): Promise<void>;
}

/**
 * Creates a workspace whose demo config runs {@link TEST_PATHS} paths, changed further by `edit`.
 */
export async function cliWorkspace(
  edit?: (config: { alerts: { thresholds?: unknown } }) => void,
): Promise<CliWorkspace> {
  const cwd = await mkdtemp(join(tmpdir(), 'backstop-cli-'));
  const config = JSON.parse(await readFile(resolve(REPO_ROOT, 'config/funds/demo.json'), 'utf8'));
  config.model.paths = TEST_PATHS;
  edit?.(config);
  await mkdir(join(cwd, 'config/funds'), { recursive: true });
  await writeFile(join(cwd, 'config/funds/demo.json'), JSON.stringify(config, null, 2));
  return {
    cwd,
    run: async (...argv) => {
      let stdout = '';
      let stderr = '';
      const io: CommandIo = {
        stdout: (t) => {
          stdout += t;
        },
        stderr: (t) => {
          stderr += t;
        },
        stderrIsTty: false,
        cwd,
        env: { PATH: process.env.PATH },
      };
      const code = await main(argv, io);
      return { code, stdout, stderr };
    },
    writeFund: async (name, edit) => {
      const copy = structuredClone(config);
      edit(copy);
      const path = `config/funds/${name}.json`;
      await writeFile(join(cwd, path), JSON.stringify(copy, null, 2));
      return path;
    },
    remove: () => rm(cwd, { recursive: true, force: true }),
  };
}
