/**
 * Reading close-price history from CSV files for the backtest and the calibration.
 *
 * Accepts the shapes public exports come in: an optional banner before the header (CryptoDataDownload
 * files start with their URL), a time column named `unix`, `timestamp`, `open_time`, `time`, `date` or
 * `datetime` (any case) holding Unix seconds, milliseconds, microseconds or ISO-8601 text (UTC when no
 * offset is given), a `close` column, and rows in either order. Rows come back oldest first; missing
 * steps are reported as gaps instead of being filled, because a filled day would be a made-up return.
 *
 * The file is read by a real CSV parser (csv-parse): quoted fields (with the delimiter or a quote
 * inside), a byte-order mark, CRLF line ends. The delimiter is `,`, `;` or a tab, whichever makes the
 * header found. Numbers may carry thousands separators (`"1,000.5"`); in a `;` file, the
 * spreadsheet export of a comma-decimal locale, the comma is the decimal mark (`1.000,5`, `0,5`).
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { InvalidInputError } from '../model/validation.ts';

/** One close price at a time. */
export interface PricePoint {
  /** Bar time, Unix milliseconds UTC (as given by the file: open time for candles). */
  readonly timeMs: number;
  /** Close price (any currency unit; the backtest only uses ratios). */
  readonly close: number;
  /** Values of the requested extra columns (open, low, volume…), in the order they were asked for. */
  readonly extra?: readonly number[];
  /** The bar's open, high and low, when asked for with `candles` and the file has all three. */
  readonly open?: number;
  readonly high?: number;
  readonly low?: number;
}

/** Options of {@link parsePriceCsv}. */
export interface PriceCsvOptions {
  /** More numeric columns to read (case-insensitive names), e.g. `['open', 'low']` for intra-bar moves. */
  readonly extraColumns?: readonly string[];
  /**
   * Also read the open, high and low columns when the file has all three (any of the names in
   * {@link CANDLE_COLUMNS}); a file without them is read as closes only.
   */
  readonly candles?: boolean;
}

/** A run of missing bars between two consecutive rows. */
export interface PriceGap {
  /** Time of the last bar before the gap (Unix ms). */
  readonly afterMs: number;
  /** Time of the first bar after the gap (Unix ms). */
  readonly beforeMs: number;
  /** Number of bars missing between them at the file's step. */
  readonly missing: number;
}

/** A parsed price file, oldest row first. */
export interface PriceSeries {
  readonly file: string;
  /** Header names of the columns used, as spelled in the file. */
  readonly timeColumn: string;
  readonly closeColumn: string;
  readonly points: readonly PricePoint[];
  /** The file's bar step in ms (median spacing of rows). */
  readonly stepMs: number;
  readonly gaps: readonly PriceGap[];
  /** True when the file listed its rows newest first. */
  readonly wasNewestFirst: boolean;
  /** The open, high and low columns read (as spelled in the file), or null for closes only. */
  readonly candleColumns: readonly [string, string, string] | null;
}

/** Time column names, best first: a numeric Unix column is preferred over a formatted date. */
const TIME_COLUMNS = [
  'unix',
  'timestamp',
  'open_time',
  'opentime',
  'time_open',
  'timeopen',
  'time',
  'datetime',
  'date',
  'snapped_at',
  'day',
];
/** Close column names, best first; `price`, `last` and `adj_close` only when no close column exists. */
const CLOSE_COLUMNS = ['close', 'close_price', 'closeprice', 'closing_price', 'price', 'last', 'adj_close'];
/** Names of the open, high and low columns (any case), as exports spell them. */
export const CANDLE_COLUMNS = {
  open: ['open', 'open_price', 'openprice', 'opening_price', '24h_open'],
  high: ['high', 'high_price', 'highprice', '24h_high'],
  low: ['low', 'low_price', 'lowprice', '24h_low'],
} as const;

