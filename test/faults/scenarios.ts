/**
 * The fault matrix: each row is a fault or an input, how it is injected, what must hold, and what
 * the real CLI did. Message rows drive three runs — the faulted tick, a retry of it, the next tick —
 * and compare what the fake SNS received with a fault-free control: `lost` = control messages never
 * published, `duplicated` = publishes of an id already published.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { Harness } from './harness.ts';
import { REPO_ROOT } from './harness.ts';

export const T0 = '2026-11-22T00:00:00.000Z';
export const T1 = '2026-11-22T00:15:00.000Z';
/** The outbox lease (lambda/alert/outbox.ts DEFAULT_LEASE_MS) plus a second. */
const LEASE_WAIT_MS = 121_000;

/** One row of the matrix. */
export interface Row {
  readonly id: string;
  /** The finding of the reliability sweep (issue 12) the row proves, if any. */
  readonly finding?: number;
  readonly fault: string;
  readonly how: string;
  readonly expected: string;
  observed: string;
  lost: number;
  duplicated: number;
  /** Duplicates the docs name as at-least-once (the answer of an accepted publish lost). */
  duplicatesNamed: boolean;
  holds: boolean;
}

/** A scenario: its row's text and how to run it. */
export interface Scenario {
  readonly id: string;
  readonly finding?: number;
  readonly fault: string;
  readonly how: string;
  readonly expected: string;
  /** In the fast subset `npm test` runs. */
  readonly fast: boolean;
  run(
    h: Harness,
    control: readonly string[],
  ): Promise<Omit<Row, 'id' | 'finding' | 'fault' | 'how' | 'expected'>>;
}

const outcome = (r: { code: number | null; signal: NodeJS.Signals | null }) =>
  r.signal === null ? `exit ${r.code}` : r.signal;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The messages a fault-free faulted-tick / retry / next-tick sequence publishes. */
export async function controlMessages(h: Harness): Promise<string[]> {
  const table = await h.newTable();
  h.sns.published.length = 0;
  for (const asOf of [T0, T0, T1]) await h.run({ table, asOf });
  return h.sns.published.map((p) => p.messageId);
}

/**
 * A message scenario: `arm` sets the faults of the first run; the retry and the next tick run clean.
 * `concurrent` runs the first tick twice at once instead.
 */
function messages(spec: {
  id: string;
  finding?: number;
  fault: string;
  how: string;
  expected: string;
  fast: boolean;
  arm: (h: Harness) => void;
  leaseWait?: boolean;
  concurrent?: boolean;
  duplicatesNamed?: boolean;
  firstExit?: string;
}): Scenario {
  return {
    ...spec,
    run: async (h, control) => {
      const table = await h.newTable();
      h.sns.published.length = 0;
      h.proxy.setRules([]);
      h.sns.setRules([]);
      spec.arm(h);
      const first = spec.concurrent
        ? (await Promise.all([h.run({ table, asOf: T0 }), h.run({ table, asOf: T0 })]))[0]
        : await h.run({ table, asOf: T0, killable: true });
      h.proxy.setRules([]);
      h.sns.setRules([]);
      if (spec.leaseWait) await sleep(LEASE_WAIT_MS);
      const retry = await h.run({ table, asOf: T0 });
      const next = await h.run({ table, asOf: T1 });
      const ids = h.sns.published.map((p) => p.messageId);
      const unique = new Set(ids);
      const lost = control.filter((id) => !unique.has(id)).length;
      const duplicated = ids.length - unique.size;
      const extra = [...unique].filter((id) => !control.includes(id)).length;
      const runs = (await h.store(table).summaries('demo-perps')).length;
      const state = await h.store(table).getAlertState('demo-perps');
      const firstOk = spec.firstExit === undefined || outcome(first) === spec.firstExit;
      const observed = `first run ${outcome(first)}, retry ${outcome(retry)}, next tick ${outcome(next)}; ${ids.length} published (${unique.size} distinct, ${extra} unexpected); ${runs} runs stored; alerts decided up to ${state?.decidedAsOf ?? 'none'}`;
      const namedOk = duplicated === 0 || spec.duplicatesNamed === true;
      return {
        observed,
        lost,
        duplicated,
        duplicatesNamed: spec.duplicatesNamed === true,
        holds:
          firstOk &&
          lost === 0 &&
          extra === 0 &&
          namedOk &&
          runs === 2 &&
          retry.code === 0 &&
          next.code === 0,
      };
    },
  };
}

