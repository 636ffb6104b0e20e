import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../lambda/cli/write-atomic.ts';

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'backstop-atomic-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('creates missing folders and replaces the old file whole, leaving no temp file', async () => {
    const path = join(dir, 'nested/report.html');
    await writeFileAtomic(path, 'first');
    await writeFileAtomic(path, 'second');
    expect(await readFile(path, 'utf8')).toBe('second');
    expect(await readdir(join(dir, 'nested'))).toEqual(['report.html']);
  });

  it('leaves the old file and no temp file behind when the write fails', async () => {
    const path = join(dir, 'report.html');
    await writeFile(path, 'old');
    // A folder where the file should go makes the rename fail after the temp file was written.
    const blocked = join(dir, 'blocked');
    await writeFileAtomic(join(blocked, 'x'), 'x');
    await expect(writeFileAtomic(blocked, 'new')).rejects.toThrow();
    expect(await readFile(path, 'utf8')).toBe('old');
    expect((await readdir(dir)).sort()).toEqual(['blocked', 'report.html']);
  });

  it("fails at once on a folder that cannot be created (Node's recursive mkdir never returns under /proc)", async () => {
    await expect(writeFileAtomic('/proc/backstop-x/report.html', 'x')).rejects.toMatchObject({
      code: 'ENOENT',
    });
    await writeFileAtomic(join(dir, 'a/b/c/report.html'), 'deep');
    expect(await readFile(join(dir, 'a/b/c/report.html'), 'utf8')).toBe('deep');
  });
});
