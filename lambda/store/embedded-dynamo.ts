/**
 * The embedded store of local runs (DESIGN.md §1): dynalite — a DynamoDB-API server — in this
 * process on 127.0.0.1, so the CLI uses the very same DynamoDB code path as the Lambda.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

/** A running embedded DynamoDB. */
export interface EmbeddedDynamo {
  /** `http://127.0.0.1:<port>`, for `new DynamoDBClient({ endpoint })`. */
  readonly endpoint: string;
  /** Stops the server and closes (flushes) the LevelDB store. */
  close(): Promise<void>;
}

/**
 * Starts dynalite on a random loopback port.
 *
 * @param options.path - LevelDB folder (created if missing) to persist across restarts; in memory
 *   when absent. Only one process may hold a folder at a time (LevelDB lock).
 * @example
 * const dynamo = await startEmbeddedDynamo({ path: '.backstop/dynamo' });
 * const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'local', credentials });
 */
export async function startEmbeddedDynamo(options: { path?: string } = {}): Promise<EmbeddedDynamo> {
  if (options.path !== undefined) mkdirSync(options.path, { recursive: true });
  // Tables become ACTIVE almost at once: nothing local benefits from dynalite's 500 ms default.
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * DynamoDB client settings for a local endpoint: a fixed region and dummy credentials, so local runs
 * never look for (or use) real AWS credentials.
 */
export function localClientConfig(endpoint: string): {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
} {
  return { endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
}
