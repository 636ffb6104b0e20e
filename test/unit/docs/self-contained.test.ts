import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');

/**
 * The design notes and shared folders the project was started from are not in the repository, so
 * nothing in it may send a reader there. The patterns are assembled from parts so that this file,
 * which has to name them, does not match itself.
 */
const DESIGN = ['DESIGN', '.md'].join('');
const SHARED = 'shared/';
const forbidden = new RegExp(
  [
    DESIGN.replace('.', '\\.'),
    `\\.\\./${SHARED}`,
    `${SHARED}(DESIGN|STYLE|STACK|reference|data)`,
    `/work/${SHARED.slice(0, -1)}`,
  ].join('|'),
);

/** Every file git tracks or would track (untracked but not ignored), so a new file is checked too. */
function repositoryFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return out.split('\0').filter((f) => f !== '');
}

describe('the repository is self-contained', () => {
  it('names no design note or shared folder outside the repository', () => {
    const hits: string[] = [];
    for (const file of repositoryFiles()) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(join(root, file));
      } catch {
        continue; // deleted in the worktree but still in the index
      }
      if (bytes.includes(0)) continue; // binary (images, parquet)
      const lines = bytes.toString('utf8').split('\n');
      lines.forEach((line, i) => {
        if (forbidden.test(line)) hits.push(`${file}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(hits).toEqual([]);
  });

  it('the check itself matches the forms it must refuse', () => {
    expect(forbidden.test(`see ${DESIGN} §3`)).toBe(true);
    expect(forbidden.test(`../${SHARED}STACK.md`)).toBe(true);
    expect(forbidden.test(`${SHARED}reference/venues.md`)).toBe(true);
    expect(forbidden.test('docs/MODEL.md §6')).toBe(false);
  });
});
