/**
 * `backstop run` as text: one status line first (what a person scanning a terminal needs, with the
 * balance's quality and where the data came from), then the reserve summary, then how the steps
 * went, the data flags (repeats collapsed) and the alerts — with the reason when none was sent.
 */
import type { RunOutcome } from '../pipeline/run-outcome.ts';
import type { StoredRun } from '../run/stored-run.ts';
import { balanceQuality, flagLines } from './data-quality.ts';
import { formatCoverage, formatTime, formatUsd } from './format.ts';
import { renderReserveSummary, type SummaryContext } from './reserve-summary.ts';

/** What the run summary shows beyond the outcome and the stored run. */
export interface RunSummaryContext extends SummaryContext {
  /** What the notifier printed (console notifier), shown under "Alerts". */
  readonly alertTexts?: readonly string[];
  /** Where the venue data came from: `replayed recordings of 2026-11-22, re-timed +9 days`; live when absent. */
  readonly dataSource?: string;
  /** Why this run decided no alert (`BREACH already sent 09:15 UTC; next reminder 15:15 UTC`). */
  readonly silence?: string;
  /** Why a re-used tick may not reflect the config on disk (`config changed since …`). */
  readonly reuseNote?: string;
}

/**
 * Renders a finished run.
 *
 * @example
 * io.stdout(renderRunSummary(outcome, run, { alertTexts, sensitivity, dataSource }));
 */
export function renderRunSummary(
  outcome: RunOutcome,
  run: StoredRun,
  context: RunSummaryContext = {},
): string {
  const { notifications: n } = outcome;
  const balance = balanceQuality(outcome.fundBalanceUsd, outcome.flags);
  const stored = outcome.stored
    ? `stored as ${outcome.snapshotKey}`
    : `already stored by run ${outcome.runId} as ${outcome.snapshotKey}; re-used it`;
  const balanceText = `balance ${formatUsd(outcome.fundBalanceUsd)}${balance.kind === 'stale' ? ' STALE' : ''}`;
  const status = `${outcome.status} ${outcome.fundId} at ${formatTime(outcome.asOf)}: coverage ${formatCoverage(outcome.coverageRatio)} (${balanceText}, required ${formatUsd(outcome.requiredReserveUsd)}) — ${stored}`;
  const notes = [
    ...(balance.kind === 'fresh' ? [] : [`  ${balance.note.replace(/^balance /, 'Balance ')}`]),
    ...(context.dataSource === undefined ? [] : [`  Data: ${context.dataSource}`]),
    ...(context.reuseNote === undefined ? [] : [`  Note: ${context.reuseNote}`]),
  ];
  const steps = outcome.steps
    .map((s) => `${s.step} ${s.ms} ms ${s.outcome}${s.detail === undefined ? '' : ` (${s.detail})`}`)
    .join('\n  ');
  const flags = flagLines(outcome.flags);
  const flagSection = flags.length === 0 ? '' : `Data flags\n  ${flags.join('\n  ')}\n\n`;
  const counts = `${n.decided.length} decided by this run, ${n.sent} sent, ${n.failed} failed`;
  const reason = n.decided.length === 0 && context.silence !== undefined ? ` — ${context.silence}` : '';
  const alertLine = `Alerts: ${counts}${n.error === undefined ? reason : ` — alert step failed: ${n.error}`}`;
  const decided = n.decided.map((d) => `  [${d.severity}] ${d.kind} (${d.reason}): ${d.headline}`).join('\n');
  const alertTexts = context.alertTexts ?? [];
  const texts = alertTexts.length === 0 ? '' : `\n\n${alertTexts.map((t) => t.trimEnd()).join('\n\n')}`;
  const head = [status, ...notes].join('\n');
  const summary = renderReserveSummary(run.snapshot, run.result, {
    ...context,
    flags: run.flags,
    ...(run.outlook === undefined ? {} : { outlook: run.outlook }),
  });
  return `${head}\n\n${summary}\nSteps\n  ${steps}\n\n${flagSection}${alertLine}${decided === '' ? '' : `\n${decided}`}${texts}\n`;
}
