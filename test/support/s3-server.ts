/**
 * A minimal S3 for tests: a real HTTP server on 127.0.0.1 that answers path-style GetObject from
 * an in-memory map, with S3's own 404 body for a missing key, stores PutObject bodies with their
 * content type and cache control, and records every request. The real
 * S3Client talks to it, so the SDK's request signing, path building and error parsing all run.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';

/** An object as the test S3 holds it. */
export interface StoredObject {
  readonly body: string;
  /** The body's exact bytes (a Parquet file is not text). */
  readonly bytes: Buffer;
  readonly contentType: string | undefined;
  readonly cacheControl: string | undefined;
}

/** A running test S3. */
export interface TestS3 {
  readonly endpoint: string;
  /** An S3Client (path style, dummy credentials) pointed at this server. */
  readonly client: S3Client;
  /** Puts (or replaces) an object. */
  put(bucket: string, key: string, body: string): void;
  /** An object as stored (by {@link put} or a PutObject request), or undefined. */
  object(bucket: string, key: string): StoredObject | undefined;
  /** The paths of the requests received so far, e.g. `GET /configs/funds/demo-perps.json`. */
  readonly requests: string[];
  close(): Promise<void>;
}

function notFound(res: ServerResponse, key: string): void {
  res.writeHead(404, { 'content-type': 'application/xml' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>${key}</Key></Error>`,
  );
}

/** Starts the server on an ephemeral port. */
export async function startTestS3(): Promise<TestS3> {
  const objects = new Map<string, StoredObject>();
  const requests: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname);
    requests.push(`${req.method} ${path}`);
    if (req.method === 'PUT') {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const bytes = Buffer.concat(chunks);
        objects.set(path, {
          body: bytes.toString('utf8'),
          bytes,
          contentType: req.headers['content-type'],
          cacheControl: req.headers['cache-control'],
        });
        res.writeHead(200, { etag: '"test"' }).end();
      });
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    const body = objects.get(path)?.body;
    if (body === undefined) {
      notFound(res, path.split('/').slice(2).join('/'));
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      etag: '"test"',
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return {
    endpoint,
    client,
    requests,
    put: (bucket, key, body) =>
      objects.set(`/${bucket}/${key}`, {
        body,
        bytes: Buffer.from(body, 'utf8'),
        contentType: undefined,
        cacheControl: undefined,
      }),
    object: (bucket, key) => objects.get(`/${bucket}/${key}`),
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
