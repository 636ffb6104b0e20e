/**
 * `backstop history` as text: a coverage sparkline (oldest → newest) over a table of runs, newest
 * first, with the figures a treasury team compares between runs.
 */

import type { RunSummary } from '../run/stored-run.ts';
import { formatCoverage, formatTable, formatUsd } from './format.ts';
import { sparkline } from './sparkline.ts';

/** Coverage changes smaller than this (5 percentage points) stay on one sparkline level or two. */
export const COVERAGE_SPARK_SPAN = 0.05;

/**
 * Renders runs of one fund.
 *
 * @param runs - newest first, as the store returns them
 */
export function renderHistory(fundId: string, runs: readonly RunSummary[]): string {
  if (runs.length === 0) return `${fundId}: no stored runs yet (run \`backstop run\` first)\n`;
  const chronological = [...runs].reverse();
  const coverage = chronological.map((r) => r.coverageRatio);
  const known = coverage.filter((c): c is number => c !== null);
  const range =
    known.length === 0
      ? 'coverage unknown'
      : `min ${formatCoverage(Math.min(...known))}, max ${formatCoverage(Math.max(...known))}`;
  const header = ['asOf', 'status', 'balance', 'required', 'coverage'];
  const rows = runs.map((r) => [
    r.asOf,
    r.status,
    formatUsd(r.fundBalanceUsd),
    formatUsd(r.requiredReserveUsd),
    formatCoverage(r.coverageRatio),
  ]);
  return [
    `${fundId}: ${runs.length} run${runs.length === 1 ? '' : 's'}, newest first`,
    `coverage ${sparkline(coverage, COVERAGE_SPARK_SPAN)}  (oldest → newest; ${range})`,
    '',
    formatTable(header, rows, ['left', 'left', 'right', 'right', 'right']),
    '',
  ].join('\n');
}
