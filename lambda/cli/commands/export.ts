/**
 * `backstop export [--fund ID] [--from T] [--to T] --format csv|parquet --out FILE|- [--only runs|markets]`:
 * the stored history of a fund as files for pandas, Athena or a spreadsheet. A FILE gets the runs
 * table and, beside it, `<name>-markets.<ext>` the per-market rows; `--out -` writes one table
 * (`--only`, default runs) to stdout. Files are written atomically: a failed export leaves none.
 */
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { EXPORT_FORMATS, type ExportFormat, encodeTable } from '../../export/encode-table.ts';
import { type ExportRange, exportHistory } from '../../export/export-history.ts';
import type { Table } from '../../export/history-tables.ts';
import { InvalidInputError } from '../../model/validation.ts';
import { fundIdOption } from '../fund-option.ts';
import { type CommandIo, ExitCode, parseOptions } from '../io.ts';
import { openStore, STORE_OPTIONS, storeLocationFromOptions } from '../local-store.ts';
import { writeFileAtomic } from '../write-atomic.ts';

const TABLES = ['runs', 'markets'] as const;
type TableName = (typeof TABLES)[number];

const USAGE = `usage: backstop export [--fund ID] [--from T] [--to T] --format csv|parquet --out FILE|- [--only runs|markets] [--store embedded|dynamodb] [--endpoint URL] [--table NAME]

Exports the stored runs of a fund, oldest first: one row per run (runs table) and one row per
market of each run (markets table, long form).
  --fund ID        fund id (default: the fund of config/funds/demo.json)
  --from, --to T   first and last valuation time to include: a date (2026-11-01, whole days, UTC)
                   or an ISO-8601 time with a zone; open when absent
  --format F       csv or parquet
  --out FILE|-     FILE gets the runs and FILE-markets.<ext> beside it the markets; - writes one
                   table to stdout
  --only T         only this table: runs or markets (default: both for a FILE, runs for -)
  --store          embedded (default, .backstop/dynamo) or dynamodb (--table, --endpoint)
`;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * `--from`/`--to` as canonical ISO UTC: a date means its first (from) or last (to) millisecond.
 *
 * @throws InvalidInputError naming the option and the bad value
 */
export function parseRangeBound(value: string | undefined, name: 'from' | 'to'): string | undefined {
  if (value === undefined) return undefined;
  const iso = DATE_ONLY.test(value)
    ? `${value}T${name === 'from' ? '00:00:00.000' : '23:59:59.999'}Z`
    : value;
  const ms = Date.parse(iso);
  if ((!DATE_ONLY.test(value) && !ISO_WITH_ZONE.test(value)) || Number.isNaN(ms)) {
    throw new InvalidInputError(
      `--${name}: expected a date like 2026-11-01 or an ISO-8601 time with a zone like 2026-11-01T06:00:00Z, got ${JSON.stringify(value)}`,
      name,
    );
  }
  return new Date(ms).toISOString();
}

function choice<T extends string>(
  value: string | undefined,
  name: string,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InvalidInputError(
      `--${name}: expected ${allowed.join(' or ')}, got ${JSON.stringify(value)}`,
      name,
    );
  }
  return value as T;
}

/** Where the markets table goes beside the runs file: `history.csv` → `history-markets.csv`. */
export function marketsPath(runsPath: string): string {
  const ext = extname(runsPath);
  return join(dirname(runsPath), `${basename(runsPath, ext)}-markets${ext}`);
}

/** The `export` command; returns the exit code. */
export async function exportCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseOptions(
    argv,
    {
      fund: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      only: { type: 'string' },
      ...STORE_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    },
    'export',
  );
  if (values.help) {
    io.stdout(USAGE);
    return ExitCode.Ok;
  }
  const format = choice<ExportFormat>(values.format, 'format', EXPORT_FORMATS);
  if (format === undefined) throw new InvalidInputError('--format: required (csv or parquet)', 'format');
  if (values.out === undefined)
    throw new InvalidInputError('--out: required (a file, or - for stdout)', 'out');
  const only = choice<TableName>(values.only, 'only', TABLES);
  const from = parseRangeBound(values.from, 'from');
  const to = parseRangeBound(values.to, 'to');
  if (from !== undefined && to !== undefined && from > to) {
    throw new InvalidInputError(
      `--to: must not be before --from ${from}, got ${JSON.stringify(values.to)}`,
      'to',
    );
  }
  const toStdout = values.out === '-';
  if (toStdout && format === 'parquet' && io.stdoutBytes === undefined) {
    throw new InvalidInputError('--out: this output cannot take binary data, got "-"', 'out');
  }
  const location = storeLocationFromOptions(values, io.cwd, io.env);
  const fundId = await fundIdOption(values.fund, io.cwd);
  const range: ExportRange = { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };

  const opened = await openStore(location);
  let tables: { runs: Table; markets: Table };
  try {
    if ((await opened.store.latest(fundId)) === null) {
      throw new InvalidInputError(
        `--fund: no stored runs for fund ${JSON.stringify(fundId)} in the ${opened.description} store (run \`backstop run\` first)`,
        'fund',
      );
    }
    tables = await exportHistory(opened.store, fundId, range);
  } finally {
    await opened.close();
  }

  if (toStdout) {
    const data = encodeTable(tables[only ?? 'runs'], format);
    if (typeof data === 'string') io.stdout(data);
    else io.stdoutBytes?.(data);
    return ExitCode.Ok;
  }
  const out = resolve(io.cwd, values.out);
  const targets: [Table, string][] =
    only === undefined
      ? [
          [tables.runs, out],
          [tables.markets, marketsPath(out)],
        ]
      : [[tables[only], out]];
  const encoded = targets.map(([table, path]) => [table, path, encodeTable(table, format)] as const);
  for (const [, path, data] of encoded) await writeFileAtomic(path, data);
  for (const [table, path] of encoded) {
    io.stdout(`wrote ${relative(io.cwd, path) || path} (${table.name}: ${table.rows.length} rows)\n`);
  }
  return ExitCode.Ok;
}
