/**
 * Re-timing the recorded venue responses to a run's as-of, so a replayed run "now" sees data as fresh
 * as it was on the recording day (no stale balance, candles up to yesterday, the same days to each
 * option expiry) while every run still gets its own as-of.
 *
 * The shift is a whole number of days, so daily candles stay on midnight UTC. It moves epoch-millisecond
 * timestamps (integers, as numbers or strings, within years of the recording day — no price, size or
 * volume comes near 1.7e12 as an integer) and the expiry dates in option names (`BTC-261225-…`,
 * `BTC-25DEC26-…`).
 */

/** When the fixtures under fixtures/venues/ were recorded (see its README). */
export const RECORDED_AS_OF = '2026-11-22T00:00:00.000Z';

const DAY_MS = 86_400_000;
const RECORDED_MS = Date.parse(RECORDED_AS_OF);
/** Integers inside this span are epoch milliseconds (2020-09 … 2033-05). */
const MS_SPAN: readonly [number, number] = [1.6e12, 2.0e12];
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
/** An option name's expiry: `-261225-` (YYMMDD) or `-25DEC26-` (DMMMYY), followed by a strike. */
const EXPIRY =
  /-(?:(\d{2})(\d{2})(\d{2})|(\d{1,2})(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)(\d{2}))-(?=\d)/g;

/**
 * Whole days from the recording day to `asOf` (negative before it): the shift that puts the
 * recording's day where the run's is.
 */
export function retimeDays(asOf: string): number {
  return Math.floor((Date.parse(asOf) - RECORDED_MS) / DAY_MS);
}

/**
 * A recorded JSON body with every timestamp and option expiry moved by `days`; the body unchanged
 * when `days` is 0 or it is not JSON.
 */
export function retimeBody(body: string, days: number): string {
  if (days === 0) return body;
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return body;
  }
  return JSON.stringify(retimeValue(doc, days * DAY_MS), null, 1);
}

function retimeValue(value: unknown, shiftMs: number): unknown {
  if (typeof value === 'number') return isEpochMs(value) ? value + shiftMs : value;
  if (typeof value === 'string') {
    if (/^\d{13}$/.test(value) && isEpochMs(Number(value))) return String(Number(value) + shiftMs);
    return value.replace(EXPIRY, (_, yy, mm, dd, d, mon, y2) =>
      yy !== undefined
        ? `-${yymmdd(Date.UTC(2000 + Number(yy), Number(mm) - 1, Number(dd)) + shiftMs)}-`
        : `-${dmmmyy(Date.UTC(2000 + Number(y2), MONTHS.indexOf(mon), Number(d)) + shiftMs)}-`,
    );
  }
  if (Array.isArray(value)) return value.map((v) => retimeValue(v, shiftMs));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, retimeValue(v, shiftMs)]));
  }
  return value;
}

function isEpochMs(n: number): boolean {
  return Number.isInteger(n) && n >= MS_SPAN[0] && n <= MS_SPAN[1];
}

function yymmdd(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}`;
}

function dmmmyy(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCDate()}${MONTHS[d.getUTCMonth()]}${String(d.getUTCFullYear() % 100).padStart(2, '0')}`;
}
