/**
 * dynalite for tests: a real DynamoDB-API server in this process on 127.0.0.1, with a fresh table.
 * Every layer that touches the table (store, pipeline, handler, CLI) starts one instead of mocking
 * DynamoDB, so conditional writes, pagination and item-size limits are real.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localClientConfig, startEmbeddedDynamo } from '../../lambda/store/embedded-dynamo.ts';
import { ensureTable } from '../../lambda/store/table-schema.ts';

/** A running test DynamoDB with one ready table. */
export interface TestDynamo {
  readonly endpoint: string;
  /** Region, dummy credentials and endpoint for any SDK client. */
  readonly clientConfig: ReturnType<typeof localClientConfig>;
  readonly client: DynamoDBClient;
  /** A table created (ACTIVE) for this test. */
  readonly tableName: string;
  /** Creates another empty table on the same server (cheaper than a new server per test). */
  newTable(): Promise<string>;
  /** Destroys the client and stops the server. */
  close(): Promise<void>;
}

let tableCounter = 0;

/**
 * Starts dynalite (in memory, or persisted under `path`) and creates a table.
 *
 * @example
 * const dynamo = await startTestDynamo();
 * const store = new DynamoSnapshotStore({ tableName: dynamo.tableName, client: dynamo.client });
 * afterAll(() => dynamo.close());
 */
export async function startTestDynamo(
  options: { path?: string; tableName?: string } = {},
): Promise<TestDynamo> {
  const server = await startEmbeddedDynamo(options.path === undefined ? {} : { path: options.path });
  const clientConfig = localClientConfig(server.endpoint);
  const client = new DynamoDBClient(clientConfig);
  const newTable = async (): Promise<string> => {
    tableCounter += 1;
    const name = `backstop-test-${process.pid}-${tableCounter}`;
    await ensureTable(client, name);
    return name;
  };
  const tableName = options.tableName ?? (await newTable());
  if (options.tableName !== undefined) await ensureTable(client, options.tableName);
  return {
    endpoint: server.endpoint,
    clientConfig,
    client,
    tableName,
    newTable,
    close: async () => {
      client.destroy();
      await server.close();
    },
  };
}
