/**
 * The price-path CSV of `backstop stress` (docs/MODEL.md §5): a header `minute,<marketId>…,*`, then one
 * row per point: the minute (integers from 0, strictly increasing) and, per column, the cumulative
 * simple return from the first row (−0.2 = 20% below it). `*` is for markets without a column.
 * The result is a stress scenario with a `path`; the snapshot's schema checks it (unknown markets,
 * minutes) and names the field on failure.
 */

import type { StressScenario } from '../model/schemas.ts';
import { InvalidInputError } from '../model/validation.ts';

/** Parses `text` (named `file` in messages) into a path scenario at liquidity λ. */
export function parsePathCsv(text: string, file: string, liquidityFactor: number): StressScenario {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const header = (lines[0] ?? '').split(',').map((c) => c.trim());
  if (header[0] !== 'minute' || header.length < 2) {
    throw new InvalidInputError(
      `${file}: header must be minute,<marketId>…,* , got ${JSON.stringify(lines[0] ?? '')}`,
      'path.header',
    );
  }
  const columns = header.slice(1);
  const seen = new Set<string>();
  for (const c of columns) {
    if (c === '' || seen.has(c)) {
      throw new InvalidInputError(
        `${file}: header has an empty or repeated column, got ${JSON.stringify(c)}`,
        'path.header',
      );
    }
    seen.add(c);
  }
  const path: [number, Record<string, number>][] = lines.slice(1).map((line, k) => {
    const cells = line.split(',').map((c) => c.trim());
    const row = k + 2;
    if (cells.length !== header.length) {
      throw new InvalidInputError(
        `${file}: row ${row} has ${cells.length} cells, the header ${header.length}`,
        `path.row${row}`,
      );
    }
    const minute = Number(cells[0]);
    if (!Number.isInteger(minute) || minute < 0) {
      throw new InvalidInputError(
        `${file}: row ${row} minute: expected an integer >= 0, got ${JSON.stringify(cells[0])}`,
        `path.row${row}.minute`,
      );
    }
    const returns: Record<string, number> = {};
    columns.forEach((c, i) => {
      const value = Number(cells[i + 1]);
      if (cells[i + 1] === '' || !Number.isFinite(value) || value <= -1) {
        throw new InvalidInputError(
          `${file}: row ${row} ${c}: expected a cumulative return > -1, got ${JSON.stringify(cells[i + 1])}`,
          `path.row${row}.${c}`,
        );
      }
      returns[c] = value;
    });
    return [minute, returns];
  });
  if (path.length === 0) throw new InvalidInputError(`${file}: no rows after the header`, 'path');
  path.forEach(([minute], k) => {
    const previous = k === 0 ? -1 : path[k - 1]![0];
    if (k === 0 ? minute !== 0 : minute <= previous) {
      throw new InvalidInputError(
        `${file}: row ${k + 2} minute: ${k === 0 ? `the first row is minute 0, got ${minute}` : `minutes must increase, got ${minute} after ${previous}`}`,
        `path.row${k + 2}.minute`,
      );
    }
  });
  return { name: file, liquidityFactor, path };
}
