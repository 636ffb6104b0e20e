/**
 * `backstop export` on the embedded store after three real runs: CSV and Parquet files read back by
 * a real CSV parser and a real Parquet reader, the time range, stdout, the errors, and the pandas
 * script of docs/EXPORT.md (run under python3 when pandas is installed; otherwise the same summary
 * is computed from the Parquet files with hyparquet, the reader the docs name for Node).
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../lambda/cli/local-store.ts';
import type { StoredRun } from '../../../lambda/run/stored-run.ts';
import { REPO_ROOT } from '../pipeline/support.ts';
import { type CliResult, type CliWorkspace, cliWorkspace } from './cli-support.ts';

const TIMES = ['2026-11-22T04:00:00.000Z', '2026-11-22T04:15:00.000Z', '2026-11-22T04:30:00.000Z'];
const SCRIPT = resolve(REPO_ROOT, 'docs/examples/read_export.py');

function csvRows(path: string): Record<string, string>[] {
  return parse(readFileSync(path, 'utf8'), { columns: true });
}

async function parquetRows(path: string): Promise<Record<string, unknown>[]> {
  const bytes = readFileSync(path);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return parquetReadObjects({ file });
}

const usd = (n: number) => Math.round(n).toLocaleString('en-US');

/** What docs/examples/read_export.py prints for these runs, computed from the stored runs. */
function expectedSummary(runs: readonly StoredRun[]): string {
  const last = runs[runs.length - 1]!;
  const lowest = Math.min(...runs.map((r) => r.result.coverageRatio ?? Number.POSITIVE_INFINITY));
  const top = [...last.result.byMarket].sort((a, b) => b.esContributionUsd - a.esContributionUsd)[0]!;
  const minute = (iso: string) => `${iso.slice(0, 16)}Z`;
  return [
    `demo-perps: ${runs.length} runs from ${minute(runs[0]!.asOf)} to ${minute(last.asOf)}`,
    `  lowest coverage ${lowest.toFixed(4)}, latest ${last.result.coverageRatio?.toFixed(4)} (${last.result.status})`,
    `  latest required reserve ${usd(last.result.requiredReserveUsd)} USD, binding ${last.result.binding}`,
    `  largest ES contribution ${top.id} ${usd(top.esContributionUsd)} USD`,
    '',
  ].join('\n');
}

