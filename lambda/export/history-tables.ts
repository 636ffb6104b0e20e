/**
 * The stored history as two flat tables, for pandas, Athena or a spreadsheet: `runs` (one row per
 * run: time, balance, required reserve, coverage, status, ES, the worst stress, the binding term)
 * and `markets` (one row per market of each run, long form: its inputs and its share of the
 * reserve). Column names are snake_case and the column set is fixed, so files from different days
 * concatenate.
 */
import type { StoredRun } from '../run/stored-run.ts';

/** How a column is typed in Parquet (CSV writes text either way). */
export type ColumnType = 'string' | 'double' | 'int' | 'boolean' | 'timestamp';

/** A cell: a timestamp is an ISO-8601 UTC string; null is a missing value. */
export type Cell = string | number | boolean | null;

/** One column of a table. */
export interface Column {
  readonly name: string;
  readonly type: ColumnType;
}

/** A table: its columns and its rows, each row one cell per column. */
export interface Table {
  readonly name: 'runs' | 'markets';
  readonly columns: readonly Column[];
  readonly rows: readonly (readonly Cell[])[];
}

interface ColumnSpec<R> extends Column {
  readonly cell: (row: R) => Cell;
}

/** The stress scenario with the largest loss, or undefined without scenarios. */
function worstStress(run: StoredRun): { name: string; lossUsd: number } | undefined {
  let worst: { name: string; lossUsd: number } | undefined;
  for (const s of run.result.stress) if (worst === undefined || s.lossUsd > worst.lossUsd) worst = s;
  return worst;
}

const RUN_COLUMNS: readonly ColumnSpec<StoredRun>[] = [
  { name: 'fund_id', type: 'string', cell: (r) => r.fundId },
  { name: 'as_of', type: 'timestamp', cell: (r) => r.asOf },
  { name: 'run_id', type: 'string', cell: (r) => r.runId },
  { name: 'model_version', type: 'string', cell: (r) => r.modelVersion },
  { name: 'engine', type: 'string', cell: (r) => r.result.engine ?? null },
  { name: 'status', type: 'string', cell: (r) => r.result.status },
  { name: 'coverage_status', type: 'string', cell: (r) => r.result.coverageStatus },
  { name: 'fund_balance_usd', type: 'double', cell: (r) => r.result.fundBalanceUsd },
  { name: 'required_reserve_usd', type: 'double', cell: (r) => r.result.requiredReserveUsd },
  { name: 'coverage_ratio', type: 'double', cell: (r) => r.result.coverageRatio },
  { name: 'binding', type: 'string', cell: (r) => r.result.binding },
  { name: 'var_usd', type: 'double', cell: (r) => r.result.monteCarlo.varUsd },
  { name: 'es_usd', type: 'double', cell: (r) => r.result.monteCarlo.esUsd },
  { name: 'es_std_error_usd', type: 'double', cell: (r) => r.result.monteCarlo.esStdErrorUsd },
  { name: 'confidence', type: 'double', cell: (r) => r.result.monteCarlo.confidence },
  { name: 'paths', type: 'int', cell: (r) => r.result.monteCarlo.paths },
  { name: 'worst_stress', type: 'string', cell: (r) => worstStress(r)?.name ?? null },
  { name: 'worst_stress_loss_usd', type: 'double', cell: (r) => worstStress(r)?.lossUsd ?? null },
  { name: 'cover2_usd', type: 'double', cell: (r) => r.result.cover2Usd },
  { name: 'shortfall_usd', type: 'double', cell: (r) => r.result.recommendation.shortfallUsd },
  {
    name: 'fee_bps_to_close_30d',
    type: 'double',
    cell: (r) => r.result.recommendation.feeBpsToCloseIn30Days,
  },
  { name: 'releasable_usd', type: 'double', cell: (r) => r.result.recommendation.releasableUsd },
  { name: 'market_count', type: 'int', cell: (r) => r.snapshot.markets.length },
  {
    name: 'open_interest_usd',
    type: 'double',
    cell: (r) => r.snapshot.markets.reduce((sum, m) => sum + m.openInterestUsd, 0),
  },
  { name: 'degraded', type: 'boolean', cell: (r) => r.snapshot.dataQuality?.degraded ?? false },
  { name: 'flag_count', type: 'int', cell: (r) => r.flags.length },
];

interface MarketRow {
  readonly run: StoredRun;
  readonly market: StoredRun['snapshot']['markets'][number];
  readonly share?: StoredRun['result']['byMarket'][number];
}

const MARKET_COLUMNS: readonly ColumnSpec<MarketRow>[] = [
  { name: 'fund_id', type: 'string', cell: (r) => r.run.fundId },
  { name: 'as_of', type: 'timestamp', cell: (r) => r.run.asOf },
  { name: 'market_id', type: 'string', cell: (r) => r.market.id },
  { name: 'price_usd', type: 'double', cell: (r) => r.market.priceUsd },
  { name: 'open_interest_usd', type: 'double', cell: (r) => r.market.openInterestUsd },
  { name: 'daily_volume_usd', type: 'double', cell: (r) => r.market.dailyVolumeUsd },
  { name: 'implied_vol', type: 'double', cell: (r) => r.market.impliedVol },
  { name: 'maintenance_margin', type: 'double', cell: (r) => r.market.maintenanceMargin },
  { name: 'es_contribution_usd', type: 'double', cell: (r) => r.share?.esContributionUsd ?? null },
  { name: 'worst_stress_loss_usd', type: 'double', cell: (r) => r.share?.worstStressLossUsd ?? null },
];

function table<R>(name: Table['name'], specs: readonly ColumnSpec<R>[], rows: readonly R[]): Table {
  return {
    name,
    columns: specs.map(({ name: n, type }) => ({ name: n, type })),
    rows: rows.map((row) => specs.map((s) => s.cell(row))),
  };
}

/** The `runs` table of `runs`, in the order given. */
export function runsTable(runs: readonly StoredRun[]): Table {
  return table('runs', RUN_COLUMNS, runs);
}

/** The `markets` table of `runs`: each run's markets in snapshot order. */
export function marketsTable(runs: readonly StoredRun[]): Table {
  const rows = runs.flatMap((run) => {
    const shares = new Map(run.result.byMarket.map((m) => [m.id, m]));
    return run.snapshot.markets.map((market) => {
      const share = shares.get(market.id);
      return share === undefined ? { run, market } : { run, market, share };
    });
  });
  return table('markets', MARKET_COLUMNS, rows);
}