/**
 * A header name as the column lists spell it: lower case, a unit in parentheses dropped
 * (`Closing Price (USD)`), footnote stars dropped (`Close**`), spaces and hyphens as `_`.
 */
export function normalColumnName(name: string): string {
  return name
    .toLowerCase()
    .replace(/\([^)]*\)/g, '')
    .replace(/\*/g, '')
    .trim()
    .replace(/[\s-]+/g, '_');
}
/** Header lines may be preceded by at most this many banner lines. */
const MAX_BANNER_LINES = 5;
/** The delimiters tried, in this order when several would find the header. */
const DELIMITERS = [',', ';', '\t'] as const;
type Delimiter = (typeof DELIMITERS)[number];

/** One parsed row and the (1-based) line of the file it ends on. */
interface Row {
  readonly cells: readonly string[];
  readonly line: number;
}

interface Header {
  /** Index in the rows of the header row. */
  readonly rowIndex: number;
  readonly timeIndex: number;
  readonly closeIndex: number;
  readonly names: readonly string[];
}

/** Parses `text` into rows with csv-parse; `toLine` stops early (header detection). */
function parseRows(text: string, delimiter: Delimiter, file: string, toLine?: number): Row[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // With `info`, each record comes with where it ended (csv-parse's types do not follow the option).
    records = parse(text, {
      delimiter,
      bom: true,
      trim: true,
      info: true,
      relax_column_count: true,
      // A stray quote inside an unquoted banner or cell is text, not the start of a field.
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      ...(toLine === undefined ? {} : { to_line: toLine }),
    }) as unknown as typeof records;
  } catch (error) {
    const e = error as { message: string; lines?: number };
    throw new InvalidInputError(
      `prices ${file}: line ${e.lines ?? '?'}: not readable as CSV (${e.message.replace(/^Invalid \w+: /, '')})`,
      'file',
      { cause: error },
    );
  }
  return records.map((r) => ({ cells: r.record, line: r.info.lines }));
}

function headerIn(rows: readonly Row[]): Header | undefined {
  for (let i = 0; i < Math.min(rows.length, MAX_BANNER_LINES + 1); i++) {
    const names = rows[i]?.cells ?? [];
    const lower = names.map(normalColumnName);
    const closeName = CLOSE_COLUMNS.find((c) => lower.includes(c));
    const closeIndex = closeName === undefined ? -1 : lower.indexOf(closeName);
    const timeName = TIME_COLUMNS.find((t) => lower.includes(t));
    if (closeIndex >= 0 && timeName !== undefined) {
      return { rowIndex: i, timeIndex: lower.indexOf(timeName), closeIndex, names };
    }
  }
  return undefined;
}

/**
 * The delimiter whose reading of the first lines finds the header: a `;` or tab file read with `,`
 * has one column per line (or splits on decimal commas) and finds none.
 */
function detectDelimiter(text: string, file: string): Delimiter {
  const headLines = MAX_BANNER_LINES + 1;
  for (const delimiter of DELIMITERS) {
    if (headerIn(parseRows(text, delimiter, file, headLines)) !== undefined) return delimiter;
  }
  throw new InvalidInputError(
    `prices ${file}: no header with a time column (${TIME_COLUMNS.join(', ')}) and a close column in the first ${headLines} lines (separated by commas, semicolons or tabs)`,
    'header',
  );
}

