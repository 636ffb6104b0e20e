/**
 * The email text of a notification: plain text, the same facts as the Slack message, plus the
 * snapshot key so the run can be found and replayed.
 */

import { formatUsd } from '../present/format.ts';
import type { OutboxItem } from '../run/notification.ts';
import { alertFacts } from './render-facts.ts';

/**
 * Renders the plain-text email (its first line is the subject).
 *
 * @example
 * renderEmail(item).split('\n')[0]; // "[BREACH] demo-perps insurance fund at 72% of required reserve"
 */
export function renderEmail(item: OutboxItem): string {
  const n = item.notification;
  const f = alertFacts(item);
  const width = Math.max(0, ...f.topContributors.map((c) => c.id.length));
  const lines = [
    f.subject,
    '',
    `Status:    ${n.status} (${n.kind.toLowerCase()}, ${n.reason})`,
    `Fund:      ${n.fundId}`,
    `Run:       ${item.result.asOf}`,
    `Coverage:  ${f.coverage} (balance ${f.balance} vs required ${f.required}${f.shortfall === null ? '' : `; shortfall ${f.shortfall}`})`,
    '',
    'Top contributors to expected shortfall:',
    ...f.topContributors.map((c, i) => `  ${i + 1}. ${c.id.padEnd(width)}  ${formatShare(c.esUsd, c.share)}`),
    '',
    `Worst stress: ${f.worstStress === null ? 'none configured' : `${f.worstStress.name}, loss ${f.worstStress.loss}`}`,
    `Change:       ${f.change ?? 'first run of this fund'}`,
    `Snapshot:     ${item.snapshotKey}`,
    '',
    'Next steps:',
    ...f.nextSteps.map((s) => `- ${s}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** `$90.0M (56%)`: a contribution and its share of the fund's expected shortfall. */
export function formatShare(esUsd: number, share: number): string {
  return `${formatUsd(esUsd)} (${Math.round(share * 100)}%)`;
}
