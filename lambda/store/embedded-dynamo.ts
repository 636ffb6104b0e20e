/**
 * The embedded store of local runs (DESIGN.md §1): dynalite — a DynamoDB-API server — in this
 * process on 127.0.0.1, so the CLI uses the very same DynamoDB code path as the Lambda.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';

/** Name of the file that marks a store folder as held by a process (its pid inside). */
const LOCK_FILE = 'backstop.pid';

/**
 * The store folder is held by another running process. LevelDB allows one process per folder, and
 * dynalite would otherwise fail later with an uncaught "Database is closed".
 */
export class EmbeddedStoreBusyError extends Error {
  readonly path: string;
  readonly pid: number;

  constructor(path: string, pid: number) {
    super(`embedded store ${path} is in use by process ${pid}; wait for it to finish or stop it`);
    this.name = 'EmbeddedStoreBusyError';
    this.path = path;
    this.pid = pid;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the folder's lock file, or throws if a live process holds it; returns the release. */
function acquireLock(folder: string): () => void {
  const file = join(folder, LOCK_FILE);
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number.parseInt(readFileSync(file, 'utf8'), 10);
    if (Number.isInteger(holder) && isAlive(holder)) throw new EmbeddedStoreBusyError(folder, holder);
    // Left by a process that died: take it over.
    writeFileSync(file, String(process.pid));
  }
  return () => rmSync(file, { force: true });
}

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
 *   when absent. One process at a time may hold a folder: a second gets EmbeddedStoreBusyError.
 * @example
 * const dynamo = await startEmbeddedDynamo({ path: '.backstop/dynamo' });
 * const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'local', credentials });
 */
export async function startEmbeddedDynamo(options: { path?: string } = {}): Promise<EmbeddedDynamo> {
  let release = (): void => {};
  if (options.path !== undefined) {
    mkdirSync(options.path, { recursive: true });
    release = acquireLock(options.path);
  }
  // Tables become ACTIVE almost at once: nothing local benefits from dynalite's 500 ms default.
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    release();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => {
          release();
          if (error) reject(error);
          else resolve();
        });
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