/** A data scenario: runs `ticks` on `venues`, then `check` the stored runs. */
function data(spec: {
  id: string;
  finding?: number;
  fault: string;
  how: string;
  expected: string;
  fast: boolean;
  ticks: (h: Harness) => { asOf: string; venues: Harness['replay'] }[];
  arm?: (h: Harness) => void;
  check: (runs: { code: number | null; out: Record<string, unknown> | null }[]) => {
    observed: string;
    holds: boolean;
  };
}): Scenario {
  return {
    ...spec,
    run: async (h) => {
      const table = await h.newTable();
      h.replay.clearFaults();
      const runs: { code: number | null; out: Record<string, unknown> | null }[] = [];
      for (const [i, t] of spec.ticks(h).entries()) {
        if (i === spec.ticks(h).length - 1) spec.arm?.(h);
        const r = await h.run({ table, asOf: t.asOf, venues: t.venues });
        runs.push({
          code: r.code,
          out: r.code === 0 ? (JSON.parse(r.stdout) as Record<string, unknown>) : null,
        });
      }
      h.replay.clearFaults();
      return { ...spec.check(runs), lost: 0, duplicated: 0, duplicatesNamed: false };
    },
  };
}

/** An input scenario: one CLI call that must end with `exit` and a stderr line matching `line`. */
function input(spec: {
  id: string;
  finding?: number;
  fault: string;
  how: string;
  expected: string;
  fast: boolean;
  call: (h: Harness) => Promise<{ code: number | null; stderr: string; signal: NodeJS.Signals | null }>;
  exit: number;
  line: RegExp;
}): Scenario {
  return {
    ...spec,
    run: async (h) => {
      const r = await spec.call(h);
      const lines = r.stderr.trim().split('\n');
      const holds = r.code === spec.exit && lines.length === 1 && spec.line.test(lines[0] ?? '');
      return {
        observed: `${outcome(r)}: ${lines.slice(0, 2).join(' / ').replaceAll(h.cwd, '.').slice(0, 160)}`,
        lost: 0,
        duplicated: 0,
        duplicatesNamed: false,
        holds,
      };
    },
  };
}

/** A fund config as free JSON, so a row can break any field. */
// biome-ignore lint/suspicious/noExplicitAny: the rows write arbitrary (and wrong) values anywhere
type Editable = Record<string, any>;

type Flags = { code: string; marketId?: string }[];
const flagsOf = (out: Record<string, unknown> | null): Flags => (out?.flags as Flags | undefined) ?? [];

