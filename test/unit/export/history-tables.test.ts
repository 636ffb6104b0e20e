import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { tableToCsv, tableToParquet } from '../../../lambda/export/encode-table.ts';
import { marketsTable, runsTable, type Table } from '../../../lambda/export/history-tables.ts';
import type { StoredRun } from '../../../lambda/run/stored-run.ts';
import { storedRun } from '../../integration/store/run-fixtures.ts';

const T1 = '2026-11-22T04:00:00.000Z';
const T2 = '2026-11-22T04:15:00.000Z';

describe('runsTable', () => {
  it('has one row per run: time, balance, required, coverage, status, ES, worst stress, binding', () => {
    const run = storedRun({ asOf: T1 });
    const openInterest = run.snapshot.markets.reduce((s, m) => s + m.openInterestUsd, 0);
    const table = runsTable([run]);
    expect(table.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'fund_id:string',
      'as_of:timestamp',
      'run_id:string',
      'model_version:string',
      'engine:string',
      'status:string',
      'coverage_status:string',
      'fund_balance_usd:double',
      'required_reserve_usd:double',
      'coverage_ratio:double',
      'binding:string',
      'var_usd:double',
      'es_usd:double',
      'es_std_error_usd:double',
      'confidence:double',
      'paths:int',
      'worst_stress:string',
      'worst_stress_loss_usd:double',
      'cover2_usd:double',
      'shortfall_usd:double',
      'fee_bps_to_close_30d:double',
      'releasable_usd:double',
      'market_count:int',
      'open_interest_usd:double',
      'degraded:boolean',
      'flag_count:int',
    ]);
    expect(table.rows).toEqual([
      [
        'demo-perps',
        T1,
        `run-${T1}`,
        '1.0.0',
        null,
        'BREACH',
        'BREACH',
        1.44e8,
        2e8,
        0.72,
        'expectedShortfall',
        1.1e8,
        1.6e8,
        1.2e7,
        0.999,
        20_000,
        '2020-03-12 worst hour',
        1.2e8,
        null,
        5.6e7,
        1.3,
        0,
        3,
        openInterest,
        false,
        1,
      ],
    ]);
  });
});

describe('marketsTable', () => {
  it("has one row per market of each run, with the market's inputs and its share of the reserve", () => {
    const runs = [storedRun({ asOf: T1 }), storedRun({ asOf: T2, markets: 2 })];
    const table = marketsTable(runs);
    expect(table.columns.map((c) => c.name)).toEqual([
      'fund_id',
      'as_of',
      'market_id',
      'price_usd',
      'open_interest_usd',
      'daily_volume_usd',
      'implied_vol',
      'maintenance_margin',
      'es_contribution_usd',
      'worst_stress_loss_usd',
    ]);
    const expected = (run: StoredRun, i: number, es: number, worst: number) => {
      const m = run.snapshot.markets[i]!;
      return [
        'demo-perps',
        run.asOf,
        m.id,
        m.priceUsd,
        m.openInterestUsd,
        m.dailyVolumeUsd,
        m.impliedVol,
        0.005,
        es,
        worst,
      ];
    };
    expect(table.rows).toEqual([
      expected(runs[0]!, 0, 9e7, 7e7),
      expected(runs[0]!, 1, 5e7, 4e7),
      expected(runs[0]!, 2, 2e7, 1e7),
      expected(runs[1]!, 0, 9e7, 7e7),
      expected(runs[1]!, 1, 5e7, 4e7),
    ]);
  });

  it('leaves the reserve share empty for a market the result does not list', () => {
    const run = storedRun({ asOf: T1 });
    const partial = { ...run, result: { ...run.result, byMarket: run.result.byMarket.slice(0, 1) } };
    expect(marketsTable([partial]).rows.map((r) => [r[2], r[8], r[9]])).toEqual([
      ['BTC-PERP', 9e7, 7e7],
      ['ETH-PERP', null, null],
      ['SOL-PERP', null, null],
    ]);
  });
});

const SMALL: Table = {
  name: 'runs',
  columns: [
    { name: 'fund_id', type: 'string' },
    { name: 'as_of', type: 'timestamp' },
    { name: 'coverage_ratio', type: 'double' },
    { name: 'paths', type: 'int' },
    { name: 'degraded', type: 'boolean' },
    { name: 'worst_stress', type: 'string' },
  ],
  rows: [
    ['demo-perps', T1, 0.1, 20_000, false, 'crash, then "squeeze"'],
    ['demo-perps', T2, null, 1_000_000, true, null],
  ],
};

describe('tableToCsv', () => {
  it('writes a header, quotes what needs quoting, leaves missing values empty', () => {
    expect(tableToCsv(SMALL)).toBe(
      [
        'fund_id,as_of,coverage_ratio,paths,degraded,worst_stress',
        `demo-perps,${T1},0.1,20000,false,"crash, then ""squeeze"""`,
        `demo-perps,${T2},,1000000,true,`,
        '',
      ].join('\n'),
    );
  });
});

describe('tableToParquet', () => {
  it('writes typed nullable columns that a Parquet reader reads back exactly', async () => {
    const bytes = tableToParquet(SMALL);
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const schema = parquetMetadata(file).schema.slice(1);
    expect(schema.map((s) => [s.name, s.type, s.converted_type ?? null, s.repetition_type])).toEqual([
      ['fund_id', 'BYTE_ARRAY', 'UTF8', 'OPTIONAL'],
      ['as_of', 'INT64', 'TIMESTAMP_MILLIS', 'OPTIONAL'],
      ['coverage_ratio', 'DOUBLE', null, 'OPTIONAL'],
      ['paths', 'INT32', null, 'OPTIONAL'],
      ['degraded', 'BOOLEAN', null, 'OPTIONAL'],
      ['worst_stress', 'BYTE_ARRAY', 'UTF8', 'OPTIONAL'],
    ]);
    expect(await parquetReadObjects({ file })).toEqual([
      {
        fund_id: 'demo-perps',
        as_of: new Date(T1),
        coverage_ratio: 0.1,
        paths: 20_000,
        degraded: false,
        worst_stress: 'crash, then "squeeze"',
      },
      {
        fund_id: 'demo-perps',
        as_of: new Date(T2),
        coverage_ratio: null,
        paths: 1_000_000,
        degraded: true,
        worst_stress: null,
      },
    ]);
  });
});
