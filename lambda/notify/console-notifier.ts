/**
 * Local runs print their alerts instead of sending them: the very email text SNS would deliver, so
 * what a developer sees is what the risk team would read.
 */

import { renderEmail } from '../alert/render-email.ts';
import type { Notifier } from '../pipeline/ports.ts';
import type { OutboxItem } from '../run/notification.ts';
import { NotifierOptionsError } from './errors.ts';

/** Options of {@link ConsoleNotifier}. */
export interface ConsoleNotifierOptions {
  /** Receives each rendered alert (ends with a newline), e.g. `(text) => process.stdout.write(text)`. */
  readonly write: (text: string) => void;
}

/**
 * {@link Notifier} that writes each alert's email text.
 *
 * @example
 * const notifier = new ConsoleNotifier({ write: (text) => process.stdout.write(text) });
 */
export class ConsoleNotifier implements Notifier {
  readonly channel = 'console';
  readonly #write: (text: string) => void;

  constructor(options: ConsoleNotifierOptions) {
    if (typeof options?.write !== 'function') {
      throw new NotifierOptionsError(
        'ConsoleNotifier',
        'write',
        `expected a function, got ${typeof options?.write}`,
      );
    }
    this.#write = options.write;
  }

  async publish(item: OutboxItem): Promise<void> {
    this.#write(renderEmail(item));
  }
}
