/**
 * Where a fan-out keeps what its steps hand each other: the run's ingest (snapshot, observations,
 * flags) and each batch's partial. Step Functions passes only the keys: a 500-market snapshot is
 * megabytes, past the 256 KB a state may carry. In memory for the in-process map and the tests; S3
 * (a bucket of its own, objects expiring after a day) on AWS.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** Keyed bytes. */
export interface ScratchStore {
  put(key: string, body: Uint8Array): Promise<void>;
  /** @throws Error naming the key when there is no such object */
  get(key: string): Promise<Uint8Array>;
  /** Every key under `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
}

/** A {@link ScratchStore} in this process's memory. */
export function memoryScratch(): ScratchStore {
  const objects = new Map<string, Uint8Array>();
  return {
    put: async (key, body) => {
      objects.set(key, Uint8Array.from(body));
    },
    get: async (key) => {
      const body = objects.get(key);
      if (body === undefined) throw new Error(`scratch object ${key} not found`);
      return body;
    },
    list: async (prefix) => [...objects.keys()].filter((k) => k.startsWith(prefix)).sort(),
  };
}

/** A {@link ScratchStore} on an S3 bucket. */
export function s3Scratch(options: { bucket: string; client: S3Client }): ScratchStore {
  const { bucket, client } = options;
  return {
    put: async (key, body) => {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    get: async (key) => {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (out.Body === undefined) throw new Error(`scratch object ${key} has no body`);
      return out.Body.transformToByteArray();
    },
    list: async (prefix) => {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
        token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
      return keys.sort();
    },
  };
}
