/**
 * A fake SSM endpoint on 127.0.0.1 for the SDK's JSON protocol (`AmazonSSM.GetParameter` only):
 * it serves the parameters it was given — SecureStrings, and Secrets Manager secrets under
 * `/aws/reference/secretsmanager/<name>` as SSM does — and records every name read. A real
 * SSMClient talks to it through its `endpoint` (or `AWS_ENDPOINT_URL_SSM` for a child process).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running fake SSM. */
export interface FakeSsm {
  readonly endpoint: string;
  /** Every GetParameter's `Name`, in order. */
  readonly reads: string[];
  /** Sets (or replaces) a parameter's value. */
  put(name: string, value: string): void;
  close(): Promise<void>;
}

/** Starts the fake with `parameters` (name → value). */
export async function startFakeSsm(parameters: Readonly<Record<string, string>> = {}): Promise<FakeSsm> {
  const values = new Map(Object.entries(parameters));
  const reads: string[] = [];
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { Name?: string };
    const target = String(req.headers['x-amz-target'] ?? '');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(body));
    };
    if (target !== 'AmazonSSM.GetParameter') {
      send(400, { __type: 'InvalidAction', message: `not faked: ${target}` });
      return;
    }
    const name = input.Name ?? '';
    reads.push(name);
    const value = values.get(name);
    if (value === undefined) {
      send(400, { __type: 'ParameterNotFound', message: `Parameter ${name} not found.` });
      return;
    }
    send(200, { Parameter: { Name: name, Type: 'SecureString', Value: value, Version: 1 } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    reads,
    put: (name, value) => {
      values.set(name, value);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
