/**
 * The email text of a notification: plain text, the same facts as the Slack message, plus the
 * snapshot key so the run can be found and replayed.
 */
import { whyLines } from '../present/explain.ts';
import { formatTime } from '../present/format.ts';
import type { OutboxItem } from '../run/notification.ts';
import { alertFacts } from './render-facts.ts';

/** Markets an alert names in the binding term's loss before summing up the rest. */
export const ALERT_NAMED_CONTRIBUTORS = 3;

/**
 * Renders the plain-text email (its first line is the subject).
 *
 * @example
 * renderEmail(item).split('\n')[0]; // "[BREACH] demo-perps insurance fund at 72% of required reserve"
 */
export function renderEmail(item: OutboxItem): string {
  const n = item.notification;
  const f = alertFacts(item);
  const lines = [
    f.subject,
    '',
    `Status:    ${n.status} (${n.kind.toLowerCase()}, ${n.reason})`,
    `Fund:      ${n.fundId}`,
    `Run:       ${formatTime(item.result.asOf)}`,
    `Coverage:  ${f.coverage} (balance ${f.balance} vs required ${f.required}${f.shortfall === null ? '' : `; shortfall ${f.shortfall}`})`,
    ...(f.dataNote === null ? [] : [`Data:      ${f.dataNote}`]),
    '',
    'Why this number:',
    ...whyLines(f.why, ALERT_NAMED_CONTRIBUTORS).map((l) => `  ${l}`),
    ...f.engine.map((l) => `  ${l}`),
    '',
    `Change:    ${f.change ?? 'first run of this fund'}`,
    `Snapshot:  ${item.snapshotKey}`,
    '',
    'Next steps:',
    ...f.nextSteps.map((s) => `- ${s}`),
  ];
  return `${lines.join('\n')}\n`;
}
