/** Errors of the snapshot store. */
import { InvalidInputError } from '../model/validation.ts';

/**
 * The store was constructed with bad options (shown in the message). An InvalidInputError, so a CLI
 * given a bad `--table` exits 2.
 */
export class StoreOptionsError extends InvalidInputError {
  readonly option: string;

  constructor(option: string, message: string) {
    super(`DynamoSnapshotStore: ${option}: ${message}`, option);
    this.name = 'StoreOptionsError';
    this.option = option;
  }
}

/** A stored item cannot be decoded: wrong format, missing part, digest mismatch, schema failure. */
export class CorruptItemError extends Error {
  readonly pk: string;
  readonly sk: string;

  constructor(pk: string, sk: string, problem: string, options?: ErrorOptions) {
    super(`stored item ${pk} / ${sk} is corrupt: ${problem}`, options);
    this.name = 'CorruptItemError';
    this.pk = pk;
    this.sk = sk;
  }
}

/** An item would exceed DynamoDB's 400 KB limit even after compression. */
export class ItemTooLargeError extends Error {
  readonly sk: string;
  readonly bytes: number;

  constructor(sk: string, bytes: number, limit: number) {
    super(`item ${sk} is ${bytes} bytes after compression, over the ${limit}-byte limit`);
    this.name = 'ItemTooLargeError';
    this.sk = sk;
    this.bytes = bytes;
  }
}
