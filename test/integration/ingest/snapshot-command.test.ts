/**
 * `backstop snapshot` end to end on the shipped demo fund, offline (replay server): the snapshot it
 * writes is accepted unchanged by `backstop reserve --snapshot`; bad input exits 2 naming the field
 * and leaves nothing half-written.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandIo } from '../../../lambda/cli/io.ts';
import { main } from '../../../lambda/cli/main.ts';
import { MarketSnapshotSchema } from '../../../lambda/model/schemas.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
let dir: string;

function capture(): CommandIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (t: string) => {
      io.out += t;
    },
    stderr: (t: string) => {
      io.err += t;
    },
    stderrIsTty: false,
    cwd: ROOT,
    env: {},
  };
  return io;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backstop-snapshot-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('backstop snapshot', () => {
  it('writes the demo fund snapshot that backstop reserve accepts unchanged', async () => {
    const out = join(dir, 'snap.json');
    const io = capture();
    const code = await main(
      ['snapshot', '--fund', 'config/funds/demo.json', '--as-of', '2026-11-22T00:00:00Z', '--out', out],
      io,
    );
    expect(io.err).toBe(`wrote ${out}: 10 markets, balance 1359038905.1730783 USD\n`);
    expect(code).toBe(0);
    const snapshot = MarketSnapshotSchema.parse(JSON.parse(await readFile(out, 'utf8')));
    expect(snapshot.asOf).toBe('2026-11-22T00:00:00.000Z');
    expect(snapshot.markets).toHaveLength(10);
    for (const m of snapshot.markets) {
      expect(
        m.depthUsd?.map((p) => p.distance),
        m.id,
      ).toEqual([0.005, 0.01, 0.02, 0.05, 0.1]);
    }
    expect(snapshot.markets.map((m) => m.maxLeverage)).toEqual([125, 100, 50, 50, 100, 75, 75, 100, 100, 50]);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const reserveIo = capture();
    expect(await main(['reserve', '--snapshot', out, '--paths', '2000', '--json'], reserveIo)).toBe(0);
    const result = JSON.parse(reserveIo.out);
    expect(result.fundId).toBe('demo-perps');
    expect(result.fundBalanceUsd).toBeCloseTo(1_359_038_905.1730783, 4);
  });

  it('prints to stdout without --out', async () => {
    const io = capture();
    expect(
      await main(['snapshot', '--fund', 'config/funds/demo.json', '--as-of', '2026-11-22T00:00:00Z'], io),
    ).toBe(0);
    expect(JSON.parse(io.out).fundId).toBe('demo-perps');
  });

  it('exits 2 naming the field of a bad config, leaving an existing --out untouched', async () => {
    const demo = JSON.parse(await readFile(join(ROOT, 'config/funds/demo.json'), 'utf8'));
    demo.markets[3].maintenanceMargin = 1.5;
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify(demo));
    const out = join(dir, 'keep.json');
    await writeFile(out, 'previous');
    const io = capture();
    expect(await main(['snapshot', '--fund', bad, '--out', out], io)).toBe(2);
    expect(io.err).toBe(
      `error: fund config ${bad}: markets[3].maintenanceMargin: Too big: expected number to be <1, got 1.5\n`,
    );
    expect(await readFile(out, 'utf8')).toBe('previous');
  });

  it('exits 2 on a bad --as-of or --source', async () => {
    const io = capture();
    expect(await main(['snapshot', '--fund', 'config/funds/demo.json', '--as-of', 'yesterday'], io)).toBe(2);
    expect(io.err).toBe(
      'error: --as-of: expected an ISO-8601 time with a zone like 2026-11-22T04:15:00Z, got "yesterday"\n',
    );
    const io2 = capture();
    expect(await main(['snapshot', '--fund', 'config/funds/demo.json', '--source', 'cache'], io2)).toBe(2);
    expect(io2.err).toBe('error: --source: expected replay or live, got "cache"\n');
  });
});
