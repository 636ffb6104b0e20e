/**
 * The venue replay server: one HTTP server on 127.0.0.1 (random port) serving recorded venue
 * responses from fixtures/venues/ by method, path and query, with per-route fault injection (delay,
 * status, Retry-After, truncated / malformed / schema-violating bodies) and a JSON-RPC endpoint for
 * EVM balances. The tests and the CLI's offline default use it, so the offline path runs exactly the
 * adapter code that talks to the live venues.
 *
 * File naming (documented in fixtures/venues/README.md): a GET to `/<venue>/<path>?<query>` is
 * served from `fixtures/venues/<venue>/<path>/<query>.json`, where `<query>` is the request's
 * parameters minus the volatile ones ({@link VOLATILE_PARAMS}), sorted by name, as `k=v` joined by
 * `&`, or `_` when none remain. A POST with a JSON object body (Hyperliquid's `/info`) is served the
 * same way with the body's fields, flattened to dotted keys (`req.coin=BTC`), as the parameters; a
 * POST without one, or any other method, gets 405. POST `/evm` answers JSON-RPC from
 * `fixtures/venues/evm/rpc.json`.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VENUE_API_SPECS, VENUE_APIS, type VenueApi } from '../venues/registry.ts';

/**
 * Time-window and page-size parameters. Adapters derive them from asOf, so ignoring them lets one
 * recorded file answer any asOf; the adapters themselves cut candles to completed days before asOf.
 */
export const VOLATILE_PARAMS: ReadonlySet<string> = new Set([
  'start_timestamp',
  'end_timestamp',
  'startTime',
  'endTime',
  'start',
  'end',
  'after',
  'before',
  'limit',
  'fromISO',
  'toISO',
]);

/**
 * The URL prefix of each venue API on the replay server (from the venue registry); the first segment
 * names the fixture folder.
 */
export const REPLAY_PREFIXES: Readonly<Record<VenueApi, string>> = Object.fromEntries(
  VENUE_APIS.map((api) => [api, VENUE_API_SPECS[api].replayPrefix]),
) as Record<VenueApi, string>;

/**
 * Which requests a fault applies to: method (any when absent), exact path, and a subset of the query
 * and of the flattened JSON body.
 */
export interface FaultRoute {
  readonly method?: string;
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: Readonly<Record<string, string>>;
}

/** What to do to matching requests. */
export interface Fault {
  /** Wait before answering (to exercise client timeouts). */
  readonly delayMs?: number;
  /** Answer with this status instead of the fixture. */
  readonly status?: number;
  readonly retryAfterSeconds?: number;
  /** Damage the body: cut in half, not JSON, or valid JSON of the wrong shape. */
  readonly body?: 'truncated' | 'malformed' | 'schema-violation';
  /** Answer with this body instead (with `status`, or 200): a misdirected service, an error page. */
  readonly text?: string;
  /** Apply to the next N matching requests only; every request when absent. */
  readonly times?: number;
}

/** One request as the server saw it. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** A JSON object body, flattened (see {@link flattenBody}); absent otherwise. */
  readonly body?: Readonly<Record<string, string>>;
}

/** A running replay server. */
export interface ReplayServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Base URL of every venue API on this server. */
  readonly baseUrls: Record<VenueApi, string>;
  /** The `BACKSTOP_*_URL` variables pointing at this server. */
  env(): Record<string, string>;
  setFault(route: FaultRoute, fault: Fault): void;
  clearFaults(): void;
  requests(): RecordedRequest[];
  close(): Promise<void>;
}

/** fixtures/venues/ of this repository. */
export const DEFAULT_FIXTURES_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../fixtures/venues',
);

/**
 * A JSON object body flattened to dotted keys, values as strings:
 * `{"type":"candleSnapshot","req":{"coin":"BTC"}}` → `{type: 'candleSnapshot', 'req.coin': 'BTC'}`.
 * Undefined when the body is not a JSON object.
 */
export function flattenBody(raw: string): Record<string, string> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const out: Record<string, string> = {};
  const walk = (v: unknown, key: string) => {
    if (typeof v === 'object' && v !== null) {
      for (const [k, child] of Object.entries(v)) walk(child, key === '' ? k : `${key}.${k}`);
    } else out[key] = String(v);
  };
  walk(value, '');
  return out;
}

/**
 * The fixture file name for a query: non-volatile params (judged by the last segment of a dotted
 * key) sorted, `k=v` joined by `&`, `_` if none.
 */
