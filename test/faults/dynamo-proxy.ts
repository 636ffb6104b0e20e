/**
 * A DynamoDB-API proxy on 127.0.0.1 in front of dynalite that fails, delays or "kills" chosen
 * operations: a rule matches the operation (`X-Amz-Target`) and, optionally, a text in the request
 * body (a key such as `ALERT#STATE`). `kill` hands the request to a callback (the harness sends
 * SIGKILL to the client process) and never answers it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What to do to matching requests. */
export interface ProxyRule {
  readonly op: string;
  /** A text the request body must contain (e.g. `"ALERT#STATE"`, `OUTBOX#`, `deliveredAt`). */
  readonly bodyContains?: string;
  readonly action: 'fail500' | 'kill' | { readonly delayMs: number };
  /** How many matching requests; every one when absent. */
  times?: number;
}

/** A running proxy. */
export interface DynamoProxy {
  readonly endpoint: string;
  setRules(rules: ProxyRule[]): void;
  /** Operations seen, in order (`PutItem ALERT#STATE`…), for the matrix's "how". */
  readonly seen: string[];
  onKill(callback: () => void): void;
  close(): Promise<void>;
}

/** Starts a proxy forwarding to `target` (a dynalite endpoint). */
export async function startDynamoProxy(target: string): Promise<DynamoProxy> {
  let rules: ProxyRule[] = [];
  let killer: () => void = () => {};
  const seen: string[] = [];
  const held: ServerResponse[] = [];
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const op = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    seen.push(op);
    const text = body.toString('utf8');
    const rule = rules.find(
      (r) =>
        r.op === op && (r.bodyContains === undefined || text.includes(r.bodyContains)) && (r.times ?? 1) > 0,
    );
    if (rule !== undefined) {
      if (rule.times !== undefined) rule.times -= 1;
      if (rule.action === 'kill') {
        held.push(res);
        killer();
        return;
      }
      if (rule.action === 'fail500') {
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(
          JSON.stringify({
            __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
            message: 'injected fault',
          }),
        );
        return;
      }
      await new Promise((resolve) =>
        setTimeout(resolve, rule.action === 'fail500' ? 0 : (rule.action as { delayMs: number }).delayMs),
      );
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
    try {
      const answer = await fetch(target, { method: 'POST', headers, body });
      res.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/x-amz-json-1.0',
      });
      res.end(Buffer.from(await answer.arrayBuffer()));
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    setRules: (next) => {
      rules = next.map((r) => ({ ...r }));
    },
    seen,
    onKill: (callback) => {
      killer = callback;
    },
    close: () =>
      new Promise((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
