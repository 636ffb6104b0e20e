/**
 * Fund configs travel to the Lambda function in one environment variable, `BACKSTOP_FUNDS`:
 * gzip-compressed JSON, base64-encoded, because Lambda allows 4 KB of environment in total. The CDK
 * app encodes (and fails synth when the result is too large); the handler decodes and validates
 * once at cold start with the same schema as the CLI.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { parseOrThrow } from '../model/validation.ts';
import { type FundConfig, type FundConfigInput, FundConfigSchema } from './fund-config.ts';

/** Name of the environment variable that carries the fund configs. */
export const FUNDS_ENV_VAR = 'BACKSTOP_FUNDS';
/** Lambda's limit on all environment variables together, in bytes. */
export const LAMBDA_ENV_LIMIT_BYTES = 4096;

/** Encodes fund configs (as written, before defaults) for `BACKSTOP_FUNDS`. */
export function encodeFundsForEnv(configs: readonly FundConfigInput[]): string {
  return gzipSync(Buffer.from(JSON.stringify(configs), 'utf8'), { level: 9 }).toString('base64');
}

/**
 * Decodes and validates `BACKSTOP_FUNDS`.
 * @throws InvalidInputError naming the fund index and field when a config is invalid
 */
export function decodeFundsFromEnv(value: string | undefined): FundConfig[] {
  if (value === undefined || value === '') {
    throw new Error(`${FUNDS_ENV_VAR} is not set: the function has no fund configs`);
  }
  let json: unknown;
  try {
    json = JSON.parse(gunzipSync(Buffer.from(value, 'base64')).toString('utf8'));
  } catch (error) {
    throw new Error(`${FUNDS_ENV_VAR} is not base64 gzip JSON`, { cause: error });
  }
  return parseOrThrow(z.array(FundConfigSchema).min(1), json, FUNDS_ENV_VAR);
}
