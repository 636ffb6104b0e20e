/**
 * The fault harness: the real CLI (`node lambda/cli/backstop.mjs run`, a child process) against a
 * DynamoDB-API proxy in front of dynalite, a fake SNS, and the venue replay server with its faults —
 * all on 127.0.0.1 — with kill -9 of the CLI at a chosen request.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type ReplayServer, startReplayServer } from '../../lambda/ingest/replay/replay-server.ts';
import { DynamoSnapshotStore } from '../../lambda/store/dynamo-snapshot-store.ts';
import { ALWAYS_ALERT_THRESHOLDS } from '../integration/pipeline/support.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';
import { type DynamoProxy, startDynamoProxy } from './dynamo-proxy.ts';
import { type FakeSns, startFakeSns } from './fake-sns.ts';

/** The repository root. */
export const REPO_ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(REPO_ROOT, 'lambda/cli/backstop.mjs');
export const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:backstop-faults';

/** One CLI invocation's result. */
export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Everything a scenario drives. */
export interface Harness {
  readonly cwd: string;
  readonly dynamo: TestDynamo;
  readonly proxy: DynamoProxy;
  readonly sns: FakeSns;
  /** The replay server with the recorded answers (faults settable). */
  readonly replay: ReplayServer;
  /** A replay server whose BTCUSDT open interest is 12% of the recorded one. */
  readonly lowOi: ReplayServer;
  /** A fresh table for a scenario; the CLI is pointed at it. */
  newTable(): Promise<string>;
  /** The store on `table`, straight to dynalite (not through the proxy). */
  store(table: string): DynamoSnapshotStore;
  /** Runs `backstop run` against the proxy and the fake SNS. */
  run(options: RunOptions): Promise<CliRun>;
  /** Runs any CLI command in the workspace (embedded store, bad input). */
  cli(args: readonly string[], cwd?: string): Promise<CliRun>;
  /** Writes a fund config derived from the demo one; returns its path relative to the workspace. */
  writeFund(name: string, edit: (config: Record<string, unknown>) => void): string;
  close(): Promise<void>;
}

/** A `backstop run` invocation. */
export interface RunOptions {
  readonly table: string;
  readonly asOf: string;
  readonly venues?: ReplayServer;
  readonly fund?: string;
  /** SIGKILL the CLI when the proxy or the fake SNS hits a `kill` rule. */
  readonly killable?: boolean;
  /** More environment for the CLI (alert channel endpoints, a fake SSM). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Starts the servers and a workspace holding the demo fund at 2,000 paths. */
export async function startHarness(): Promise<Harness> {
  const cwd = mkdtempSync(join(tmpdir(), 'backstop-faults-'));
  mkdirSync(join(cwd, 'config/funds'), { recursive: true });
  const demo = JSON.parse(readFileSync(join(REPO_ROOT, 'config/funds/demo.json'), 'utf8'));
  demo.model.paths = 2000;
  // Every row is about delivering the coverage alert: make the demo's first run alert, whatever its
  // calibrated coverage.
  demo.alerts.thresholds = { ...ALWAYS_ALERT_THRESHOLDS };
  writeFileSync(join(cwd, 'config/funds/demo.json'), JSON.stringify(demo, null, 2));
  const dynamo = await startTestDynamo();
  const proxy = await startDynamoProxy(dynamo.endpoint);
  const sns = await startFakeSns();
  const replay = await startReplayServer();
  const fixtures = join(cwd, 'fixtures-low-oi');
  cpSync(join(REPO_ROOT, 'fixtures/venues'), fixtures, { recursive: true });
  const oiFile = join(fixtures, 'binance/fapi/v1/openInterest/symbol=BTCUSDT.json');
  const oi = JSON.parse(readFileSync(oiFile, 'utf8'));
  writeFileSync(oiFile, JSON.stringify({ ...oi, openInterest: String(Number(oi.openInterest) * 0.12) }));
  const lowOi = await startReplayServer({ fixturesDir: fixtures });
  let child: ChildProcess | null = null;
  const kill = () => child?.kill('SIGKILL');
  proxy.onKill(kill);
  sns.onKill(kill);

  const spawnCli = (args: readonly string[], env: Record<string, string>, dir: string): Promise<CliRun> =>
    new Promise((done) => {
      const proc = spawn(process.execPath, [CLI, ...args], {
        cwd: dir,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = proc;
      let stdout = '';
      let stderr = '';
      proc.stdout?.on('data', (d) => (stdout += String(d)));
      proc.stderr?.on('data', (d) => (stderr += String(d)));
      proc.on('close', (code, signal) => {
        if (child === proc) child = null;
        done({ code, signal, stdout, stderr });
      });
    });
  const baseEnv = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'faults',
    AWS_SECRET_ACCESS_KEY: 'faults',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL_SNS: sns.endpoint,
  };

  return {
    cwd,
    dynamo,
    proxy,
    sns,
    replay,
    lowOi,
    newTable: () => dynamo.newTable(),
    store: (table) => new DynamoSnapshotStore({ tableName: table, client: dynamo.client }),
    run: (o) =>
      spawnCli(
        [
          'run',
          '--fund',
          o.fund ?? 'config/funds/demo.json',
          '--source',
          'live',
          '--store',
          'dynamodb',
          '--endpoint',
          proxy.endpoint,
          '--table',
          o.table,
          '--notify',
          'sns',
          '--topic-arn',
          TOPIC_ARN,
          '--as-of',
          o.asOf,
          '--json',
        ],
        { ...baseEnv, ...(o.venues ?? replay).env(), ...o.env },
        cwd,
      ),
    cli: (args, dir = cwd) => spawnCli(args, baseEnv, dir),
    writeFund: (name, edit) => {
      const copy = structuredClone(demo);
      edit(copy);
      const path = `config/funds/${name}.json`;
      writeFileSync(join(cwd, path), JSON.stringify(copy, null, 2));
      return path;
    },
    close: async () => {
      kill();
      await lowOi.close();
      await replay.close();
      await sns.close();
      await proxy.close();
      await dynamo.close();
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}
