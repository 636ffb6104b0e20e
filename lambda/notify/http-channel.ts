/**
 * The HTTP part every push channel shares: POST a JSON body, within a timeout, and treat anything
 * but a 2xx answer as "not accepted" (the outbox keeps the item and the next run retries). The
 * secret of a channel (a routing key, a bot token, a webhook URL) never appears in an error: it is
 * masked in the answer excerpt, and the URL is never quoted.
 */

/** Where a channel's secret comes from; read when a message is sent, so a rotated secret is used. */
export type SecretSource = () => Promise<string>;

/** How long one delivery may take before it counts as failed. */
export const CHANNEL_TIMEOUT_MS = 10_000;
/** Characters of an error answer kept in the message. */
const EXCERPT_CHARS = 200;

/** A channel did not accept a message. */
export class ChannelDeliveryError extends Error {
  readonly channel: string;
  /** The HTTP status, or null when no answer came. */
  readonly status: number | null;
  /**
   * The channel as a whole is unavailable (no answer, 5xx, 429, or the key, token or URL is
   * refused), not just this message: the outbox holds its later items back until the next run.
   */
  readonly channelWide: boolean;

  constructor(channel: string, status: number | null, detail: string, options?: ErrorOptions) {
    super(`${channel}: ${status === null ? 'no answer' : `HTTP ${status}`} (${detail})`, options);
    this.name = 'ChannelDeliveryError';
    this.channel = channel;
    this.status = status;
    this.channelWide = status === null || status >= 500 || [401, 403, 404, 408, 429].includes(status);
  }
}

/** `text` with every occurrence of each secret replaced by `***`, cut to a short excerpt. */
export function maskedExcerpt(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length > 0) out = out.split(s).join('***');
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > EXCERPT_CHARS ? `${out.slice(0, EXCERPT_CHARS)}…` : out;
}

/**
 * When a refused delivery is tried again within the same run: only on an answer that says "later"
 * (429, 5xx), a few times, with a short pause — never after a timeout or a lost connection, where
 * the service may have taken the message (the outbox retries on the next run instead), and never
 * for longer than a run can spare.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** Pause before attempt n + 1 (n = 1, 2…) when the answer names none. */
  readonly backoffMs: (attempt: number) => number;
  /** A `Retry-After` longer than this is not waited for: the next run retries. */
  readonly maxWaitMs: number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** Three attempts, 0.5 s then 1 s apart, waiting at most 5 s for a `Retry-After`. */
export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 3,
  backoffMs: (attempt) => 500 * 2 ** (attempt - 1),
  maxWaitMs: 5_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Whether an HTTP status means "try again later". */
function retryable(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/**
 * The wait an answer asks for, in ms: the `Retry-After` header (seconds), or Telegram's
 * `parameters.retry_after` in the body; undefined when it names none.
 */
export function requestedWaitMs(headers: Headers, body: string): number | undefined {
  const header = headers.get('retry-after');
  if (header !== null && /^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  try {
    const seconds = (JSON.parse(body) as { parameters?: { retry_after?: unknown } })?.parameters?.retry_after;
    if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  } catch {
    // not JSON: no wait named
  }
  return undefined;
}

/** What {@link postJson} sends besides the body. */
export interface PostOptions {
  /** Values to mask in any error (the URL is never shown). */
  readonly secrets: readonly string[];
  /** Extra headers; a function gets the exact body text (for a signature over it). */
  readonly headers?:
    | Readonly<Record<string, string>>
    | ((bodyText: string) => Readonly<Record<string, string>>);
  /** @default {@link DEFAULT_RETRY} */
  readonly retry?: RetryPolicy;
}

/**
 * POSTs `body` as JSON to `url` and returns the answer's text, trying again on 429 and 5xx answers
 * as `options.retry` allows.
 *
 * @throws ChannelDeliveryError on a non-2xx answer (the last one), a timeout or a network error
 */
export async function postJson(
  channel: string,
  url: string,
  body: unknown,
  options: PostOptions,
): Promise<string> {
  const retry = options.retry ?? DEFAULT_RETRY;
  const text = JSON.stringify(body);
  const extra = typeof options.headers === 'function' ? options.headers(text) : (options.headers ?? {});
  for (let attempt = 1; ; attempt += 1) {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...extra },
        body: text,
        signal: AbortSignal.timeout(CHANNEL_TIMEOUT_MS),
        redirect: 'error',
      });
    } catch (error) {
      const reason =
        (error as Error).name === 'TimeoutError'
          ? `timed out after ${CHANNEL_TIMEOUT_MS} ms`
          : 'request failed';
      throw new ChannelDeliveryError(channel, null, reason, { cause: error });
    }
    const answer = await response.text();
    if (response.ok) return answer;
    const wait = requestedWaitMs(response.headers, answer) ?? retry.backoffMs(attempt);
    const detail = maskedExcerpt(answer, options.secrets) || response.statusText;
    if (!retryable(response.status) || attempt >= retry.attempts || wait > retry.maxWaitMs) {
      const tries = attempt > 1 ? `; ${attempt} attempts` : '';
      throw new ChannelDeliveryError(channel, response.status, `${detail}${tries}`);
    }
    await retry.sleep(wait);
  }
}
