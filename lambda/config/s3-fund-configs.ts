/**
 * Fund configs read from S3 through a Powertools Parameters provider: the provider caches each
 * fund's parsed JSON for {@link FUND_CONFIG_MAX_AGE_SECONDS}, so a warm function fetches a config
 * once per cache period, not once per run. Every read is validated with the schema the CLI uses.
 * A deploy that changes a config also changes the function's environment (its content hash), which
 * retires warm functions, so the cache never serves a config older than the last deploy.
 */

import { BaseProvider } from '@aws-lambda-powertools/parameters/base';
import { TransformParameterError } from '@aws-lambda-powertools/parameters/errors';
import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { InvalidInputError } from '../model/validation.ts';
import type { FundConfig } from './fund-config.ts';
import { parseFundConfig } from './fund-config-document.ts';
import { type FundConfigSource, fundConfigKey } from './fund-config-objects.ts';

/** How long a fetched config is reused by a warm function. */
export const FUND_CONFIG_MAX_AGE_SECONDS = 300;

/** A Powertools provider whose parameters are the objects of one S3 bucket, named by key. */
export class S3ObjectProvider extends BaseProvider {
  readonly bucket: string;

  constructor(bucket: string, client: S3Client) {
    super({ awsSdkV3Client: client });
    this.bucket = bucket;
  }

  /** The object's body as text; `undefined` when there is no such key. */
  protected async _get(key: string): Promise<string | undefined> {
    try {
      const out = await (this.client as S3Client).send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key }),
      );
      return await out.Body?.transformToString('utf8');
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }

  /** Listing a prefix is not something the function needs. */
  protected async _getMultiple(): Promise<Record<string, unknown>> {
    throw new Error('S3ObjectProvider reads single objects only');
  }
}

/** Options of {@link s3FundConfigs}. */
export interface S3FundConfigsOptions {
  readonly bucket: string;
  readonly client: S3Client;
  /** @default {@link FUND_CONFIG_MAX_AGE_SECONDS} */
  readonly maxAgeSeconds?: number;
}

/** The deployed stage's fund configs, `s3://<bucket>/funds/<fundId>.json`. */
export function s3FundConfigs(options: S3FundConfigsOptions): FundConfigSource {
  const provider = new S3ObjectProvider(options.bucket, options.client);
  const maxAge = options.maxAgeSeconds ?? FUND_CONFIG_MAX_AGE_SECONDS;
  return {
    async get(fundId: string): Promise<FundConfig> {
      const key = fundConfigKey(fundId);
      const where = `s3://${options.bucket}/${key}`;
      let json: unknown;
      try {
        json = await provider.get(key, { maxAge, transform: 'json' });
      } catch (error) {
        if (error instanceof TransformParameterError) {
          throw new InvalidInputError(`fund config ${where}: not valid JSON`, 'file', { cause: error });
        }
        throw error;
      }
      if (json === undefined) {
        throw new InvalidInputError(
          `fundId: no fund config is deployed for this fund (no ${where}), got ${JSON.stringify(fundId)}`,
          'fundId',
        );
      }
      const config = parseFundConfig(json, `fund config ${where}`);
      if (config.fundId !== fundId) {
        throw new InvalidInputError(
          `fund config ${where}: fundId: must be ${JSON.stringify(fundId)} (the object's name), got ${JSON.stringify(config.fundId)}`,
          'fundId',
        );
      }
      return config;
    },
  };
}
