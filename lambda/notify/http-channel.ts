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

  constructor(channel: string, status: number | null, detail: string, options?: ErrorOptions) {
    super(`${channel}: ${status === null ? 'no answer' : `HTTP ${status}`} (${detail})`, options);
    this.name = 'ChannelDeliveryError';
    this.channel = channel;
    this.status = status;
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
 * POSTs `body` as JSON to `url` and returns the answer's text.
 *
 * @param secrets - values to mask in any error (the URL is never shown)
 * @throws ChannelDeliveryError on a non-2xx answer, a timeout or a network error
 */
export async function postJson(
  channel: string,
  url: string,
  body: unknown,
  secrets: readonly string[],
  headers: Readonly<Record<string, string>> = {},
): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
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
  const text = await response.text();
  if (!response.ok) {
    throw new ChannelDeliveryError(
      channel,
      response.status,
      maskedExcerpt(text, secrets) || response.statusText,
    );
  }
  return text;
}

/** The stable id of a notification, the same on every channel and redelivery: `<fundId>/<asOf>/<kind>/<status>`. */
export function notificationId(n: {
  readonly fundId: string;
  readonly asOf: string;
  readonly kind: string;
  readonly status: string;
}): string {
  return `${n.fundId}/${n.asOf}/${n.kind}/${n.status}`;
}
