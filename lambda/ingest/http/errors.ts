/**
 * Typed failures of venue I/O. Every error names the venue, the endpoint and (when known) the market
 * it was fetched for, and keeps the underlying cause, so a stored flag or a log line says exactly
 * which number could not be read and why.
 */

/** Longest excerpt of a venue's body that an error message may carry. */
export const BODY_EXCERPT_CHARS = 60;

/**
 * A short, printable excerpt of a body or value for an error message: control characters and runs
 * of whitespace become one space, anything that looks like a key or token (20+ characters of
 * letters and digits mixed) is replaced by `[redacted]`, and the result is cut to `max` characters.
 * An error must never carry a venue's (or a misdirected service's) answer beyond this.
 */
export function sanitiseExcerpt(text: string, max = BODY_EXCERPT_CHARS): string {
  const printable = text
    .replace(/[^\x20-\x7e]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[A-Za-z0-9+/=_-]{20,}/g, (run) =>
      /\d/.test(run) && /[A-Za-z]/.test(run) ? '[redacted]' : run,
    );
  return printable.length > max ? `${printable.slice(0, max - 1)}…` : printable;
}

/** Where a failed request was going. */
export interface VenueErrorContext {
  readonly venue: string;
  readonly endpoint: string;
  readonly marketId?: string | undefined;
}

/** Base class: a venue did not give a usable answer. */
export class VenueError extends Error {
  readonly venue: string;
  readonly endpoint: string;
  readonly marketId: string | undefined;

  constructor(context: VenueErrorContext, message: string, options?: ErrorOptions) {
    const market = context.marketId === undefined ? '' : ` (market ${context.marketId})`;
    super(`${context.venue} ${context.endpoint}${market}: ${message}`, options);
    this.name = 'VenueError';
    this.venue = context.venue;
    this.endpoint = context.endpoint;
    this.marketId = context.marketId;
  }
}

/** The venue answered with a non-2xx status (after retries, when the status was retryable). */
export class VenueHttpError extends VenueError {
  readonly status: number;

  /** @param body - the answer's body; only a {@link sanitiseExcerpt} of it is kept */
  constructor(context: VenueErrorContext, status: number, body = '', options?: ErrorOptions) {
    const excerpt = sanitiseExcerpt(body);
    super(
      context,
      `HTTP ${status}${excerpt === '' ? '' : ` (body starts ${JSON.stringify(excerpt)})`}`,
      options,
    );
    this.name = 'VenueHttpError';
    this.status = status;
  }
}

/** No answer within the per-request timeout (after retries). */
export class VenueTimeoutError extends VenueError {
  readonly timeoutMs: number;

  constructor(context: VenueErrorContext, timeoutMs: number, options?: ErrorOptions) {
    super(context, `no answer within ${timeoutMs} ms`, options);
    this.name = 'VenueTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The run's ingest deadline passed before this request could start, or while it was in flight (see
 * `ingestDeadlineMs`).
 */
export class VenueDeadlineError extends VenueError {
  constructor(
    context: VenueErrorContext,
    options?: ErrorOptions,
    when: 'before the request' | 'in flight' = 'before the request',
  ) {
    super(
      context,
      when === 'in flight'
        ? "no answer before the run's ingest deadline"
        : "not requested: the run's ingest deadline had passed",
      options,
    );
    this.name = 'VenueDeadlineError';
  }
}

/** The connection failed (refused, reset, DNS) after retries. */
export class VenueNetworkError extends VenueError {
  constructor(context: VenueErrorContext, options?: ErrorOptions) {
    const cause = options?.cause instanceof Error ? options.cause.message : String(options?.cause);
    super(context, `network error: ${cause}`, options);
    this.name = 'VenueNetworkError';
  }
}

/** The body was not JSON, was cut short, or did not match the documented shape. */
export class VenueResponseError extends VenueError {
  /** `malformed` = not parseable JSON; `schema` = JSON of the wrong shape; `content` = nonsense values. */
  readonly kind: 'malformed' | 'schema' | 'content';

  constructor(
    context: VenueErrorContext,
    kind: 'malformed' | 'schema' | 'content',
    detail: string,
    options?: ErrorOptions,
  ) {
    super(
      context,
      `${kind === 'malformed' ? 'malformed body' : kind === 'schema' ? 'unexpected shape' : 'bad content'}: ${detail}`,
      options,
    );
    this.name = 'VenueResponseError';
    this.kind = kind;
  }
}
