/**
 * A fund's transparency site in S3, under the key prefix `<fundId>/`: the deployed function writes
 * `index.html` and `feed.json` there after every run, CloudFront serves them. Objects carry a short
 * `Cache-Control` so no cache holds a page longer than {@link SITE_MAX_AGE_SECONDS}, less than the
 * shortest schedule interval (one minute): a visitor sees at most one run old.
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SiteFile, SiteStore } from '../present/transparency/site.ts';

/** How long browsers and CloudFront may keep a page, seconds. */
export const SITE_MAX_AGE_SECONDS = 60;

/** Options of {@link S3SiteStore}. */
export interface S3SiteStoreOptions {
  readonly bucket: string;
  /** The fund's folder in the bucket: `<fundId>/`. */
  readonly prefix: string;
  readonly client: S3Client;
}

/** The site of one fund in an S3 bucket. */
export class S3SiteStore implements SiteStore {
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #client: S3Client;

  constructor(options: S3SiteStoreOptions) {
    if (!/^[a-z0-9][a-z0-9-]{0,62}\/$/.test(options.prefix)) {
      throw new RangeError(`prefix must be a fund id followed by "/", got ${JSON.stringify(options.prefix)}`);
    }
    this.#bucket = options.bucket;
    this.#prefix = options.prefix;
    this.#client = options.client;
  }

  /** The object's text, or null when there is no such key. */
  async read(path: string): Promise<string | null> {
    try {
      const out = await this.#client.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + path }),
      );
      return (await out.Body?.transformToString('utf-8')) ?? null;
    } catch (error) {
      if (error instanceof NoSuchKey) return null;
      throw error;
    }
  }

  /** Puts each file with its content type and the short cache lifetime. */
  async write(files: readonly SiteFile[]): Promise<void> {
    for (const file of files) {
      await this.#client.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: this.#prefix + file.path,
          Body: file.body,
          ContentType: file.contentType,
          CacheControl: `public, max-age=${SITE_MAX_AGE_SECONDS}`,
        }),
      );
    }
  }
}
