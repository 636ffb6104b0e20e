/**
 * Finding 4 of the reliability sweep: the embedded store started empty when LevelDB's CURRENT file
 * was missing (history 4 → 0 runs, the BREACH alert sent again, exit 0), other damage gave a raw
 * stack trace, and a lock file naming an unrelated live pid blocked the store for good.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedStoreBusyError, startEmbeddedDynamo } from '../../../lambda/store/embedded-dynamo.ts';
import { type CliWorkspace, cliWorkspace } from '../cli/cli-support.ts';

const T0 = '2026-11-22T00:00:00.000Z';
const T1 = '2026-11-22T00:15:00.000Z';

describe('embedded store honesty (the real CLI)', () => {
  let ws: CliWorkspace;
  let store: string;

  beforeEach(async () => {
    ws = await cliWorkspace();
    store = join(ws.cwd, '.backstop/dynamo');
    expect((await ws.run('run', '--as-of', T0, '--json')).code).toBe(0);
  });
  afterEach(async () => {
    await ws.remove();
  });

  it('refuses a store whose LevelDB CURRENT file is missing: one line, exit 1, nothing re-sent', async () => {
    rmSync(join(store, 'CURRENT'));

    const again = await ws.run('run', '--as-of', T1, '--json');

    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toBe(
      `error: embedded store ${store} is damaged: LevelDB's CURRENT file is missing; restore the folder from a backup, or move it and ${store}.store.json away to start an empty store\n`,
    );
  });

  it('refuses a store whose manifest is corrupt with one line, not a stack trace or a hang', async () => {
    const manifest = readdirSync(store).find((f) => f.startsWith('MANIFEST-'));
    writeFileSync(join(store, manifest ?? 'MANIFEST-000002'), 'garbage');

    const again = await ws.run('history', '--json');

    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      new RegExp(
        `^error: embedded store ${store} is damaged: LevelDB cannot open it \\(Corruption: .+\\); restore the folder from a backup, or move it and ${store}\\.store\\.json away to start an empty store\\n$`,
      ),
    );
  });

  it('refuses a store folder that was deleted, instead of starting an empty one', async () => {
    rmSync(store, { recursive: true });

    const again = await ws.run('history', '--json');

    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      new RegExp(
        `^error: embedded store ${store} is missing \\(created .+, per ${store}\\.store\\.json\\): restore it from a backup, or delete ${store}\\.store\\.json to start an empty store\\n$`,
      ),
    );
  });
});

describe('embedded store lock', () => {
  let folder: string;
  beforeEach(async () => {
    const ws = await cliWorkspace();
    folder = join(ws.cwd, 'dynamo');
    await (await startEmbeddedDynamo({ path: folder })).close();
  });
  afterEach(() => rmSync(join(folder, '..'), { recursive: true, force: true }));

  const lock = (holder: object) => writeFileSync(join(folder, 'backstop.pid'), JSON.stringify(holder));

  it('takes over a lock whose pid is alive but belongs to another process (a reused pid)', async () => {
    // pid 1 is alive, but its start time is not the one recorded: it is not the holder.
    lock({ pid: 1, host: hostname(), startTicks: -1, since: T0 });
    const opened = await startEmbeddedDynamo({ path: folder });
    await opened.close();
  });

  it('refuses a lock whose holder is still running, naming it', async () => {
    const holder = await startEmbeddedDynamo({ path: folder });
    try {
      await expect(startEmbeddedDynamo({ path: folder })).rejects.toThrow(EmbeddedStoreBusyError);
    } finally {
      await holder.close();
    }
  });

  it('refuses a lock held on another host, which it cannot check', async () => {
    lock({ pid: 4242, host: 'other-host', startTicks: 1, since: T0 });
    await expect(startEmbeddedDynamo({ path: folder })).rejects.toThrow(
      `embedded store ${folder} is in use by process 4242 on host other-host since ${T0}; wait for it to finish or stop it`,
    );
  });
});