describe('backstop export', () => {
  let ws: CliWorkspace;
  let stored: StoredRun[];
  const exports = new Map<string, Promise<CliResult>>();
  /** Exports to out/history.<format> once; later tests read the files. */
  const exported = (format: 'csv' | 'parquet') => {
    if (!exports.has(format)) {
      exports.set(format, ws.run('export', '--format', format, '--out', `out/history.${format}`));
    }
    return exports.get(format)!;
  };

  beforeAll(async () => {
    ws = await cliWorkspace();
    for (const asOf of TIMES) expect((await ws.run('run', '--as-of', asOf)).code).toBe(0);
    const opened = await openStore({ kind: 'embedded', cwd: ws.cwd });
    try {
      stored = (await opened.store.history('demo-perps', { limit: 10 })).runs.reverse();
    } finally {
      await opened.close();
    }
    expect(stored.map((r) => r.asOf)).toEqual(TIMES);
  });
  afterAll(() => ws.remove());

  it('writes the runs and, beside them, the per-market rows as CSV, oldest first', async () => {
    const { code, stdout } = await exported('csv');
    expect(code).toBe(0);
    const markets = stored.reduce((n, r) => n + r.snapshot.markets.length, 0);
    expect(stdout).toBe(
      `wrote out/history.csv (runs: 3 rows)\nwrote out/history-markets.csv (markets: ${markets} rows)\n`,
    );
    const runs = csvRows(join(ws.cwd, 'out/history.csv'));
    expect(
      runs.map((r) => [r.as_of, r.status, r.coverage_ratio, r.required_reserve_usd, r.es_usd, r.binding]),
    ).toEqual(
      stored.map((s) => [
        s.asOf,
        s.result.status,
        String(s.result.coverageRatio),
        String(s.result.requiredReserveUsd),
        String(s.result.monteCarlo.esUsd),
        s.result.binding,
      ]),
    );
    const perMarket = csvRows(join(ws.cwd, 'out/history-markets.csv'));
    expect(perMarket).toHaveLength(markets);
    expect(perMarket.map((r) => [r.as_of, r.market_id, r.es_contribution_usd])).toEqual(
      stored.flatMap((s) =>
        s.snapshot.markets.map((m) => [
          s.asOf,
          m.id,
          String(s.result.byMarket.find((b) => b.id === m.id)?.esContributionUsd),
        ]),
      ),
    );
  });

  it('writes Parquet that a Parquet reader reads back with the same values, typed', async () => {
    expect((await exported('parquet')).code).toBe(0);
    await exported('csv');
    const runs = await parquetRows(join(ws.cwd, 'out/history.parquet'));
    expect(runs.map((r) => [r.as_of, r.coverage_ratio, r.paths, r.market_count, r.degraded])).toEqual(
      stored.map((s) => [
        new Date(s.asOf),
        s.result.coverageRatio,
        s.result.monteCarlo.paths,
        s.snapshot.markets.length,
        s.snapshot.dataQuality?.degraded ?? false,
      ]),
    );
    const csv = csvRows(join(ws.cwd, 'out/history.csv'));
    expect(runs.map((r) => r.run_id)).toEqual(csv.map((r) => r.run_id));
    const markets = await parquetRows(join(ws.cwd, 'out/history-markets.parquet'));
    expect(markets.map((m) => m.price_usd)).toEqual(
      stored.flatMap((s) => s.snapshot.markets.map((m) => m.priceUsd)),
    );
  });

  it('keeps the runs from --from to --to, inclusive: times, whole days, an empty range', async () => {
    const count = async (...range: string[]) => {
      const { code, stdout } = await ws.run('export', '--format', 'csv', '--out', '-', ...range);
      expect(code).toBe(0);
      return csvRowsOf(stdout).map((r) => r.as_of);
    };
    const csvRowsOf = (text: string): Record<string, string>[] => parse(text, { columns: true });
    expect(await count('--from', TIMES[1]!, '--to', '2026-11-22T04:15:00+00:00')).toEqual([TIMES[1]]);
    expect(await count('--from', '2026-11-22', '--to', '2026-11-22')).toEqual(TIMES);
    expect(await count('--from', '2026-11-22T04:20:00Z')).toEqual([TIMES[2]]);
    const empty = await ws.run('export', '--format', 'csv', '--out', '-', '--to', '2026-11-21');
    expect(empty.stdout.split('\n')).toEqual([expect.stringMatching(/^fund_id,as_of,run_id,/), '']);
  });

  it('writes one table to stdout with --out -, the same bytes as the file', async () => {
    const { code, stdout } = await ws.run('export', '--format', 'csv', '--out', '-', '--only', 'markets');
    expect(code).toBe(0);
    await exported('csv');
    expect(stdout).toBe(readFileSync(join(ws.cwd, 'out/history-markets.csv'), 'utf8'));
  });

  it('streams Parquet to stdout from the real executable', async () => {
    await exported('parquet');
    const bin = resolve(REPO_ROOT, 'lambda/cli/backstop.mjs');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [bin, 'export', '--format', 'parquet', '--out', '-'],
      { cwd: ws.cwd, encoding: 'buffer' },
    );
    expect(stdout.equals(readFileSync(join(ws.cwd, 'out/history.parquet')))).toBe(true);
  });

  it.each([
    [['--out', 'x.csv'], 'error: --format: required (csv or parquet)'],
    [['--format', 'xlsx', '--out', 'x.csv'], 'error: --format: expected csv or parquet, got "xlsx"'],
    [['--format', 'csv'], 'error: --out: required (a file, or - for stdout)'],
    [
      ['--format', 'csv', '--out', 'x.csv', '--from', 'yesterday'],
      'error: --from: expected a date like 2026-11-01 or an ISO-8601 time with a zone like 2026-11-01T06:00:00Z, got "yesterday"',
    ],
    [
      ['--format', 'csv', '--out', 'x.csv', '--from', '2026-11-23', '--to', '2026-11-22'],
      'error: --to: must not be before --from 2026-11-23T00:00:00.000Z, got "2026-11-22"',
    ],
    [
      ['--format', 'csv', '--out', 'x.csv', '--only', 'all'],
      'error: --only: expected runs or markets, got "all"',
    ],
    [
      ['--format', 'csv', '--out', 'x.csv', '--fund', 'nobody'],
      'error: --fund: no stored runs for fund "nobody" in the embedded (.backstop/dynamo) store (run `backstop run` first)',
    ],
    [['--format', 'parquet', '--out', '-'], 'error: --out: this output cannot take binary data, got "-"'],
  ])('refuses %j with exit code 2, one line, and no file', async (args, message) => {
    const { code, stdout, stderr } = await ws.run('export', ...args);
    expect([code, stdout, stderr]).toEqual([2, '', `${message}\n`]);
    expect(existsSync(join(ws.cwd, 'x.csv'))).toBe(false);
  });

  it('opens in pandas with the script of docs/EXPORT.md (or, without pandas, in hyparquet)', async () => {
    const expected = expectedSummary(stored);
    await exported('csv');
    await exported('parquet');
    const pandas = spawnSync('python3', ['-c', 'import pandas'], { encoding: 'utf8' }).status === 0;
    if (pandas) {
      const run = spawnSync('python3', [SCRIPT, 'out/history.csv', 'out/history-markets.csv'], {
        cwd: ws.cwd,
        encoding: 'utf8',
      });
      expect([run.status, run.stderr]).toEqual([0, '']);
      expect(run.stdout).toBe(expected);
      const pyarrow = spawnSync('python3', ['-c', 'import pyarrow'], { encoding: 'utf8' }).status === 0;
      if (pyarrow) {
        const parquet = spawnSync('python3', [SCRIPT, 'out/history.parquet', 'out/history-markets.parquet'], {
          cwd: ws.cwd,
          encoding: 'utf8',
        });
        expect(parquet.stdout).toBe(expected);
      }
      return;
    }
    // The same summary from the Parquet files, as the script computes it.
    const runs = await parquetRows(join(ws.cwd, 'out/history.parquet'));
    const markets = await parquetRows(join(ws.cwd, 'out/history-markets.parquet'));
    const last = runs[runs.length - 1]!;
    const latest = markets.filter((m) => (m.as_of as Date).getTime() === (last.as_of as Date).getTime());
    const top = latest.sort(
      (a, b) => (b.es_contribution_usd as number) - (a.es_contribution_usd as number),
    )[0]!;
    const minute = (d: unknown) => `${(d as Date).toISOString().slice(0, 16)}Z`;
    const summary = [
      `${last.fund_id}: ${runs.length} runs from ${minute(runs[0]!.as_of)} to ${minute(last.as_of)}`,
      `  lowest coverage ${Math.min(...runs.map((r) => r.coverage_ratio as number)).toFixed(4)}, latest ${(last.coverage_ratio as number).toFixed(4)} (${last.status})`,
      `  latest required reserve ${usd(last.required_reserve_usd as number)} USD, binding ${last.binding}`,
      `  largest ES contribution ${top.market_id} ${usd(top.es_contribution_usd as number)} USD`,
      '',
    ].join('\n');
    expect(summary).toBe(expected);
  });
});
