/**
 * `backstop run` as text: one status line first (what a person scanning a terminal needs), then
 * the engine's reserve tables, then how the steps went, the data flags and the alerts.
 */

import type { RunOutcome } from '../pipeline/run-outcome.ts';
import type { StoredRun } from '../run/stored-run.ts';
import { formatCoverage, formatUsd } from './format.ts';
import { renderReserveSummary } from './reserve-summary.ts';

/**
 * Renders a finished run.
 *
 * @param alertTexts - what the notifier printed (console notifier), shown under "Alerts"
 */
export function renderRunSummary(outcome: RunOutcome, run: StoredRun, alertTexts: readonly string[]): string {
  const { notifications: n } = outcome;
  const stored = outcome.stored
    ? `stored as ${outcome.snapshotKey}`
    : `already stored by run ${outcome.runId} as ${outcome.snapshotKey}; re-used it`;
  const status = `${outcome.status} ${outcome.fundId} at ${outcome.asOf}: coverage ${formatCoverage(outcome.coverageRatio)} (balance ${formatUsd(outcome.fundBalanceUsd)}, required ${formatUsd(outcome.requiredReserveUsd)}) — ${stored}`;
  const steps = outcome.steps
    .map((s) => `${s.step} ${s.ms} ms ${s.outcome}${s.detail === undefined ? '' : ` (${s.detail})`}`)
    .join('\n  ');
  const flags =
    outcome.flags.length === 0
      ? ''
      : `Data flags\n  ${outcome.flags.map((f) => `${f.marketId ?? 'fund'}: ${f.code} — ${f.detail}`).join('\n  ')}\n\n`;
  const alertLine = `Alerts: ${n.decided.length} decided by this run, ${n.sent} sent, ${n.failed} failed${n.error === undefined ? '' : ` — alert step failed: ${n.error}`}`;
  const decided = n.decided.map((d) => `  [${d.severity}] ${d.kind} (${d.reason}): ${d.headline}`).join('\n');
  const texts = alertTexts.length === 0 ? '' : `\n\n${alertTexts.map((t) => t.trimEnd()).join('\n\n')}`;
  return `${status}\n\n${renderReserveSummary(run.snapshot, run.result)}\nSteps\n  ${steps}\n\n${flags}${alertLine}${decided === '' ? '' : `\n${decided}`}${texts}\n`;
}
