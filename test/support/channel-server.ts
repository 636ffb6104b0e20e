/**
 * A recording HTTP server on 127.0.0.1 standing in for PagerDuty, Telegram and webhook receivers:
 * it records every request (path, headers, the exact body bytes and the parsed JSON) and answers
 * from a script per path prefix — so the tests assert exact payloads, retries and failures over
 * real HTTP without touching the internet.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as received. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  /** The body exactly as sent. */
  readonly raw: string;
  readonly body: unknown;
}

/** An answer: a status, a body and headers; `hang` never answers (the client gives up or dies). */
export interface ScriptedAnswer {
  readonly status: number;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly hang?: boolean;
}

/** A running channel server. */
export interface ChannelServer {
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  readonly requests: RecordedRequest[];
  /** The requests whose path starts with `prefix`. */
  to(prefix: string): RecordedRequest[];
  /** Answers the next requests under `prefix` with `answers`, in order, then with the default. */
  script(prefix: string, ...answers: ScriptedAnswer[]): void;
  /** Answers every request under `prefix` with `answer` until changed. */
  always(prefix: string, answer: ScriptedAnswer): void;
  /** Called with each request before it is answered (a test kills its client there). */
  onRequest(callback: (request: RecordedRequest) => void): void;
  reset(): void;
  close(): Promise<void>;
}

/** The answer when nothing is scripted: what PagerDuty and Telegram answer on success. */
const DEFAULT_ANSWER: ScriptedAnswer = { status: 200, body: '{"ok":true}' };

/** Starts the server. */
export async function startChannelServer(): Promise<ChannelServer> {
  const requests: RecordedRequest[] = [];
  let scripted: { prefix: string; answer: ScriptedAnswer }[] = [];
  let standing: { prefix: string; answer: ScriptedAnswer }[] = [];
  let hook: (request: RecordedRequest) => void = () => {};
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = raw;
    try {
      body = JSON.parse(raw);
    } catch {
      // not JSON: recorded as text
    }
    const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, body };
    requests.push(request);
    hook(request);
    const i = scripted.findIndex((s) => request.path.startsWith(s.prefix));
    const answer =
      i === -1
        ? (standing.find((s) => request.path.startsWith(s.prefix))?.answer ?? DEFAULT_ANSWER)
        : (scripted.splice(i, 1)[0]?.answer ?? DEFAULT_ANSWER);
    if (answer.hang === true) return;
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(answer.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    to: (prefix) => requests.filter((r) => r.path.startsWith(prefix)),
    script: (prefix, ...answers) => {
      scripted.push(...answers.map((answer) => ({ prefix, answer })));
    },
    always: (prefix, answer) => {
      standing = [{ prefix, answer }, ...standing.filter((s) => s.prefix !== prefix)];
    },
    onRequest: (callback) => {
      hook = callback;
    },
    reset: () => {
      requests.length = 0;
      scripted = [];
      standing = [];
      hook = () => {};
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
