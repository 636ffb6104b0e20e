/**
 * The facts every alert channel shows (DESIGN.md §7): coverage, balance vs required, top three
 * expected-shortfall contributors, the worst stress, what changed since the last run, the snapshot
 * key — and the subject line. Email, Slack and the console render these same facts.
 */
import { growthNextSteps } from '../manage/growth.ts';
import { formatCoverage, formatPointChange, formatUsd } from '../present/format.ts';
import type { OutboxItem } from '../run/notification.ts';

/** SNS rejects subjects of 100 characters or more, and non-ASCII ones on some protocols. */
export const MAX_SUBJECT_CHARS = 99;
/** A fund id is never cut shorter than this in a subject (still recognisable). */
const MIN_FUND_ID_CHARS = 12;

/** One market's share of the expected shortfall. */
export interface Contributor {
  readonly id: string;
  readonly esUsd: number;
  /** Fraction of the fund's ES (0.56 = 56%). */
  readonly share: number;
}

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
  readonly topContributors: readonly Contributor[];
  readonly worstStress: { readonly name: string; readonly loss: string } | null;
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
 * The subject: `[BREACH] demo-perps insurance fund at 72% of required reserve`, a reminder marked as
 * such when it fits, printable ASCII only, at most {@link MAX_SUBJECT_CHARS} characters.
 */
export function renderSubject(item: OutboxItem): string {
  const n = item.notification;
  const base = `[${labelOf(item)}] ${n.headline}`.replace(/[^\x20-\x7e]/g, '?');
  const withReason = n.reason === 'reminder' ? `${base} (reminder)` : base;
  if (withReason.length <= MAX_SUBJECT_CHARS) return withReason;
  if (base.length <= MAX_SUBJECT_CHARS) return base;
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
  const es = r.byMarket.reduce((sum, m) => sum + m.esContributionUsd, 0);
  const topContributors = [...r.byMarket]
    .sort((a, b) => b.esContributionUsd - a.esContributionUsd || a.id.localeCompare(b.id))
    .slice(0, 3)
    .map((m) => ({ id: m.id, esUsd: m.esContributionUsd, share: es > 0 ? m.esContributionUsd / es : 0 }));
  const worst = r.stress.reduce<(typeof r.stress)[number] | null>(
    (w, s) => (w === null || s.lossUsd > w.lossUsd ? s : w),
    null,
  );
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
    topContributors,
    worstStress: worst === null ? null : { name: worst.name, loss: formatUsd(worst.lossUsd) },
    change: describeChange(item),
    nextSteps: nextSteps(item, shortfall),
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
    `since ${p.asOf} (${p.status}): ${coverage}; ` +
    `required ${formatUsd(p.requiredReserveUsd)} -> ${formatUsd(r.requiredReserveUsd)}; ` +
    `balance ${formatUsd(p.fundBalanceUsd)} -> ${formatUsd(r.fundBalanceUsd)}`
  );
}

/** What the risk team should do next, by kind and status. */
function nextSteps(item: OutboxItem, shortfall: string | null): string[] {
  const n = item.notification;
  const r = item.result;
  const replay = `Audit the run: backstop replay --fund ${n.fundId} --as-of ${r.asOf}`;
  const top = [...r.byMarket].sort((a, b) => b.esContributionUsd - a.esContributionUsd)[0]?.id;
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
      if (n.status === 'UNKNOWN') {
        return [
          `Check the balance source of ${n.fundId} (venue pool, SSM parameter or RPC endpoint).`,
          replay,
        ];
      }
      return [
        shortfall === null
          ? `Review the reserve of ${n.fundId}.`
          : `Top up the fund by ${shortfall}${top === undefined ? '' : ` or reduce exposure in ${top}`}.`,
        ...(r.recommendation.feeBpsToCloseIn30Days === null
          ? []
          : [
              `Or raise insurance fees by ${r.recommendation.feeBpsToCloseIn30Days.toFixed(2)} bps of volume to close the gap in 30 days.`,
            ]),
        replay,
      ];
  }
}