export function fixtureQueryName(query: Readonly<Record<string, string>>): string {
  const kept = Object.entries(query)
    .filter(([k]) => !VOLATILE_PARAMS.has(k.split('.').at(-1) ?? k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`);
  return kept.length === 0 ? '_' : kept.join('&');
}

interface ActiveFault {
  readonly route: FaultRoute;
  readonly fault: Fault;
  remaining: number;
}

function matches(route: FaultRoute, req: RecordedRequest): boolean {
  if (route.method !== undefined && route.method.toUpperCase() !== req.method) return false;
  if (route.path !== req.path) return false;
  if (!Object.entries(route.body ?? {}).every(([k, v]) => req.body?.[k] === v)) return false;
  return Object.entries(route.query ?? {}).every(([k, v]) => req.query[k] === v);
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Key of a JSON-RPC call in rpc.json: method and lower-cased params, space-separated. */
export function rpcKey(method: string, params: unknown[]): string {
  const parts = params.flatMap((p) =>
    typeof p === 'object' && p !== null
      ? Object.values(p as Record<string, unknown>).map(String)
      : [String(p)],
  );
  return [method, ...parts.filter((p) => p !== 'latest')].join(' ').toLowerCase();
}

/**
 * Starts the replay server on 127.0.0.1 with a random port.
 * @example
 * const replay = await startReplayServer();
 * const source = createVenueMarketSource({ baseUrls: replay.baseUrls });
 * // …
 * await replay.close();
 */
export async function startReplayServer(options: { fixturesDir?: string } = {}): Promise<ReplayServer> {
  const root = resolve(options.fixturesDir ?? DEFAULT_FIXTURES_DIR);
  let faults: ActiveFault[] = [];
  const log: RecordedRequest[] = [];

  async function fixtureBody(req: RecordedRequest, raw: string): Promise<{ status: number; body: string }> {
    if (req.method === 'POST' && req.path === '/evm') {
      const rpc = JSON.parse(await readFile(join(root, 'evm', 'rpc.json'), 'utf8')) as Record<string, string>;
      let call: { id?: unknown; method?: string; params?: unknown[] };
      try {
        call = JSON.parse(raw);
      } catch {
        return {
          status: 200,
          body: JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } }),
        };
      }
      const result = rpc[rpcKey(call.method ?? '', call.params ?? [])];
      const answer =
        result === undefined
          ? {
              jsonrpc: '2.0',
              id: call.id ?? null,
              error: { code: -32000, message: `no recorded answer for ${call.method}` },
            }
          : { jsonrpc: '2.0', id: call.id ?? null, result };
      return { status: 200, body: JSON.stringify(answer) };
    }
    const keyed = req.method === 'POST' && req.body !== undefined;
    if (req.method !== 'GET' && !keyed)
      return { status: 405, body: JSON.stringify({ error: `${req.method} not recorded` }) };
    const params = keyed ? { ...req.query, ...req.body } : req.query;
    const file = resolve(root, `.${req.path}`, `${fixtureQueryName(params)}.json`);
    if (!file.startsWith(root + sep)) return { status: 400, body: '{"error":"bad path"}' };
    try {
      return { status: 200, body: await readFile(file, 'utf8') };
    } catch {
      return { status: 404, body: JSON.stringify({ error: `no fixture ${file.slice(root.length + 1)}` }) };
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    const fields = url.pathname === '/evm' ? undefined : flattenBody(raw);
    const recorded: RecordedRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      ...(fields === undefined ? {} : { body: fields }),
    };
    log.push(recorded);
    const active = faults.find((f) => f.remaining > 0 && matches(f.route, recorded));
    if (active !== undefined) active.remaining -= 1;
    const fault = active?.fault;
    if (fault?.delayMs !== undefined) {
      await new Promise((r) => setTimeout(r, fault.delayMs));
      if (res.destroyed) return;
    }
    if (fault?.status !== undefined) {
      const headers: Record<string, string> =
        fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
      send(res, fault.status, fault.text ?? JSON.stringify({ error: `injected ${fault.status}` }), headers);
      return;
    }
    if (fault?.text !== undefined) {
      send(res, 200, fault.text);
      return;
    }
    const { status, body } = await fixtureBody(recorded, raw);
    if (fault?.body === 'truncated') send(res, status, body.slice(0, Math.floor(body.length / 2)));
    else if (fault?.body === 'malformed') send(res, status, '<html><body>502 Bad Gateway</body></html>');
    else if (fault?.body === 'schema-violation')
      send(res, status, JSON.stringify({ unexpected: 'shape', data: null }));
    else send(res, status, body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, JSON.stringify({ error: String(error) }));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const baseUrls = Object.fromEntries(
    Object.entries(REPLAY_PREFIXES).map(([api, prefix]) => [api, `${url}${prefix}`]),
  ) as Record<VenueApi, string>;
  return {
    url,
    baseUrls,
    env: () => Object.fromEntries(VENUE_APIS.map((api) => [VENUE_API_SPECS[api].envVar, baseUrls[api]])),
    setFault: (route, fault) => {
      faults.push({ route, fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
    },
    clearFaults: () => {
      faults = [];
    },
    requests: () => [...log],
    close: () =>
      new Promise<void>((ok, fail) => {
        server.close((error) => (error === undefined ? ok() : fail(error)));
        server.closeAllConnections();
      }),
  };
}
