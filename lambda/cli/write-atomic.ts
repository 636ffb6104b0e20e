/**
 * Writing a file so that readers never see half of it: write a temporary file beside the target,
 * then rename it over the target (atomic on one filesystem).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Writes `text` (UTF-8) or bytes to `path` atomically, creating the folder if needed. */
export async function writeFileAtomic(path: string, text: string | Uint8Array): Promise<void> {
  await ensureDir(dirname(path));
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text, 'utf8');
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * `mkdir -p`, one level at a time: Node's `recursive: true` never returns on a path under /proc
 * (each level answers ENOENT and it retries), so an impossible `--out` would hang instead of failing.
 */
async function ensureDir(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw error;
    await ensureDir(parent);
    try {
      await mkdir(dir);
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code !== 'EEXIST') throw again;
    }
  }
}
