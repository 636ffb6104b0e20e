/**
 * Telegram through the Bot API's `sendMessage`: the subject and the facts of the email, as plain
 * text (no parse mode, so nothing in a fund id or a scenario name needs escaping), to one chat.
 */
import { ALERT_NAMED_CONTRIBUTORS } from '../alert/render-email.ts';
import { alertFacts } from '../alert/render-facts.ts';
import type { Notifier } from '../pipeline/ports.ts';
import { whyLines } from '../present/explain.ts';
import type { OutboxItem } from '../run/notification.ts';
import { postJson, type RetryPolicy, type SecretSource } from './http-channel.ts';

/** The Bot API's base URL. */
export const TELEGRAM_API_URL = 'https://api.telegram.org';
/** Telegram's limit on one message's text. */
const MAX_TEXT_CHARS = 4096;

/** A `sendMessage` request body. */
export interface TelegramMessage {
  readonly chat_id: string;
  readonly text: string;
  readonly disable_web_page_preview: true;
}

/** The message text of `item`. */
export function telegramText(item: OutboxItem): string {
  const f = alertFacts(item);
  const lines = [
    f.subject,
    '',
    `Coverage ${f.coverage}: balance ${f.balance} vs required ${f.required}${f.shortfall === null ? '' : ` (shortfall ${f.shortfall})`}`,
    ...(f.dataNote === null ? [] : [`Data: ${f.dataNote}`]),
    ...whyLines(f.why, ALERT_NAMED_CONTRIBUTORS),
    ...f.engine,
    ...(f.change === null ? [] : [`Change ${f.change}`]),
    `Snapshot: ${item.snapshotKey}`,
    '',
    ...f.nextSteps.map((s) => `- ${s}`),
  ];
  const text = lines.join('\n');
  return text.length > MAX_TEXT_CHARS ? `${text.slice(0, MAX_TEXT_CHARS - 1)}…` : text;
}

/** The `sendMessage` body of `item` for `chatId`. */
export function telegramMessage(item: OutboxItem, chatId: string): TelegramMessage {
  return { chat_id: chatId, text: telegramText(item), disable_web_page_preview: true };
}

/** Options of {@link TelegramNotifier}. */
export interface TelegramNotifierOptions {
  /** The bot token, from SSM or Secrets Manager. */
  readonly botToken: SecretSource;
  /** The chat (a group's negative id, or `@channelname`). */
  readonly chatId: string;
  /** @default {@link TELEGRAM_API_URL} */
  readonly apiUrl?: string;
  /** The outbox channel name. @default 'telegram' */
  readonly channel?: string;
  readonly retry?: RetryPolicy;
}

/** {@link Notifier} on Telegram; resolves once the Bot API answered `ok`. */
export class TelegramNotifier implements Notifier {
  readonly channel: string;
  readonly #botToken: SecretSource;
  readonly #chatId: string;
  readonly #apiUrl: string;
  readonly #retry: RetryPolicy | undefined;

  constructor(options: TelegramNotifierOptions) {
    this.channel = options.channel ?? 'telegram';
    this.#retry = options.retry;
    this.#botToken = options.botToken;
    this.#chatId = options.chatId;
    this.#apiUrl = options.apiUrl ?? TELEGRAM_API_URL;
  }

  async publish(item: OutboxItem): Promise<void> {
    const token = await this.#botToken();
    await postJson(
      this.channel,
      `${this.#apiUrl}/bot${token}/sendMessage`,
      telegramMessage(item, this.#chatId),
      { secrets: [token], ...(this.#retry === undefined ? {} : { retry: this.#retry }) },
    );
  }
}