/** A `.` decimal mark, optionally `,` thousands separators: `1234.5`, `1,234.5`. */
const POINT_DECIMAL = /^[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$/;
/** A `,` decimal mark, optionally `.` or space thousands separators: `1234,5`, `1.234,5`. */
const COMMA_DECIMAL = /^[+-]?(\d+|\d{1,3}([. \u00a0]\d{3})+)(,\d+)?$/;

/**
 * A numeric cell as a number, or NaN when it is not one.
 *
 * @param commaDecimal - the file writes decimals with a comma ({@link usesDecimalComma})
 */
export function parseNumberCell(cell: string, commaDecimal = false): number {
  if (cell === '') return Number.NaN;
  if (commaDecimal) {
    return COMMA_DECIMAL.test(cell) ? Number(cell.replace(/[. \u00a0]/g, '').replace(',', '.')) : Number.NaN;
  }
  if (POINT_DECIMAL.test(cell)) return Number(cell.replaceAll(',', ''));
  // `.5`, `1e-3` and the like, as JavaScript reads them; a comma left over is no number.
  return cell.includes(',') ? Number.NaN : Number(cell);
}

/**
 * Whether a `;`- or tab-separated file writes decimals with a comma: some number cell reads only that
 * way (`0,5`, `1.234,5`) and none only the other way (`1234.5`). `1,000` reads both ways and decides
 * nothing. In a `,` file the decimal mark is a point: a comma inside a quoted number groups thousands.
 */
export function usesDecimalComma(cells: Iterable<string>, delimiter: string): boolean {
  if (delimiter === ',') return false;
  let comma = false;
  for (const cell of cells) {
    const point = POINT_DECIMAL.test(cell);
    const decimalComma = COMMA_DECIMAL.test(cell);
    if (point && !decimalComma) return false;
    if (decimalComma && !point) comma = true;
  }
  return comma;
}

/** Day-first or month-first order of a file's numeric dates like `03/10/2020`. */
export type DateOrder = 'dmy' | 'mdy';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** `03/10/2020`, `3.10.2020`, `03-10-2020`, optionally followed by a time. */
const NUMERIC_DATE = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T](\d{2}:\d{2}(?::\d{2})?))?$/;
/** `Mar 10, 2020`, `March 10 2020`, `10 Mar 2020`, `10-Mar-2020`. */
const MONTH_FIRST = /^([a-z]{3})[a-z]*\.? (\d{1,2}),? (\d{4})$/i;
const DAY_FIRST = /^(\d{1,2})[ -]([a-z]{3})[a-z]*\.?[ -](\d{4})$/i;

