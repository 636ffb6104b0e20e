/**
 * The one Backstop table (docs/ALERTS.md §6): generic string keys `pk`/`sk`, on-demand billing.
 * Snapshots, alert state and the outbox of a fund share the partition `FUND#<fundId>`.
 * The CDK stack declares the same keys (and TTL on `expiresAt`, which only CDK can set: dynalite lacks
 * UpdateTimeToLive); this module creates the table for the embedded/local store.
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';

/** Partition key attribute name. */
export const PARTITION_KEY = 'pk';
/** Sort key attribute name. */
export const SORT_KEY = 'sk';

/** The table definition, minus its name. */
export const TABLE_DEFINITION = {
  AttributeDefinitions: [
    { AttributeName: PARTITION_KEY, AttributeType: 'S' },
    { AttributeName: SORT_KEY, AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
    { AttributeName: SORT_KEY, KeyType: 'RANGE' },
  ],
  BillingMode: 'PAY_PER_REQUEST',
} as const satisfies Omit<CreateTableCommandInput, 'TableName'>;

/** The table did not become ACTIVE in time. */
export class TableNotReadyError extends Error {
  readonly tableName: string;
  readonly lastStatus: string;

  constructor(tableName: string, lastStatus: string) {
    super(`table ${tableName} not ACTIVE after waiting (last status ${lastStatus})`);
    this.name = 'TableNotReadyError';
    this.tableName = tableName;
    this.lastStatus = lastStatus;
  }
}

/** The table's status (`ACTIVE`, `CREATING`…), or null when it does not exist. */
export async function tableStatus(client: DynamoDBClient, tableName: string): Promise<string | null> {
  try {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return out.Table?.TableStatus ?? 'UNKNOWN';
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return null;
    throw error;
  }
}

/**
 * Creates the table if it is missing and waits until it is ACTIVE. Idempotent, so the CLI can call
 * it on every start; safe against a concurrent creator (ResourceInUse is treated as "exists").
 *
 * @param pollMs - delay between DescribeTable calls while the table is CREATING
 * @param timeoutMs - give up (TableNotReadyError) after this long
 * @example
 * await ensureTable(new DynamoDBClient({ endpoint }), 'backstop');
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  { pollMs = 50, timeoutMs = 30_000 }: { pollMs?: number; timeoutMs?: number } = {},
): Promise<void> {
  let status = await tableStatus(client, tableName);
  if (status === null) {
    try {
      await client.send(new CreateTableCommand({ TableName: tableName, ...TABLE_DEFINITION }));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    status = 'CREATING';
  }
  const deadline = Date.now() + timeoutMs;
  while (status !== 'ACTIVE') {
    if (Date.now() > deadline) throw new TableNotReadyError(tableName, status ?? 'MISSING');
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    status = await tableStatus(client, tableName);
  }
}
