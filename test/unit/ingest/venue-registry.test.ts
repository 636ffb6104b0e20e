/**
 * The venue registry is the one list of venues: every list derived from it (config enums, base URLs,
 * the Lambda environment schema, the replay server's routes and fixture folders, the docs) must be in
 * step with it, so a venue added to the registry is accepted everywhere and one missing anywhere
 * fails here instead of being dropped silently (zod strips unknown keys).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FundDataSchema,
  OptionsVenueSchema,
  PoolVenueSchema,
  VenueApiSchema,
  VenueSchema,
} from '../../../lambda/config/fund-config.ts';
import { HandlerEnvSchema, readHandlerEnvironment } from '../../../lambda/handlers/handler-environment.ts';
import {
  BASE_URL_ENV,
  LIVE_BASE_URLS,
  resolveBaseUrls,
  VENUE_CONCURRENCY,
} from '../../../lambda/ingest/base-urls.ts';
import { VenueHttpClient } from '../../../lambda/ingest/http/venue-http-client.ts';
import { DEFAULT_FIXTURES_DIR, REPLAY_PREFIXES } from '../../../lambda/ingest/replay/replay-server.ts';
import {
  createAdapters,
  OPTIONS_VENUES,
  POOL_VENUES,
  readsOptions,
  VENUE_API_SPECS,
  VENUE_APIS,
  VENUE_NAMES,
  VENUES,
  type VenueApi,
} from '../../../lambda/ingest/venues/registry.ts';

const ROOT = join(import.meta.dirname, '../../..');
const apisOf = (v: (typeof VENUE_NAMES)[number]) => Object.keys(VENUES[v].apis);

describe('the venue registry', () => {
  it('names each venue API once, with unique variables and replay prefixes', () => {
    expect(VENUE_APIS).toEqual(VENUE_NAMES.flatMap(apisOf));
    expect(new Set(VENUE_APIS).size).toBe(VENUE_APIS.length);
    const envVars = VENUE_APIS.map((a) => VENUE_API_SPECS[a].envVar);
    expect(new Set(envVars).size).toBe(envVars.length);
    for (const name of envVars) expect(name).toMatch(/^BACKSTOP_[A-Z_]+_URL$/);
    const folders = VENUE_APIS.map((a) => VENUE_API_SPECS[a].replayPrefix.split('/')[1]);
    expect(new Set(folders).size).toBe(folders.length);
    for (const api of VENUE_APIS) {
      expect(VENUE_API_SPECS[api].liveBaseUrl).toMatch(/^https:\/\//);
      expect(VENUE_API_SPECS[api].concurrency).toBeGreaterThanOrEqual(1);
    }
  });

  it('builds one adapter per venue; those that list options read chains, the others do not', () => {
    const http = Object.fromEntries(
      VENUE_APIS.map((api) => [api, new VenueHttpClient({ venue: api, baseUrl: 'http://127.0.0.1:9' })]),
    ) as Record<VenueApi, VenueHttpClient>;
    const adapters = createAdapters(http);
    expect(Object.keys(adapters)).toEqual(VENUE_NAMES);
    for (const v of VENUE_NAMES) {
      expect(adapters[v].venue).toBe(v);
      expect(readsOptions(adapters[v])).toBe(VENUES[v].listsOptions);
      // A venue with tiers of its own reads them; one whose tiers come from the config has defaults.
      const readsTiers = typeof (adapters[v] as { marginTiers?: unknown }).marginTiers === 'function';
      expect(readsTiers, v).toBe(VENUES[v].marginTiers !== 'config');
      const defaults = (VENUES[v] as { defaultMaxLeverage?: { '*': number } }).defaultMaxLeverage;
      expect(defaults?.['*'] !== undefined, v).toBe(VENUES[v].marginTiers === 'config');
    }
  });

  it('gives each insurance-fund reader an API of its own venue', () => {
    for (const v of POOL_VENUES) {
      const pool = (VENUES[v] as { pool?: { api: string } }).pool;
      expect(apisOf(v)).toContain(pool?.api);
    }
  });
});

describe('lists derived from the registry', () => {
  it('fund config enums: venues, options venues, pool venues, base-URL keys', () => {
    expect(VenueSchema.options).toEqual(VENUE_NAMES);
    expect(OptionsVenueSchema.options).toEqual(OPTIONS_VENUES);
    expect(PoolVenueSchema.options).toEqual(POOL_VENUES);
    expect(VenueApiSchema.options).toEqual(VENUE_APIS);
    const every = Object.fromEntries(VENUE_APIS.map((a) => [a, `https://${a.toLowerCase()}.example.com`]));
    expect(FundDataSchema.parse({ baseUrls: every }).baseUrls).toEqual(every);
    expect(FundDataSchema.safeParse({ baseUrls: { nowhere: 'https://x.example.com' } }).success).toBe(false);
  });

  it('base URLs, variables and concurrency: one entry per venue API', () => {
    for (const map of [LIVE_BASE_URLS, BASE_URL_ENV, VENUE_CONCURRENCY]) {
      expect(Object.keys(map)).toEqual(VENUE_APIS);
    }
    const env = Object.fromEntries(VENUE_APIS.map((a) => [BASE_URL_ENV[a], `http://127.0.0.1/${a}`]));
    expect(resolveBaseUrls(env, {}, {})).toEqual(
      Object.fromEntries(VENUE_APIS.map((a) => [a, `http://127.0.0.1/${a}`])),
    );
  });

  it('the Lambda environment keeps every venue URL override instead of stripping it', () => {
    const overrides = Object.fromEntries(
      VENUE_APIS.map((a) => [VENUE_API_SPECS[a].envVar, `https://${a.toLowerCase()}.example.com`]),
    );
    for (const name of Object.keys(overrides)) expect(Object.keys(HandlerEnvSchema.shape)).toContain(name);
    const environment = readHandlerEnvironment({
      BACKSTOP_FUND_CONFIG_BUCKET: 'backstop-fund-configs',
      BACKSTOP_FUND_CONFIG_VERSION: '0123456789abcdef',
      BACKSTOP_STAGE: 'test',
      BACKSTOP_TABLE_NAME: 'backstop-table',
      BACKSTOP_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:backstop',
      BACKSTOP_IDEMPOTENCY_TABLE_NAME: 'backstop-idempotency',
      ...overrides,
    });
    expect(environment.venueEnv).toEqual(overrides);
  });

  it('the replay server: one prefix per venue API, each with a fixture folder', () => {
    expect(Object.keys(REPLAY_PREFIXES)).toEqual(VENUE_APIS);
    for (const api of VENUE_APIS) {
      expect(REPLAY_PREFIXES[api]).toBe(VENUE_API_SPECS[api].replayPrefix);
      expect(existsSync(join(DEFAULT_FIXTURES_DIR, REPLAY_PREFIXES[api].split('/')[1] as string))).toBe(true);
    }
  });

  it('the docs name every venue API’s variable', () => {
    const docs = readFileSync(join(ROOT, 'docs/MARKET-DATA.md'), 'utf8');
    for (const api of VENUE_APIS) expect(docs).toContain(`\`${VENUE_API_SPECS[api].envVar}\``);
  });
});
