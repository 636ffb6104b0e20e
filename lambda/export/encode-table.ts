/**
 * A {@link Table} as a file: CSV through csv-stringify (RFC 4180 quoting, a header row, empty cells
 * for missing values, numbers in JavaScript's shortest exact form) or Parquet through
 * hyparquet-writer (typed, nullable columns, timestamps in UTC milliseconds, Snappy-compressed).
 */
import { stringify } from 'csv-stringify/sync';
import { type BasicType, parquetWriteBuffer } from 'hyparquet-writer';
import type { ColumnType, Table } from './history-tables.ts';

/** The export formats. */
export const EXPORT_FORMATS = ['csv', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The table as CSV text, header first. */
export function tableToCsv(table: Table): string {
  return stringify([table.columns.map((c) => c.name), ...table.rows], {
    cast: { boolean: (b) => (b ? 'true' : 'false'), number: (n) => String(n) },
    record_delimiter: '\n',
  });
}

const PARQUET_TYPES: Record<ColumnType, BasicType> = {
  string: 'STRING',
  double: 'DOUBLE',
  int: 'INT32',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
};

/** The table as the bytes of a Parquet file. */
export function tableToParquet(table: Table): Uint8Array {
  const columnData = table.columns.map((column, k) => ({
    name: column.name,
    type: PARQUET_TYPES[column.type],
    nullable: true,
    data: table.rows.map((row) => {
      const cell = row[k] ?? null;
      return column.type === 'timestamp' && typeof cell === 'string' ? new Date(cell) : cell;
    }),
  }));
  return new Uint8Array(parquetWriteBuffer({ columnData, createdBy: 'backstop export' }));
}

/** The table in `format`: text for CSV, bytes for Parquet. */
export function encodeTable(table: Table, format: ExportFormat): string | Uint8Array {
  return format === 'csv' ? tableToCsv(table) : tableToParquet(table);
}
