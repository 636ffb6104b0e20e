/** Errors of the alert notifiers. */
import { InvalidInputError } from '../model/validation.ts';

/**
 * A notifier was constructed with bad options (shown in the message). An InvalidInputError, so a CLI
 * given a bad `--topic-arn` exits 2.
 */
export class NotifierOptionsError extends InvalidInputError {
  readonly option: string;

  constructor(notifier: string, option: string, message: string) {
    super(`${notifier}: ${option}: ${message}`, option);
    this.name = 'NotifierOptionsError';
    this.option = option;
  }
}
