/**
 * Reading close-price history from CSV files for the backtest and the calibration.
 *
 * Accepts the shapes public exports come in: an optional banner before the header (CryptoDataDownload
 * files start with their URL), a time column named `unix`, `timestamp`, `open_time`, `time`, `date` or
 * `datetime` (any case) holding Unix seconds, milliseconds, microseconds or ISO-8601 text (UTC when no
 * offset is given), a `close` column, and rows in either order. Rows come back oldest first; missing
 * steps are reported as gaps instead of being filled, because a filled day would be a made-up return.
 */
import { readFile } from 'node:fs/promises';
import { InvalidInputError } from '../model/validation.ts';

/** One close price at a time. */
export interface PricePoint {
  /** Bar time, Unix milliseconds UTC (as given by the file: open time for candles). */
  readonly timeMs: number;
  /** Close price (any currency unit; the backtest only uses ratios). */
  readonly close: number;
  /** Values of the requested extra columns (open, low, volume…), in the order they were asked for. */
  readonly extra?: readonly number[];
}

/** Options of {@link parsePriceCsv}. */
export interface PriceCsvOptions {
  /** More numeric columns to read (case-insensitive names), e.g. `['open', 'low']` for intra-bar moves. */
  readonly extraColumns?: readonly string[];
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
}

/** Time column names, best first: a numeric Unix column is preferred over a formatted date. */
const TIME_COLUMNS = ['unix', 'timestamp', 'open_time', 'opentime', 'time', 'datetime', 'date'];
const CLOSE_COLUMNS = ['close', 'close_price', 'closeprice'];
/** Header lines may be preceded by at most this many banner lines. */
const MAX_BANNER_LINES = 5;

function splitCsvLine(line: string): string[] {
  return line.split(',').map((f) => f.trim().replace(/^"(.*)"$/, '$1'));
}

interface Header {
  readonly lineIndex: number;
  readonly timeIndex: number;
  readonly closeIndex: number;
  readonly names: readonly string[];
}

function findHeader(lines: readonly string[], file: string): Header {
  for (let i = 0; i < Math.min(lines.length, MAX_BANNER_LINES + 1); i++) {
    const names = splitCsvLine(lines[i] ?? '');
    const lower = names.map((n) => n.toLowerCase());
    const closeIndex = lower.findIndex((n) => CLOSE_COLUMNS.includes(n));
    const timeName = TIME_COLUMNS.find((t) => lower.includes(t));
    if (closeIndex >= 0 && timeName !== undefined) {
      return { lineIndex: i, timeIndex: lower.indexOf(timeName), closeIndex, names };
    }
  }
  throw new InvalidInputError(
    `prices ${file}: no header with a time column (${TIME_COLUMNS.join(', ')}) and a close column in the first ${MAX_BANNER_LINES + 1} lines`,
    'header',
  );
}

/**
 * Parses one time cell to Unix ms. Numbers below 1e11 are seconds (until year 5138), below 1e14
 * milliseconds, otherwise microseconds (Binance's 2025+ kline exports). Text is ISO-8601; without an
 * offset it is taken as UTC, as every exchange export is.
 */
export function parseTimeCell(cell: string): number | undefined {
  if (/^-?\d+(\.\d+)?$/.test(cell)) {
    const n = Number(cell);
    if (n < 1e11) return n * 1000;
    if (n < 1e14) return n;
    return n / 1000;
  }
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(
    cell,
  );
  if (m === null) return undefined;
  const time = m[2] ?? '00:00:00';
  const zone = m[3] ?? 'Z';
  const ms = Date.parse(`${m[1]}T${time}${zone}`);
  return Number.isFinite(ms) ? ms : undefined;
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
  const lines = text.split(/\r?\n/);
  const header = findHeader(lines, file);
  const timeColumn = header.names[header.timeIndex] ?? '';
  const closeColumn = header.names[header.closeIndex] ?? '';
  const extraIndex = (options.extraColumns ?? []).map((name) => {
    const i = header.names.findIndex((n) => n.toLowerCase() === name.toLowerCase());
    if (i < 0) {
      throw new InvalidInputError(
        `prices ${file}: no column "${name}" (columns: ${header.names.join(', ')})`,
        name,
      );
    }
    return i;
  });
  const raw: Array<PricePoint & { line: number }> = [];
  for (let i = header.lineIndex + 1; i < lines.length; i++) {
    const lineText = lines[i] ?? '';
    if (lineText.trim() === '') continue;
    const cells = splitCsvLine(lineText);
    const timeCell = cells[header.timeIndex] ?? '';
    const closeCell = cells[header.closeIndex] ?? '';
    const timeMs = parseTimeCell(timeCell);
    if (timeMs === undefined) badCell(file, i + 1, timeColumn, 'a Unix time or an ISO-8601 date', timeCell);
    const close = closeCell === '' ? Number.NaN : Number(closeCell);
    if (!Number.isFinite(close) || close <= 0)
      badCell(file, i + 1, closeColumn, 'a positive number', closeCell);
    const extra = extraIndex.map((k) => {
      const cell = cells[k] ?? '';
      const v = cell === '' ? Number.NaN : Number(cell);
      if (!Number.isFinite(v) || v < 0) badCell(file, i + 1, header.names[k] ?? '', 'a number >= 0', cell);
      return v;
    });
    raw.push(
      extraIndex.length === 0 ? { timeMs, close, line: i + 1 } : { timeMs, close, extra, line: i + 1 },
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
  };
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
