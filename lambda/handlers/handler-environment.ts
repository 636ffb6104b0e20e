/**
 * The recalibrate function's environment, read and validated ONCE at cold start: the bucket that
 * holds the fund configs (one object per fund, so any number of funds fit), table and topic names,
 * and optional venue base-URL overrides. A missing or malformed variable fails the cold start with
 * one line naming it, rather than every invocation failing somewhere deep inside.
 */
import { z } from 'zod';
import { urlProblem } from '../ingest/http/safe-url.ts';
import { VENUE_API_SPECS, VENUE_APIS } from '../ingest/venues/registry.ts';
import { parseOrThrow } from '../model/validation.ts';
import {
  CHANNEL_URL_ENV_VARS,
  type ChannelEndpoints,
  channelEndpointsFromEnv,
} from '../notify/configured-channels.ts';

/** The bucket of the fund config objects (`funds/<fundId>.json`). */
export const FUND_CONFIG_BUCKET_ENV_VAR = 'BACKSTOP_FUND_CONFIG_BUCKET';
/**
 * A hash of every deployed fund config: a deploy that changes a config changes the environment, so
 * Lambda retires the warm functions and no cached config outlives the deploy. Logged with each run.
 */
export const FUND_CONFIG_VERSION_ENV_VAR = 'BACKSTOP_FUND_CONFIG_VERSION';
/**
 * The bucket of the public transparency sites (`<fundId>/index.html`, `<fundId>/feed.json`); without
 * it the function publishes none (docs/MANAGEMENT.md §5).
 */
export const SITE_BUCKET_ENV_VAR = 'BACKSTOP_SITE_BUCKET';
/**
 * The bucket each run's rows go to as Parquet (`runs/…`, `markets/…`, docs/EXPORT.md); without it
 * the function exports none.
 */
export const HISTORY_BUCKET_ENV_VAR = 'BACKSTOP_HISTORY_BUCKET';
/** The stage (`staging`, `prod`): the `stage` dimension of every metric the function emits. */
export const STAGE_ENV_VAR = 'BACKSTOP_STAGE';

/**
 * Venue base-URL overrides the market source reads (testnets, proxies, the replay server), one per
 * venue API of the registry. Listed here because zod drops unknown keys: a variable missing from
 * this schema would be silently ignored by the deployed function.
 */
export const VENUE_URL_ENV_VARS: readonly string[] = VENUE_APIS.map((api) => VENUE_API_SPECS[api].envVar);

/**
 * A venue URL override: https (http to loopback), no credentials. Whether a private host is admitted
 * is a fund's choice (`data.allowPrivateNetwork`), checked when the fund's run resolves its URLs.
 */
const VenueUrl = z
  .string()
  .superRefine((url, ctx) => {
    const problem = urlProblem(url, { allowPrivateNetwork: true });
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  })
  .optional();

const venueUrls: Record<string, typeof VenueUrl> = Object.fromEntries(
  VENUE_URL_ENV_VARS.map((name) => [name, VenueUrl]),
);

/** The variables the function needs; anything else in the environment is ignored. */
export const HandlerEnvSchema = z.object({
  [FUND_CONFIG_BUCKET_ENV_VAR]: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
  [FUND_CONFIG_VERSION_ENV_VAR]: z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 hex digits'),
  [SITE_BUCKET_ENV_VAR]: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')
    .optional(),
  [HISTORY_BUCKET_ENV_VAR]: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')
    .optional(),
  [STAGE_ENV_VAR]: z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, 'must be a stage name'),
  BACKSTOP_TABLE_NAME: z.string().min(3).max(255),
  BACKSTOP_TOPIC_ARN: z
    .string()
    .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/, 'must be an SNS topic ARN'),
  BACKSTOP_IDEMPOTENCY_TABLE_NAME: z.string().min(3).max(255),
  ...venueUrls,
  // Alert channel endpoint overrides (a proxy; the tests' local server), checked like the venue URLs.
  [CHANNEL_URL_ENV_VARS.pagerdutyUrl]: VenueUrl,
  [CHANNEL_URL_ENV_VARS.telegramApiUrl]: VenueUrl,
});

/** The validated environment. */
export interface HandlerEnvironment {
  /** Where the fund configs are: `s3://<fundConfigBucket>/funds/<fundId>.json`. */
  readonly fundConfigBucket: string;
  /** The deployed configs' content hash. */
  readonly fundConfigVersion: string;
  /** Where the transparency sites go; absent: none is published. */
  readonly siteBucket?: string;
  /** Where each run's Parquet rows go; absent: none are exported. */
  readonly historyBucket?: string;
  /** The stage this function belongs to. */
  readonly stage: string;
  readonly tableName: string;
  readonly topicArn: string;
  readonly idempotencyTableName: string;
  /** The venue URL overrides that were set, for `createVenueMarketSource({ env })`. */
  readonly venueEnv: Readonly<Record<string, string>>;
  /** The alert channels' endpoint overrides that were set. */
  readonly channelEndpoints: ChannelEndpoints;
}

/**
 * Validates the environment.
 *
 * @throws InvalidInputError naming the variable
 */
export function readHandlerEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): HandlerEnvironment {
  const parsed = parseOrThrow(HandlerEnvSchema, env, 'environment');
  const venueEnv: Record<string, string> = {};
  for (const name of VENUE_URL_ENV_VARS) {
    const value = (parsed as Record<string, unknown>)[name];
    if (typeof value === 'string') venueEnv[name] = value;
  }
  return {
    fundConfigBucket: parsed[FUND_CONFIG_BUCKET_ENV_VAR],
    fundConfigVersion: parsed[FUND_CONFIG_VERSION_ENV_VAR],
    ...(parsed[SITE_BUCKET_ENV_VAR] === undefined ? {} : { siteBucket: parsed[SITE_BUCKET_ENV_VAR] }),
    ...(parsed[HISTORY_BUCKET_ENV_VAR] === undefined
      ? {}
      : { historyBucket: parsed[HISTORY_BUCKET_ENV_VAR] }),
    stage: parsed[STAGE_ENV_VAR],
    tableName: parsed.BACKSTOP_TABLE_NAME,
    topicArn: parsed.BACKSTOP_TOPIC_ARN,
    idempotencyTableName: parsed.BACKSTOP_IDEMPOTENCY_TABLE_NAME,
    venueEnv,
    channelEndpoints: channelEndpointsFromEnv(parsed as Record<string, string | undefined>),
  };
}
