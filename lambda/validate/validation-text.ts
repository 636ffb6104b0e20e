/**
 * The event table a risk committee reads: per event the predicted and the reported change of the
 * fund, their ratio, ADL predicted and reported, and whether the event is within the target (same
 * sign, within a factor 2, ADL as reported).
 */
import { formatUsd } from '../present/format.ts';
import { type EventComparison, TARGET_FACTOR } from './replay-event.ts';

function adl(value: boolean | null): string {
  return value === null ? 'n/a' : value ? 'yes' : 'no';
}

function ratio(c: EventComparison): string {
  return Number.isFinite(c.ratio) ? c.ratio.toFixed(2) : 'n/a';
}

/** Pads each column to its widest cell; the first `left` columns left-aligned, the rest right. */
function table(rows: readonly (readonly string[])[], left: number): string {
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, j) => (j < left ? cell.padEnd(widths[j]!) : cell.padStart(widths[j]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The table of `comparisons` with a one-line verdict. */
export function renderValidation(comparisons: readonly EventComparison[]): string {
  const header = ['event', 'measure', 'predicted', 'reported', 'range', 'ratio', 'ADL', 'reported ADL', ''];
  const rows = comparisons.map((c) => [
    c.name,
    c.measure,
    formatUsd(c.predictedUsd),
    formatUsd(c.reportedUsd),
    `${formatUsd(c.reportedLowUsd)} … ${formatUsd(c.reportedHighUsd)}`,
    ratio(c),
    adl(c.predictedAdl),
    adl(c.reportedAdl),
    c.withinTarget ? 'ok' : 'MISS',
  ]);
  const within = comparisons.filter((c) => c.withinTarget).length;
  return [
    'Validation events: the path engine replayed on each event (fund limited to its balance) against the reported outcome',
    '',
    table([header, ...rows], 2),
    '',
    `${within} of ${comparisons.length} within target (same sign, within a factor ${TARGET_FACTOR}, ADL as reported where reported).`,
    'Measures: liquidations = the fund’s change from liquidations (a coin-held fund in coins × price); balance = its USD balance, revaluation included.',
    '',
  ].join('\n');
}
