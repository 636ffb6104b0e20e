/**
 * One DynamoDB table as the repositories use it: the DocumentClient, the table name (validated once),
 * and the few primitives they share — a conditional put on a new key and a paginated Query. No
 * transactions, no PartiQL, no UpdateTimeToLive: dynalite lacks them, and nothing here needs them.
 */
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  type DynamoDBClientConfig,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ItemTooLargeError, StoreOptionsError } from './errors.ts';
import { itemSizeBytes } from './item-size.ts';

/** DynamoDB's item size limit. */
export const MAX_ITEM_BYTES = 400 * 1024;

/** A table item as the DocumentClient reads and writes it. */
export type Item = Record<string, unknown>;
/** A Query of this table (the table name is added by the client). */
export type QueryParams = Omit<QueryCommandInput, 'TableName'>;

/** Options of {@link TableClient} (and of the store built on it). */
export interface TableClientOptions {
  readonly tableName: string;
  /** An SDK client to reuse (a plain client is wrapped in a DocumentClient). */
  readonly client?: DynamoDBDocumentClient | DynamoDBClient;
  /** Settings for a new client when `client` is absent (endpoint, region, credentials). */
  readonly clientConfig?: DynamoDBClientConfig;
}

const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;

/** The shared table access of the run, alert-state and outbox repositories. */
export class TableClient {
  readonly tableName: string;
  readonly doc: DynamoDBDocumentClient;

  constructor(options: TableClientOptions) {
    const { tableName, client, clientConfig } = options ?? ({} as TableClientOptions);
    if (typeof tableName !== 'string' || !TABLE_NAME.test(tableName)) {
      throw new StoreOptionsError(
        'tableName',
        `expected 3-255 characters of a-z A-Z 0-9 _ . -, got ${JSON.stringify(tableName)}`,
      );
    }
    if (client !== undefined && clientConfig !== undefined) {
      throw new StoreOptionsError('clientConfig', 'give either client or clientConfig, not both');
    }
    if (
      client !== undefined &&
      !(client instanceof DynamoDBClient || client instanceof DynamoDBDocumentClient)
    ) {
      throw new StoreOptionsError(
        'client',
        `expected a DynamoDBClient or DynamoDBDocumentClient, got ${typeof client}`,
      );
    }
    this.tableName = tableName;
    const base = client ?? new DynamoDBClient(clientConfig ?? {});
    this.doc =
      base instanceof DynamoDBDocumentClient
        ? base
        : DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** Conditional put on a new key; false when the key exists. Refuses an item over 400 KB. */
  async putIfAbsent(item: Item): Promise<boolean> {
    const size = itemSizeBytes(item);
    if (size > MAX_ITEM_BYTES) throw new ItemTooLargeError(String(item.sk), size, MAX_ITEM_BYTES);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Follows LastEvaluatedKey until `limit` items are read or the range is exhausted. */
  async queryPages(
    params: QueryParams,
    limit: number,
    start: Item | undefined,
  ): Promise<{ items: Item[]; next?: Item }> {
    const items: Item[] = [];
    let next = start;
    do {
      const remaining = limit - items.length;
      const out = await this.doc.send(
        new QueryCommand({
          ...params,
          TableName: this.tableName,
          ...(Number.isFinite(remaining) ? { Limit: remaining } : {}),
          ...(next === undefined ? {} : { ExclusiveStartKey: next }),
        }),
      );
      items.push(...(out.Items ?? []));
      next = out.LastEvaluatedKey;
    } while (next !== undefined && items.length < limit);
    return next === undefined ? { items } : { items, next };
  }
}

/** True when `error` is DynamoDB's answer to a failed condition. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException;
}
