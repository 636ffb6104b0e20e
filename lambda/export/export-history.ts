/**
 * Reads a fund's stored runs in a time range, page by page, into the `runs` and `markets` tables,
 * oldest run first. Only the rows are kept between pages, never the decoded runs, so a year of
 * 15-minute runs (35,000) exports in the memory of its rows.
 */
import type { SnapshotStore } from '../pipeline/ports.ts';
import { marketsTable, runsTable, type Table } from './history-tables.ts';

/** Runs read per store query (the store's largest page). */
const PAGE_SIZE = 1000;

/** The range to export; both ends inclusive, canonical ISO UTC; open when absent. */
export interface ExportRange {
  readonly from?: string;
  readonly to?: string;
}

/** Both tables of the fund's runs in `range`, oldest run first. */
export async function exportHistory(
  store: Pick<SnapshotStore, 'history'>,
  fundId: string,
  range: ExportRange = {},
): Promise<{ runs: Table; markets: Table }> {
  // The store pages newest first: keep each page's tables, oldest first within, and join them in
  // reverse page order at the end.
  const pages: { runs: Table; markets: Table }[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.history(fundId, {
      ...range,
      limit: PAGE_SIZE,
      ...(cursor === undefined ? {} : { cursor }),
    });
    const oldestFirst = [...page.runs].reverse();
    pages.push({ runs: runsTable(oldestFirst), markets: marketsTable(oldestFirst) });
    cursor = page.cursor;
  } while (cursor !== undefined);
  pages.reverse();
  const join = (tables: Table[], empty: Table): Table => ({ ...empty, rows: tables.flatMap((t) => t.rows) });
  return {
    runs: join(
      pages.map((p) => p.runs),
      runsTable([]),
    ),
    markets: join(
      pages.map((p) => p.markets),
      marketsTable([]),
    ),
  };
}
