/**
 * Opening the snapshot store for local commands: the embedded store (dynalite in this process,
 * persisted under `.backstop/dynamo`, table created if missing) or a real DynamoDB table. Both go
 * through DynamoSnapshotStore, the code path of the Lambda function.
 */
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvalidInputError } from '../model/validation.ts';
import type { SnapshotStore } from '../pipeline/ports.ts';
import { DynamoSnapshotStore } from '../store/dynamo-snapshot-store.ts';
import { ensureEmbeddedTable, localClientConfig, startEmbeddedDynamo } from '../store/embedded-dynamo.ts';

/** Folder of local state, relative to the working directory. */
export const LOCAL_STATE_DIR = '.backstop';
/** Table name of the embedded store. */
export const EMBEDDED_TABLE_NAME = 'backstop';

/** Where to find the store. */
export type StoreLocation =
  /** dynalite persisted under `<cwd>/.backstop/dynamo`. */
  | { readonly kind: 'embedded'; readonly cwd: string }
  /** An existing table: AWS (default credentials and region) or any DynamoDB-API endpoint. */
  | { readonly kind: 'dynamodb'; readonly tableName: string; readonly endpoint?: string };

/** An open store; `close` stops the embedded server (flushing LevelDB) and the client. */
export interface OpenStore {
  readonly store: SnapshotStore;
  /** Human description for messages: `embedded (.backstop/dynamo)` or `dynamodb table backstop-prod`. */
  readonly description: string;
  close(): Promise<void>;
}

/**
 * Opens the store at `location`.
 *
 * @example
 * const { store, close } = await openStore({ kind: 'embedded', cwd: process.cwd() });
 */
export async function openStore(location: StoreLocation): Promise<OpenStore> {
  if (location.kind === 'dynamodb') {
    const client = new DynamoDBClient(location.endpoint === undefined ? {} : { endpoint: location.endpoint });
    return {
      store: new DynamoSnapshotStore({ tableName: location.tableName, client }),
      description: `dynamodb table ${location.tableName}${location.endpoint === undefined ? '' : ` at ${location.endpoint}`}`,
      close: async () => client.destroy(),
    };
  }
  const path = join(location.cwd, LOCAL_STATE_DIR, 'dynamo');
  const dynamo = await startEmbeddedDynamo({ path });
  const client = new DynamoDBClient(localClientConfig(dynamo.endpoint));
  try {
    await ensureEmbeddedTable(dynamo, client, EMBEDDED_TABLE_NAME, path);
  } catch (error) {
    client.destroy();
    await dynamo.close();
    throw error;
  }
  return {
    store: new DynamoSnapshotStore({ tableName: EMBEDDED_TABLE_NAME, client }),
    description: `embedded (${join(LOCAL_STATE_DIR, 'dynamo')})`,
    close: async () => {
      client.destroy();
      await dynamo.close();
    },
  };
}

/** The store options shared by `backstop run|history|report|replay`. */
export const STORE_OPTIONS = {
  store: { type: 'string' },
  endpoint: { type: 'string' },
  table: { type: 'string' },
} as const;

/**
 * Turns `--store embedded|dynamodb [--endpoint URL] [--table NAME]` into a location. The table
 * defaults to `BACKSTOP_TABLE_NAME` for `--store dynamodb`.
 *
 * @throws InvalidInputError naming the option and the bad value
 */
export function storeLocationFromOptions(
  options: { store?: string | undefined; endpoint?: string | undefined; table?: string | undefined },
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
): StoreLocation {
  const kind = options.store ?? 'embedded';
  if (kind === 'embedded') {
    for (const name of ['endpoint', 'table'] as const) {
      if (options[name] !== undefined) {
        throw new InvalidInputError(
          `--${name}: only with --store dynamodb, got ${JSON.stringify(options[name])}`,
          name,
        );
      }
    }
    return { kind, cwd };
  }
  if (kind !== 'dynamodb') {
    throw new InvalidInputError(
      `--store: expected embedded or dynamodb, got ${JSON.stringify(kind)}`,
      'store',
    );
  }
  const tableName = options.table ?? env.BACKSTOP_TABLE_NAME;
  if (tableName === undefined || !/^[a-zA-Z0-9_.-]{3,255}$/.test(tableName)) {
    throw new InvalidInputError(
      `--table: a DynamoDB table name is required with --store dynamodb (or BACKSTOP_TABLE_NAME), got ${JSON.stringify(tableName ?? null)}`,
      'table',
    );
  }
  if (options.endpoint !== undefined && !URL.canParse(options.endpoint)) {
    throw new InvalidInputError(
      `--endpoint: expected a URL, got ${JSON.stringify(options.endpoint)}`,
      'endpoint',
    );
  }
  return { kind, tableName, ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }) };
}
