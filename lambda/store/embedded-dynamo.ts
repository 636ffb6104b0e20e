/**
 * The embedded store of local runs (docs/ALERTS.md §7): dynalite — a DynamoDB-API server — in this
 * process on 127.0.0.1, so the CLI uses the very same DynamoDB code path as the Lambda.
 *
 * It refuses to open a store folder that is damaged or missing instead of starting empty: a folder
 * once created is recorded in a manifest beside it (`<folder>.store.json`), LevelDB's files are
 * checked before dynalite sees them, and the tables the manifest names must be there. One process
 * holds a folder at a time, by a lock file that records pid, host and process start.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { ensureTable, tableStatus } from './table-schema.ts';

/** Name of the file that marks a store folder as held by a process. */
const LOCK_FILE = 'backstop.pid';
/** The store manifest of folder `path`: `<path>.store.json`, outside the folder, so it outlives it. */
export function manifestPath(path: string): string {
  return join(dirname(path), `${basename(path)}.store.json`);
}

/** What a store folder's manifest records. */
interface StoreManifest {
  readonly format: 1;
  readonly createdAt: string;
  /** Tables that exist in the store: opening a store without one of them is refusing damage. */
  readonly tables: string[];
}

/**
 * The store folder is held by another running process. LevelDB allows one process per folder, and
 * dynalite would otherwise fail later with an uncaught "Database is closed".
 */
export class EmbeddedStoreBusyError extends Error {
  readonly path: string;
  readonly pid: number;

  constructor(path: string, pid: number, detail: string) {
    super(`embedded store ${path} is in use by process ${pid}${detail}; wait for it to finish or stop it`);
    this.name = 'EmbeddedStoreBusyError';
    this.path = path;
    this.pid = pid;
  }
}

/** The store folder is missing or damaged: refused rather than opened empty. */
export class EmbeddedStoreDamagedError extends Error {
  readonly path: string;

  constructor(path: string, problem: string, options?: ErrorOptions) {
    super(`embedded store ${path} ${problem}`, options);
    this.name = 'EmbeddedStoreDamagedError';
    this.path = path;
  }
}

/** Who holds a lock: enough to tell a live holder from a reused pid. */
interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** The process's start time as the kernel counts it (/proc/<pid>/stat field 22); null off Linux. */
  readonly startTicks: number | null;
  readonly since: string;
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot), or null when unreadable. */
function startTicksOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? ticks : null;
  } catch {
    return null;
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

/** A lock file's holder; a legacy file holds the pid alone. */
function readHolder(file: string): LockHolder | null {
  const text = readFileSync(file, 'utf8').trim();
  if (/^\d+$/.test(text)) return { pid: Number(text), host: hostname(), startTicks: null, since: 'unknown' };
  try {
    const holder = JSON.parse(text) as LockHolder;
    return Number.isInteger(holder.pid) && typeof holder.host === 'string' ? holder : null;
  } catch {
    return null;
  }
}

/** Whether the recorded holder is still running: same host, pid alive, and the same process start. */
function holderRunning(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  if (!isAlive(holder.pid)) return false;
  if (holder.startTicks === null) return true;
  // A live pid that started at another time is a different process reusing the number.
  return startTicksOf(holder.pid) === holder.startTicks;
}

/** Takes the folder's lock file, or throws if a running process holds it; returns the release. */
function acquireLock(folder: string): () => void {
  const file = join(folder, LOCK_FILE);
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    startTicks: startTicksOf(process.pid),
    since: new Date().toISOString(),
  };
  try {
    writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = readHolder(file);
    if (holder !== null && holderRunning(holder)) {
      const where = holder.host === me.host ? '' : ` on host ${holder.host}`;
      throw new EmbeddedStoreBusyError(folder, holder.pid, `${where} since ${holder.since}`);
    }
    // Left by a process that is gone (or by this pid's previous life): take it over.
    writeFileSync(file, JSON.stringify(me));
  }
  return () => rmSync(file, { force: true });
}

/** LevelDB files other than our lock: a folder holding any of them is an existing store. */
function levelFiles(folder: string): string[] {
  return readdirSync(folder).filter((f) => f !== LOCK_FILE);
}

/**
 * Refuses a missing or damaged store before dynalite opens it (dynalite would start empty, or die
 * with an uncaught iterator error): the manifest says a store existed; LevelDB must open it.
 */