/** Every row. */
export const SCENARIOS: readonly Scenario[] = [
  messages({
    id: 'control',
    fault: 'none (control)',
    how: 'tick, retry of the tick, next tick',
    expected: 'the coverage alert once',
    fast: true,
    arm: () => {},
  }),
  messages({
    id: 'alert-state-500',
    finding: 2,
    fault: 'DynamoDB 500 on the alert state',
    how: 'proxy: every PutItem of ALERT#STATE fails in the first run',
    expected: 'run stored, exit 1; the retry resumes the decision and sends the alert once',
    fast: true,
    arm: (h) => h.proxy.setRules([{ op: 'PutItem', bodyContains: 'ALERT#STATE', action: 'fail500' }]),
    firstExit: 'exit 1',
  }),
  messages({
    id: 'kill-alert-state',
    finding: 2,
    fault: 'process killed at the alert decision',
    how: 'kill -9 when the first run writes ALERT#STATE',
    expected: 'the retry resumes the decision; the alert once',
    fast: true,
    arm: (h) => h.proxy.setRules([{ op: 'PutItem', bodyContains: 'ALERT#STATE', action: 'kill', times: 1 }]),
    firstExit: 'SIGKILL',
  }),
  messages({
    id: 'kill-enqueue',
    finding: 2,
    fault: 'process killed between the decision and the outbox',
    how: 'kill -9 when the first run writes its OUTBOX# item (the decision is in the state)',
    expected: 'the retry writes the pending items and sends the alert once',
    fast: false,
    arm: (h) => h.proxy.setRules([{ op: 'PutItem', bodyContains: 'OUTBOX#', action: 'kill', times: 1 }]),
    firstExit: 'SIGKILL',
  }),
  messages({
    id: 'kill-after-claim',
    fault: 'process killed holding an outbox claim',
    how: 'kill -9 when the first run claims its OUTBOX# item (UpdateItem leaseOwner); the retry waits out the 2-minute lease',
    expected: 'delivered once after the lease expires',
    fast: false,
    leaseWait: true,
    arm: (h) =>
      h.proxy.setRules([
        { op: 'UpdateItem', bodyContains: 'leaseOwner = :owner, leaseUntil', action: 'kill', times: 1 },
      ]),
    firstExit: 'SIGKILL',
  }),
  messages({
    id: 'sns-answer-lost',
    fault: 'SNS accepts a message but its answer is lost',
    how: 'fake SNS records the first Publish and drops the connection (the SDK retries)',
    expected: 'the alert published twice with the same messageId (at-least-once, named in docs/ALERTS.md)',
    fast: true,
    duplicatesNamed: true,
    arm: (h) => h.sns.setRules([{ action: 'acceptThenDrop', times: 1 }]),
  }),
  messages({
    id: 'kill-after-publish',
    fault: 'process killed after SNS accepted, before the acknowledgement',
    how: 'fake SNS records the Publish, then kill -9; the retry waits out the lease',
    expected: 'published again with the same messageId (at-least-once, named)',
    fast: false,
    leaseWait: true,
    duplicatesNamed: true,
    arm: (h) => h.sns.setRules([{ action: 'kill', times: 1 }]),
    firstExit: 'SIGKILL',
  }),
  messages({
    id: 'sns-outage',
    fault: 'SNS down',
    how: 'fake SNS answers 500 to every Publish of the first run',
    expected: 'exit 1, the item stays in the outbox; the retry sends it once',
    fast: true,
    arm: (h) => h.sns.setRules([{ action: 'fail500' }]),
    firstExit: 'exit 1',
  }),
  messages({
    id: 'snapshot-500',
    fault: 'DynamoDB 500 on the snapshot put',
    how: 'proxy: every PutItem of SNAP# fails in the first run',
    expected: 'exit 1, nothing stored; the retry stores and alerts once',
    fast: false,
    arm: (h) => h.proxy.setRules([{ op: 'PutItem', bodyContains: 'SNAP#', action: 'fail500' }]),
    firstExit: 'exit 1',
  }),
  messages({
    id: 'kill-persist',
    fault: 'process killed at persist',
    how: 'kill -9 when the first run writes its SNAP# item',
    expected: 'nothing stored; the retry stores and alerts once',
    fast: false,
    arm: (h) => h.proxy.setRules([{ op: 'PutItem', bodyContains: 'SNAP#', action: 'kill', times: 1 }]),
    firstExit: 'SIGKILL',
  }),
  messages({
    id: 'trail-500',
    fault: 'DynamoDB 500 on the step-record update',
    how: 'proxy: every UpdateItem of completedSteps fails in the first run',
    expected: 'exit 0 (the trail is best effort); the alert once',
    fast: false,
    arm: (h) => h.proxy.setRules([{ op: 'UpdateItem', bodyContains: 'completedSteps', action: 'fail500' }]),
    firstExit: 'exit 0',
  }),
  messages({
    id: 'slow-table',
    fault: 'DynamoDB slow',
    how: 'proxy: every Query of the first run waits 2 s',
    expected: 'the run completes; the alert once',
    fast: false,
    arm: (h) => h.proxy.setRules([{ op: 'Query', action: { delayMs: 2000 } }]),
    firstExit: 'exit 0',
  }),
  messages({
    id: 'two-deliveries',
    finding: 5,
    fault: 'the same tick run twice at once',
    how: 'two CLI processes on the same tick, same table, same SNS',
    expected: 'one run stored, the alert once (the state lock and the outbox claim)',
    fast: true,
    concurrent: true,
    arm: () => {},
  }),
  data({
    id: 'oi-12pct-first-run',
    finding: 1,
    fault: 'BTCUSDT open interest at 12% of the truth, first run',
    how: 'replay server with the recorded OI × 0.12',
    expected: 'OI_IMPLAUSIBLE on BTC-PERP-BINANCE, DEGRADED, a DATA alert decided',
    fast: true,
    ticks: (h) => [{ asOf: T0, venues: h.lowOi }],
    check: ([r]) => {
      const out = r?.out ?? null;
      const flagged = flagsOf(out).some(
        (f) => f.code === 'OI_IMPLAUSIBLE' && f.marketId === 'BTC-PERP-BINANCE',
      );
      const kinds = ((out?.notifications as { decided?: { kind: string }[] } | undefined)?.decided ?? []).map(
        (n) => n.kind,
      );
      return {
        observed: `exit ${r?.code}; status ${String(out?.status)}; OI_IMPLAUSIBLE ${flagged}; decided ${kinds.join(', ')}`,
        holds: out?.status === 'DEGRADED' && flagged && kinds.includes('DATA'),
      };
    },
  }),
  data({
    id: 'oi-12pct-after-good',
    finding: 1,
    fault: 'BTCUSDT open interest at 12% after a good run',
    how: 'a good run, then the replay server with OI × 0.12',
    expected: 'the last OI held (OI_DROP_HELD), DEGRADED, the reserve not lowered',
    fast: false,
    ticks: (h) => [
      { asOf: T0, venues: h.replay },
      { asOf: T1, venues: h.lowOi },
    ],
    check: ([good, held]) => {
      const before = Number(good?.out?.requiredReserveUsd);
      const after = Number(held?.out?.requiredReserveUsd);
      const codes = flagsOf(held?.out ?? null)
        .filter((f) => f.marketId === 'BTC-PERP-BINANCE')
        .map((f) => f.code);
      return {
        observed: `status ${String(held?.out?.status)}; flags ${codes.join(', ')}; reserve ${before.toExponential(4)} -> ${after.toExponential(4)}`,
        holds: held?.out?.status === 'DEGRADED' && codes.includes('OI_DROP_HELD') && after >= before * 0.999,
      };
    },
  }),
  data({
    id: 'venue-down-after-good',
    fault: 'a venue down after a good run',
    how: 'replay server answers 503 to every Bybit ticker and kline',
    expected: 'its markets stale-filled from the last run (STALE_FILLED), exit 0',
    fast: false,
    ticks: (h) => [
      { asOf: T0, venues: h.replay },
      { asOf: T1, venues: h.replay },
    ],
    arm: (h) => {
      for (const path of ['/bybit/v5/market/tickers', '/bybit/v5/market/kline'])
        h.replay.setFault({ path }, { status: 503 });
    },
    check: ([, down]) => {
      const stale = flagsOf(down?.out ?? null)
        .filter((f) => f.code === 'STALE_FILLED')
        .map((f) => f.marketId);
      return {
        observed: `exit ${down?.code}; STALE_FILLED ${stale.join(', ')}`,
        holds: down?.code === 0 && stale.length === 3,
      };
    },
  }),
  input({
    id: 'future-as-of',
    finding: 3,
    fault: '--as-of far in the future',
    how: 'backstop run --as-of 9999-12-31T00:00:00Z',
    expected: 'exit 2, one line naming --as-of; nothing stored',
    fast: true,
    call: (h) => h.cli(['run', '--as-of', '9999-12-31T00:00:00Z']),
    exit: 2,
    line: /^error: --as-of: "9999-12-31T00:00:00\.000Z" is in the future/,
  }),
  input({
    id: 'store-current-missing',
    finding: 4,
    fault: "embedded store without LevelDB's CURRENT",
    how: 'a run on the embedded store, then CURRENT deleted, then another run',
    expected: 'exit 1, one line; never an empty store',
    fast: true,
    call: async (h) => {
      await h.cli(['run', '--as-of', T0]);
      rmSync(join(h.cwd, '.backstop/dynamo/CURRENT'));
      const r = await h.cli(['run', '--as-of', T1]);
      rmSync(join(h.cwd, '.backstop'), { recursive: true, force: true });
      return r;
    },
    exit: 1,
    line: /^error: embedded store .* is damaged: LevelDB's CURRENT file is missing/,
  }),
  input({
    id: 'store-lock-reused-pid',
    finding: 4,
    fault: 'embedded store lock naming an unrelated live pid',
    how: 'backstop.pid records pid 1 with another start time',
    expected: 'the lock is taken over; exit 0',
    fast: false,
    call: async (h) => {
      await h.cli(['history', '--json']);
      writeFileSync(
        join(h.cwd, '.backstop/dynamo/backstop.pid'),
        JSON.stringify({ pid: 1, host: hostname(), startTicks: -1, since: T0 }),
      );
      const r = await h.cli(['history', '--json']);
      rmSync(join(h.cwd, '.backstop'), { recursive: true, force: true });
      return { ...r, stderr: r.code === 0 ? 'ok' : r.stderr };
    },
    exit: 0,
    line: /^ok$/,
  }),
  ...(
    [
      [
        'shares-half',
        'leverage shares summing to 0.5',
        (c: Editable) =>
          (c.model.defaultLeverageProfile = [
            { margin: 0.02, share: 0.25 },
            { margin: 0.1, share: 0.25 },
          ]),
        /model\.defaultLeverageProfile: shares must sum to 1/,
      ],
      [
        'horizon-1e308',
        'horizonHours 1e308',
        (c: Editable) => (c.model.horizonHours = 1e308),
        /model\.horizonHours/,
      ],
      [
        'duplicate-symbol',
        'one venue symbol under two market ids',
        (c: Editable) => c.markets.push({ ...c.markets[0], id: 'BTC-PERP-BINANCE-2' }),
        /markets\[10\]\.symbol: binance BTCUSDT is already market BTC-PERP-BINANCE/,
      ],
      ['vol-floor-0', 'volFloor 0', (c: Editable) => (c.model.volFloor = 0), /model\.volFloor/],
      [
        'file-base-url',
        'a file:// base URL',
        (c: Editable) => (c.data = { baseUrls: { binance: 'file:///etc/passwd' } }),
        /data\.baseUrls\.binance/,
      ],
      [
        'keyed-rpc-url',
        'an EVM rpcUrl with an API key',
        (c: Editable) =>
          (c.balance = {
            type: 'evm',
            rpcUrl: 'https://eth-mainnet.g.alchemy.com/v2/abcdefghijklmnopqrstuvwxyz012345',
            address: '0x1111111111111111111111111111111111111111',
            price: { fixedUsd: 1 },
          }),
        /balance\.rpcUrl: looks like it carries an API key/,
      ],
    ] as const
  ).map(([id, fault, edit, line]) =>
    input({
      id,
      finding: 7,
      fault: `fund config: ${fault}`,
      how: 'backstop run --fund <edited demo config>',
      expected: 'exit 2 before any fetch, one line naming the field',
      fast: true,
      call: (h) => h.cli(['run', '--fund', h.writeFund(id, edit as (c: Record<string, unknown>) => void)]),
      exit: 2,
      line: new RegExp(`^error: fund config .*${line.source}`),
    }),
  ),
  {
    id: 'iam-from-code',
    finding: 6,
    fault: 'an AWS call the role does not grant (UpdateItem)',
    how: 'test/infra/iam-from-code.test.ts: the handler path recorded against dynalite, S3, SNS and SSM, compared with the synthesized role',
    expected: 'every call granted on its resource, nothing else granted',
    fast: false,
    run: async () => {
      const r = spawnSync(
        process.execPath,
        [join(REPO_ROOT, 'node_modules/vitest/vitest.mjs'), 'run', 'test/infra/iam-from-code.test.ts'],
        {
          cwd: REPO_ROOT,
          encoding: 'utf8',
        },
      );
      const line = /Tests\s+(.*)/.exec(stripVTControlCharacters(r.stdout))?.[1] ?? 'no result';
      return {
        observed: `vitest: ${line.trim()}`,
        lost: 0,
        duplicated: 0,
        duplicatesNamed: false,
        holds: r.status === 0,
      };
    },
  },
];
