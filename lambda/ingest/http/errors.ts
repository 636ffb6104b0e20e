/**
 * Typed failures of venue I/O. Every error names the venue, the endpoint and (when known) the market
 * it was fetched for, and keeps the underlying cause, so a stored flag or a log line says exactly
 * which number could not be read and why.
 */

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

  constructor(context: VenueErrorContext, status: number, options?: ErrorOptions) {
    super(context, `HTTP ${status}`, options);
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

/** The run's ingest deadline passed before this request could start (see `ingestDeadlineMs`). */
export class VenueDeadlineError extends VenueError {
  constructor(context: VenueErrorContext, options?: ErrorOptions) {
    super(context, "not requested: the run's ingest deadline had passed", options);
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