function utcDay(year: number, month: number, day: number, time = '00:00:00'): number | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const iso = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T${time.length === 5 ? `${time}:00` : time}Z`;
  const ms = Date.parse(iso);
  // Date.parse rolls 31 April over to 1 May; a date that does not round-trip is no date.
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === iso.slice(0, 10) ? ms : undefined;
}

/**
 * The order of a file's numeric dates: day-first when some first field exceeds 12, month-first
 * when some second field does; undefined when the cells decide nothing (or are not such dates).
 */
export function numericDateOrder(cells: Iterable<string>): DateOrder | undefined {
  for (const cell of cells) {
    const m = NUMERIC_DATE.exec(cell);
    if (m === null) continue;
    if (Number(m[1]) > 12) return 'dmy';
    if (Number(m[2]) > 12) return 'mdy';
  }
  return undefined;
}

/**
 * Parses one time cell to Unix ms. Numbers below 1e11 are seconds (until year 5138), below 1e14
 * milliseconds, otherwise microseconds (Binance's 2025+ kline exports). Text is ISO-8601 (also with
 * `/` between the parts, or a trailing ` UTC`); without an offset it is taken as UTC, as every
 * exchange export is. Dates with month names (`Mar 10, 2020`, `10 Mar 2020`) are read too, and
 * numeric dates like `03/10/2020` when the file's `order` is known ({@link numericDateOrder}).
 */
export function parseTimeCell(cell: string, order?: DateOrder): number | undefined {
  if (/^-?\d+(\.\d+)?$/.test(cell)) {
    const n = Number(cell);
    if (n < 1e11) return n * 1000;
    if (n < 1e14) return n;
    return n / 1000;
  }
  const text = cell.replace(/\s+UTC$/i, 'Z').replace(/^(\d{4})\/(\d{2})\/(\d{2})/, '$1-$2-$3');
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(
    text,
  );
  if (m !== null) {
    const time = m[2] ?? '00:00:00';
    const zone = m[3] ?? 'Z';
    const ms = Date.parse(`${m[1]}T${time}${zone}`);
    return Number.isFinite(ms) ? ms : undefined;
  }
  const monthFirst = MONTH_FIRST.exec(cell);
  if (monthFirst !== null) {
    const month = MONTHS.indexOf(monthFirst[1]!.toLowerCase()) + 1;
    return month === 0 ? undefined : utcDay(Number(monthFirst[3]), month, Number(monthFirst[2]));
  }
  const dayFirst = DAY_FIRST.exec(cell);
  if (dayFirst !== null) {
    const month = MONTHS.indexOf(dayFirst[2]!.toLowerCase()) + 1;
    return month === 0 ? undefined : utcDay(Number(dayFirst[3]), month, Number(dayFirst[1]));
  }
  const numeric = NUMERIC_DATE.exec(cell);
  if (numeric === null || order === undefined) return undefined;
  const [a, b] = [Number(numeric[1]), Number(numeric[2])];
  return order === 'dmy'
    ? utcDay(Number(numeric[3]), b, a, numeric[4])
    : utcDay(Number(numeric[3]), a, b, numeric[4]);
}

/** The column indexes of the requested extra columns; a missing one is bad input. */
function extraIndexOf(header: Header, options: PriceCsvOptions, file: string): number[] {
  return (options.extraColumns ?? []).map((name) => {
    const i = header.names.findIndex((n) => n.toLowerCase() === name.toLowerCase());
    if (i < 0) {
      throw new InvalidInputError(
        `prices ${file}: no column "${name}" (columns: ${header.names.join(', ')})`,
        name,
      );
    }
    return i;
  });
}

/** Indexes of the open, high and low columns, or null when the file lacks any of them. */
function candleIndexOf(header: Header): [number, number, number] | null {
  const lower = header.names.map(normalColumnName);
  const find = (names: readonly string[]) => lower.findIndex((n) => names.includes(n));
  const index: [number, number, number] = [
    find(CANDLE_COLUMNS.open),
    find(CANDLE_COLUMNS.high),
    find(CANDLE_COLUMNS.low),
  ];
  return index.every((i) => i >= 0) ? index : null;
}

function badCell(file: string, line: number, column: string, expected: string, got: string): never {
  throw new InvalidInputError(
    `prices ${file}: line ${line}, column "${column}": expected ${expected}, got ${JSON.stringify(got)}`,
    column,
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * Parses the text of a price CSV.
 *
 * @param text - the file's content
 * @param file - the name used in error messages
 * @returns the rows oldest first, with the step and the gaps found
 * @throws InvalidInputError naming the file, the line (1-based) and the column of the first bad cell,
 *   or a duplicate timestamp
 * @example
 * const btc = parsePriceCsv(await readFile('btc.csv', 'utf8'), 'btc.csv');
 */
export function parsePriceCsv(text: string, file: string, options: PriceCsvOptions = {}): PriceSeries {
  const delimiter = detectDelimiter(text, file);
  const rows = parseRows(text, delimiter, file);
  const header = headerIn(rows);
  if (header === undefined) throw new Error(`prices ${file}: the header found in its first lines vanished`);
  const extraIndex = extraIndexOf(header, options, file);
  const candleIndex = options.candles === true ? candleIndexOf(header) : null;
  const numericColumns = [header.closeIndex, ...extraIndex, ...(candleIndex ?? [])];
  const commaDecimal = usesDecimalComma(
    rows.slice(header.rowIndex + 1).flatMap((r) => numericColumns.map((k) => r.cells[k] ?? '')),
    delimiter,
  );
  const timeColumn = header.names[header.timeIndex] ?? '';
  const closeColumn = header.names[header.closeIndex] ?? '';
  const dateOrder = numericDateOrder(
    rows.slice(header.rowIndex + 1).map((r) => r.cells[header.timeIndex] ?? ''),
  );
  const raw: Array<PricePoint & { line: number }> = [];
  for (const { cells, line } of rows.slice(header.rowIndex + 1)) {
    const timeCell = cells[header.timeIndex] ?? '';
    const closeCell = cells[header.closeIndex] ?? '';
    const timeMs = parseTimeCell(timeCell, dateOrder);
    if (timeMs === undefined)
      badCell(file, line, timeColumn, 'a Unix time or a date such as 2020-03-10', timeCell);
    const close = parseNumberCell(closeCell, commaDecimal);
    if (!Number.isFinite(close) || close <= 0)
      badCell(file, line, closeColumn, 'a positive number', closeCell);
    const extra = extraIndex.map((k) => {
      const cell = cells[k] ?? '';
      const v = parseNumberCell(cell, commaDecimal);
      if (!Number.isFinite(v) || v < 0) badCell(file, line, header.names[k] ?? '', 'a number >= 0', cell);
      return v;
    });
    const candle =
      candleIndex === null ? {} : candleCells(cells, candleIndex, header, file, line, commaDecimal);
    raw.push(
      extraIndex.length === 0
        ? { timeMs, close, ...candle, line }
        : { timeMs, close, extra, ...candle, line },
    );
  }
  if (raw.length < 2) {
    throw new InvalidInputError(
      `prices ${file}: expected at least 2 rows of prices, got ${raw.length}`,
      'rows',
    );
  }
  const wasNewestFirst = (raw[0]?.timeMs ?? 0) > (raw[raw.length - 1]?.timeMs ?? 0);
  raw.sort((a, b) => a.timeMs - b.timeMs);
  for (let i = 1; i < raw.length; i++) {
    const prev = raw[i - 1];
    const cur = raw[i];
    if (prev !== undefined && cur !== undefined && prev.timeMs === cur.timeMs) {
      throw new InvalidInputError(
        `prices ${file}: line ${Math.max(prev.line, cur.line)}, column "${timeColumn}": duplicate time ${new Date(cur.timeMs).toISOString()} (also on line ${Math.min(prev.line, cur.line)})`,
        timeColumn,
      );
    }
  }
  const points = raw.map(({ line: _line, ...point }) => point);
  const diffs = points.slice(1).map((p, i) => p.timeMs - (points[i]?.timeMs ?? 0));
  const stepMs = median(diffs);
  return {
    file,
    timeColumn,
    closeColumn,
    points,
    stepMs,
    gaps: findGaps(points, stepMs),
    wasNewestFirst,
    candleColumns:
      candleIndex === null
        ? null
        : [header.names[candleIndex[0]]!, header.names[candleIndex[1]]!, header.names[candleIndex[2]]!],
  };
}

/** A row's open, high and low: positive numbers, else bad input naming the cell. */
function candleCells(
  cells: readonly string[],
  index: readonly [number, number, number],
  header: Header,
  file: string,
  line: number,
  commaDecimal: boolean,
): { open: number; high: number; low: number } {
  const [open, high, low] = index.map((k) => {
    const cell = cells[k] ?? '';
    const v = parseNumberCell(cell, commaDecimal);
    if (!Number.isFinite(v) || v <= 0) badCell(file, line, header.names[k] ?? '', 'a positive number', cell);
    return v;
  }) as [number, number, number];
  return { open, high, low };
}

function findGaps(points: readonly PricePoint[], stepMs: number): PriceGap[] {
  const gaps: PriceGap[] = [];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]?.timeMs ?? 0;
    const b = points[i]?.timeMs ?? 0;
    const missing = Math.round((b - a) / stepMs) - 1;
    if (missing >= 1) gaps.push({ afterMs: a, beforeMs: b, missing });
  }
  return gaps;
}

/** Reads and parses a price CSV file; a missing file is bad input naming the path. */
export async function readPriceCsv(
  path: string,
  displayName = path,
  options: PriceCsvOptions = {},
): Promise<PriceSeries> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InvalidInputError(
      `prices ${displayName}: cannot read file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      'file',
      { cause: error },
    );
  }
  return parsePriceCsv(text, displayName, options);
}
