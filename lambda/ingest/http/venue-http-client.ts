/**
 * The one HTTP client every venue adapter uses: built-in fetch, a per-request timeout, bounded
 * retries with jittered exponential backoff on network errors, 429 and 5xx (honouring
 * `Retry-After`), a per-venue concurrency cap, and zod validation of every body. Sleep and random are
 * injected so tests of the retry policy are fast and deterministic.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import type { z } from 'zod';
import { formatIssue } from '../../model/validation.ts';
import {
  sanitiseExcerpt,
  VenueDeadlineError,
  type VenueError,
  type VenueErrorContext,
  VenueHttpError,
  VenueNetworkError,
  VenueResponseError,
  VenueTimeoutError,
} from './errors.ts';
import { urlProblem } from './safe-url.ts';

/** Query parameters; numbers are stringified. */
export type Query = Readonly<Record<string, string | number>>;

/** Options of a {@link VenueHttpClient}. */
export interface VenueHttpClientOptions {
  /** Venue name used in errors and observations (`deribit`, `binanceOptions`…). */
  readonly venue: string;
  /**
   * Base URL without a trailing slash, e.g. `https://fapi.binance.com`: https, or http to loopback
   * (`safe-url.ts`).
   */
  readonly baseUrl: string;
  /** Admit a private, link-local or metadata host (a proxy inside the operator's network). @default false */
  readonly allowPrivateNetwork?: boolean;
  /** Per-request timeout in ms, body included. @default 10000 */
  readonly timeoutMs?: number;
  /** Retries after the first attempt. @default 3 */
  readonly maxRetries?: number;
  /** Requests in flight at once to this venue. @default 4 */
  readonly concurrency?: number;
  /** First backoff step in ms (doubles per retry, full jitter). @default 250 */
  readonly baseDelayMs?: number;
  /**
   * Longest single wait in ms. A `Retry-After` asking for more ends the request instead of being
   * cut short. @default 30000
   */
  readonly maxDelayMs?: number;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Uniform [0, 1) for the jitter. */
  readonly random?: () => number;
  readonly now?: () => Date;
  /**
   * The run's ingest deadline, in `performance.now()` milliseconds. Past it no request is started,
   * retried or waited for, so a venue that hangs on every request degrades the run instead of
   * running the job into its own timeout. @default no deadline
   */
  readonly deadline?: number;
}

/** A validated body and when it arrived. */
export interface Fetched<T> {
  readonly data: T;
  readonly fetchedAt: string;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Parses a `Retry-After` header (delta-seconds or an HTTP date) into milliseconds from `now`.
 * Returns undefined when absent or unparseable.
 */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

class RetryableFailure extends Error {
  readonly error: VenueError;
  readonly retryAfterMs: number | undefined;

  constructor(error: VenueError, retryAfterMs: number | undefined) {
    super(error.message);
    this.error = error;
    this.retryAfterMs = retryAfterMs;
  }
}

/** HTTP client for one venue; share one instance per venue so the concurrency cap holds. */
export class VenueHttpClient {
  readonly venue: string;
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly fetchFn: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => Date;
  private readonly limit: LimitFunction;
  private readonly deadline: number;

  constructor(options: VenueHttpClientOptions) {
    const problem = urlProblem(options.baseUrl, {
      allowPrivateNetwork: options.allowPrivateNetwork ?? false,
    });
    if (problem !== undefined) throw new TypeError(`baseUrl of ${options.venue}: ${problem}`);
    this.venue = options.venue;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxRetries = options.maxRetries ?? 3;
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.fetchFn = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? (() => new Date());
    this.limit = pLimit(options.concurrency ?? 4);
    this.deadline = options.deadline ?? Number.POSITIVE_INFINITY;
  }

  /** Milliseconds left before the run's ingest deadline (Infinity without one). */
  private remainingMs(): number {
    return this.deadline - performance.now();
  }

  /**
   * GETs `path?query` and validates the JSON body with `schema`.
   * @throws VenueError subclasses naming venue, endpoint and market
   */
  getJson<S extends z.ZodType>(
    path: string,
    query: Query,
    schema: S,
    marketId?: string,
  ): Promise<Fetched<z.output<S>>> {
    const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
    const url = `${this.baseUrl}${path}${qs === '' ? '' : `?${qs}`}`;
    return this.request(url, { method: 'GET' }, schema, { venue: this.venue, endpoint: path, marketId });
  }

  /**
   * POSTs a JSON body (JSON-RPC, Hyperliquid's `/info`) and validates the JSON answer with `schema`.
   * @param endpoint - how errors name the call, e.g. `/info l2Book` (default: the path)
   */
  postJson<S extends z.ZodType>(
    path: string,
    body: unknown,
    schema: S,
    marketId?: string,
    endpoint: string = path || '/',
  ): Promise<Fetched<z.output<S>>> {
    const url = `${this.baseUrl}${path}`;
    const init = {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    };
    return this.request(url, init, schema, { venue: this.venue, endpoint, marketId });
  }

  private async request<S extends z.ZodType>(
    url: string,
    init: RequestInit,
    schema: S,
    context: VenueErrorContext,
  ): Promise<Fetched<z.output<S>>> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.limit(() => this.attempt(url, init, schema, context));
      } catch (failure) {
        if (!(failure instanceof RetryableFailure)) throw failure;
        if (attempt >= this.maxRetries) throw failure.error;
        // A Retry-After longer than we are willing to wait ends the request: retrying before the
        // venue allows it is what turns a 429 into an IP ban (Binance 418, Bybit 403).
        if (failure.retryAfterMs !== undefined && failure.retryAfterMs > this.maxDelayMs) throw failure.error;
        const backoff = this.random() * Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** attempt);
        const wait = failure.retryAfterMs ?? backoff;
        // A retry that could only start after the deadline is not worth waiting for.
        if (wait >= this.remainingMs()) throw failure.error;
        await this.sleep(wait);
      }
    }
  }

  private async attempt<S extends z.ZodType>(
    url: string,
    init: RequestInit,
    schema: S,
    context: VenueErrorContext,
  ): Promise<Fetched<z.output<S>>> {
    let text: string;
    let response: Response;
    const timeoutMs = Math.min(this.timeoutMs, Math.floor(this.remainingMs()));
    if (timeoutMs <= 0) throw new VenueDeadlineError(context);
    try {
      response = await this.fetchFn(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
      text = await response.text();
    } catch (error) {
      const isTimeout =
        error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      const venueError = isTimeout
        ? new VenueTimeoutError(context, timeoutMs, { cause: error })
        : new VenueNetworkError(context, { cause: error });
      throw new RetryableFailure(venueError, undefined);
    }
    if (!response.ok) {
      const error = new VenueHttpError(context, response.status, text);
      if (response.status === 429 || response.status >= 500) {
        throw new RetryableFailure(error, parseRetryAfter(response.headers.get('retry-after'), this.now()));
      }
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // Not the parser's message: V8 quotes the body in it, unsanitised.
      const detail = `not JSON (${text.length} characters, starting ${JSON.stringify(sanitiseExcerpt(text))})`;
      throw new VenueResponseError(context, 'malformed', detail);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const detail = first === undefined ? 'invalid' : sanitiseExcerpt(formatIssue(first, json), 200);
      throw new VenueResponseError(context, 'schema', detail);
    }
    return { data: parsed.data, fetchedAt: this.now().toISOString() };
  }
}
