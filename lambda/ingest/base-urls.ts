/**
 * Base URL of each venue API, resolved once per run. Precedence (highest first): environment
 * variables `BACKSTOP_<VENUE>_URL` (testnets, proxies, the replay server) > options passed by the
 * caller > the fund config's `data.baseUrls` > the live public endpoints. The lists come from the
 * venue registry (`venues/registry.ts`).
 */
import { InvalidInputError } from '../model/validation.ts';
import { type UrlRules, urlProblem } from './http/safe-url.ts';
import { VENUE_API_SPECS, VENUE_APIS, type VenueApi } from './venues/registry.ts';

export { VENUE_APIS, type VenueApi };

/** Live public endpoints (no keys). */
export const LIVE_BASE_URLS: Readonly<Record<VenueApi, string>> = mapApis((s) => s.liveBaseUrl);

/** Environment variable overriding each venue's base URL. */
export const BASE_URL_ENV: Readonly<Record<VenueApi, string>> = mapApis((s) => s.envVar);

/**
 * Requests in flight per venue API, kept well inside the published limits (Deribit ~20 req/s,
 * Binance IP weight per minute, Bybit 600 req / 5 s, OKX 20 req / 2 s per endpoint) at typical
 * latencies of ≥ 100 ms per request.
 */
export const VENUE_CONCURRENCY: Readonly<Record<VenueApi, number>> = mapApis((s) => s.concurrency);

function mapApis<T>(pick: (spec: (typeof VENUE_API_SPECS)[VenueApi]) => T): Record<VenueApi, T> {
  return Object.fromEntries(VENUE_APIS.map((api) => [api, pick(VENUE_API_SPECS[api])])) as Record<
    VenueApi,
    T
  >;
}

/**
 * Resolves every venue's base URL by the precedence above. An environment value obeys the same rules
 * as a config value (`safe-url.ts`); options come from code (the replay server) and are taken as given.
 * @throws InvalidInputError naming the variable of a URL that breaks the rules
 */
export function resolveBaseUrls(
  env: Readonly<Record<string, string | undefined>>,
  fromOptions: Partial<Record<VenueApi, string>>,
  fromConfig: Partial<Record<VenueApi, string>>,
  rules: UrlRules = { allowPrivateNetwork: false },
): Record<VenueApi, string> {
  const out = {} as Record<VenueApi, string>;
  for (const api of VENUE_APIS) {
    const fromEnv = env[BASE_URL_ENV[api]];
    const problem = fromEnv === undefined || fromEnv === '' ? undefined : urlProblem(fromEnv, rules);
    if (problem !== undefined) {
      throw new InvalidInputError(`${BASE_URL_ENV[api]}: ${problem}`, BASE_URL_ENV[api]);
    }
    out[api] =
      (fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined) ??
      fromOptions[api] ??
      fromConfig[api] ??
      LIVE_BASE_URLS[api];
  }
  return out;
}
