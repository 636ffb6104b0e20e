/**
 * The facts every alert channel shows: coverage, balance vs required and how far the balance can be
 * trusted, why the requirement is what it is (the same explanation as the terminal summary and the
 * HTML report), what changed since the last run, the snapshot key, the next steps — and the subject
 * line. Email, Slack and the console render these same facts.
 */
import { growthNextSteps } from '../manage/growth.ts';
import { type Explanation, engineLines, explainFromResult } from '../present/explain.ts';
import { formatCoverage, formatPointChange, formatTime, formatUsd } from '../present/format.ts';
import { reserveNextSteps } from '../present/next-steps.ts';
import type { OutboxItem } from '../run/notification.ts';

/** SNS rejects subjects of 100 characters or more, and non-ASCII ones on some protocols. */
export const MAX_SUBJECT_CHARS = 99;
/** A fund id is never cut shorter than this in a subject (still recognisable). */
const MIN_FUND_ID_CHARS = 12;

/** The facts of one notification, formatted once for all channels. */
export interface AlertFacts {
  readonly subject: string;
  /** `BREACH`, `WARN`, `UNKNOWN`, `RECOVERED`, `DRAWDOWN BREACH`, `DATA`, `GROWTH`… */
  readonly label: string;
  readonly coverage: string;
  readonly balance: string;
  readonly required: string;
  /** `$56.0M`, or null when there is no shortfall or the balance is unknown. */
  readonly shortfall: string | null;
  /** `balance STALE (updated 228 h ago, limit 36 h)`, or null when the balance is fresh. */
  readonly dataNote: string | null;
  /** Why the requirement is what it is (the run's own explanation, or what the result alone says). */
  readonly why: Explanation;
  /** The path engine's facts in plain words (empty for a v1 result). */
  readonly engine: readonly string[];
  /** One line on the change since the previous run, or null for a first run. */
  readonly change: string | null;
  readonly nextSteps: readonly string[];
}

/** The bracketed label of the subject: what happened, at a glance. */
function labelOf(item: OutboxItem): string {
  const n = item.notification;
  if (n.kind === 'RECOVERY') return 'RECOVERED';
  if (n.kind === 'DRAWDOWN') return `DRAWDOWN ${n.severity}`;
  if (n.kind === 'DATA') return n.status === 'OK' ? 'DATA OK' : 'DATA';
  if (n.kind === 'GROWTH') return 'GROWTH';
  return n.status;
}

/**
 * The subject: `[BREACH] demo-perps insurance fund at 72.0% of required reserve`, a stale balance and a
 * reminder marked as such when they fit, printable ASCII only, at most {@link MAX_SUBJECT_CHARS} characters.
 */
export function renderSubject(item: OutboxItem): string {
  const n = item.notification;
  const base = `[${labelOf(item)}] ${n.headline}`.replace(/[^\x20-\x7e]/g, '?');
  // Notes in order of what a reader must not miss: a stale balance, then that it is a reminder.
  const stale = item.explanation?.balance.kind === 'stale' ? ' (stale balance)' : '';
  const reminder = n.reason === 'reminder' ? ' (reminder)' : '';
  for (const candidate of [`${base}${stale}${reminder}`, `${base}${stale}`, `${base}${reminder}`, base]) {
    if (candidate.length <= MAX_SUBJECT_CHARS) return candidate;
  }
  // Too long (fund ids run to 63 characters): shorten the fund id first, so the fact survives.
  const keep = n.fundId.length - (base.length - MAX_SUBJECT_CHARS) - 3;
  if (keep >= MIN_FUND_ID_CHARS && base.includes(n.fundId)) {
    return base.replace(n.fundId, `${n.fundId.slice(0, keep)}...`);
  }
  return `${base.slice(0, MAX_SUBJECT_CHARS - 3)}...`;
}

/** Computes the shared facts of an outbox item. */
export function alertFacts(item: OutboxItem): AlertFacts {
  const r = item.result;
  const why = item.explanation ?? explainFromResult(r);
  const shortfall =
    r.fundBalanceUsd === null || r.recommendation.shortfallUsd <= 0
      ? null
      : formatUsd(r.recommendation.shortfallUsd);
  return {
    subject: renderSubject(item),
    label: labelOf(item),
    coverage: formatCoverage(r.coverageRatio),
    balance: formatUsd(r.fundBalanceUsd),
    required: formatUsd(r.requiredReserveUsd),
    shortfall,
    dataNote: why.balance.kind === 'fresh' ? null : why.balance.note,
    why,
    engine: engineLines(r),
    change: describeChange(item),
    nextSteps: nextSteps(item, why),
  };
}

function describeChange(item: OutboxItem): string | null {
  const p = item.previous;
  if (p === null) return null;
  const r = item.result;
  const coverage =
    p.coverageRatio !== null && r.coverageRatio !== null
      ? `coverage ${formatCoverage(p.coverageRatio)} -> ${formatCoverage(r.coverageRatio)} (${formatPointChange(p.coverageRatio, r.coverageRatio)})`
      : `coverage ${formatCoverage(p.coverageRatio)} -> ${formatCoverage(r.coverageRatio)}`;
  return (
    `since ${formatTime(p.asOf)} (${p.status}): ${coverage}; ` +
    `required ${formatUsd(p.requiredReserveUsd)} -> ${formatUsd(r.requiredReserveUsd)}; ` +
    `balance ${formatUsd(p.fundBalanceUsd)} -> ${formatUsd(r.fundBalanceUsd)}`
  );
}

/** What the risk team should do next, by kind and status. */
function nextSteps(item: OutboxItem, why: Explanation): string[] {
  const n = item.notification;
  const r = item.result;
  const replay = `Audit the run: backstop replay --fund ${n.fundId} --as-of ${r.asOf}`;
  switch (n.kind) {
    case 'RECOVERY':
      return ['No action needed: the fund covers its required reserve again.', replay];
    case 'DRAWDOWN':
      return [
        `Check treasury movements and insurance-fund payouts of ${n.fundId} in the last hours.`,
        'Confirm the balance source is reporting correctly.',
        replay,
      ];
    case 'GROWTH':
      return [...growthNextSteps(n.fundId), replay];
    case 'DATA':
      return n.status === 'OK'
        ? ['No action needed: all markets report fresh data again.']
        : [
            'Check the flagged venues; stale markets carry an IV penalty until data returns.',
            'The reserve was computed on the last good data: it is not understated.',
            replay,
          ];
    default:
      return [
        ...reserveNextSteps({
          fundId: n.fundId,
          result: r,
          why,
          // The run's recommendation aimed at a target replaces the 30-day fee arithmetic.
          ...(item.recommendation === undefined ? {} : { recommendation: item.recommendation }),
        }),
        replay,
      ];
  }
}