async function checkStoreFolder(path: string): Promise<StoreManifest | null> {
  const manifestFile = manifestPath(path);
  const manifest = existsSync(manifestFile)
    ? (JSON.parse(readFileSync(manifestFile, 'utf8')) as StoreManifest)
    : null;
  if (!existsSync(path)) {
    if (manifest === null) return null;
    throw new EmbeddedStoreDamagedError(
      path,
      `is missing (created ${manifest.createdAt}, per ${manifestFile}): restore it from a backup, or delete ${manifestFile} to start an empty store`,
    );
  }
  const files = levelFiles(path);
  if (files.length === 0 && manifest === null) return null;
  if (!files.includes('CURRENT')) {
    throw new EmbeddedStoreDamagedError(
      path,
      `is damaged: LevelDB's CURRENT file is missing${files.length === 0 ? ' (the folder is empty)' : ''}; restore the folder from a backup, or move it and ${manifestFile} away to start an empty store`,
    );
  }
  const { Level } = dynaliteRequire('level') as {
    Level: new (path: string, options: object) => { open(): Promise<void>; close(): Promise<void> };
  };
  const db = new Level(path, { createIfMissing: false, errorIfExists: false });
  try {
    await db.open();
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause ?? error;
    const why = String(cause instanceof Error ? cause.message : cause).split('\n')[0];
    throw new EmbeddedStoreDamagedError(
      path,
      `is damaged: LevelDB cannot open it (${why}); restore the folder from a backup, or move it and ${manifestFile} away to start an empty store`,
      { cause: error },
    );
  }
  await db.close();
  return manifest;
}

/** `require` resolving from dynalite's own folder, so its LevelDB binding is the one it uses. */
function dynaliteRequire(id: string): unknown {
  const here = createRequire(import.meta.url);
  return createRequire(here.resolve('dynalite'))(id);
}

/** A running embedded DynamoDB. */
export interface EmbeddedDynamo {
  /** `http://127.0.0.1:<port>`, for `new DynamoDBClient({ endpoint })`. */
  readonly endpoint: string;
  /**
   * Tables the store's manifest says exist (empty for a new or in-memory store): the opener checks
   * they are there, and records the tables it creates with {@link EmbeddedDynamo.recordTable}.
   */
  readonly expectedTables: readonly string[];
  /** Records in the manifest that the store holds `table` (a no-op in memory). */
  recordTable(table: string): void;
  /** Stops the server and closes (flushes) the LevelDB store. */
  close(): Promise<void>;
}

/**
 * Starts dynalite on a random loopback port.
 *
 * @param options.path - LevelDB folder (created if missing and never created before) to persist
 *   across restarts; in memory when absent. One process at a time may hold a folder: a second gets
 *   EmbeddedStoreBusyError. A folder recorded in its manifest but missing, or damaged, is refused
 *   with EmbeddedStoreDamagedError.
 * @example
 * const dynamo = await startEmbeddedDynamo({ path: '.backstop/dynamo' });
 * const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'local', credentials });
 */
export async function startEmbeddedDynamo(options: { path?: string } = {}): Promise<EmbeddedDynamo> {
  let release = (): void => {};
  let manifest: StoreManifest | null = null;
  const path = options.path;
  if (path !== undefined) {
    if (existsSync(path)) release = acquireLock(path);
    try {
      manifest = await checkStoreFolder(path);
    } catch (error) {
      release();
      throw error;
    }
    if (!existsSync(path)) {
      mkdirSync(path, { recursive: true });
      release = acquireLock(path);
    }
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
  const tables = new Set(manifest?.tables ?? []);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    expectedTables: [...tables],
    recordTable: (table) => {
      if (path === undefined || tables.has(table)) return;
      tables.add(table);
      const next: StoreManifest = {
        format: 1,
        createdAt: manifest?.createdAt ?? new Date().toISOString(),
        tables: [...tables],
      };
      writeFileSync(manifestPath(path), `${JSON.stringify(next, null, 2)}\n`);
    },
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

/**
 * Creates `table` in a new embedded store, or checks that an existing store still has it: a store
 * whose manifest names the table but whose LevelDB no longer holds it lost its data, and is refused.
 *
 * @throws EmbeddedStoreDamagedError when a recorded table is gone
 */
export async function ensureEmbeddedTable(
  dynamo: EmbeddedDynamo,
  client: DynamoDBClient,
  table: string,
  path: string,
): Promise<void> {
  if (dynamo.expectedTables.includes(table) && (await tableStatus(client, table)) === null) {
    throw new EmbeddedStoreDamagedError(
      path,
      `is damaged: its table ${table} is gone though ${manifestPath(path)} records it; restore the folder from a backup, or move it and the manifest away to start an empty store`,
    );
  }
  await ensureTable(client, table);
  dynamo.recordTable(table);
}
