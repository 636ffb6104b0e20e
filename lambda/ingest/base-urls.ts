/**
 * Base URL of each venue API, resolved once per run. Precedence (highest first): environment
 * variables `BACKSTOP_<VENUE>_URL` (testnets, proxies, the replay server) > options passed by the
 * caller > the fund config's `data.baseUrls` > the live public endpoints.
 */
import { InvalidInputError } from '../model/validation.ts';

/** The venue APIs the adapters talk to; Binance options live on their own host. */
export const VENUE_APIS = ['deribit', 'binance', 'binanceOptions', 'bybit', 'okx'] as const;
export type VenueApi = (typeof VENUE_APIS)[number];

/** Live public endpoints (no keys). */
export const LIVE_BASE_URLS: Readonly<Record<VenueApi, string>> = {
  deribit: 'https://www.deribit.com/api/v2',
  binance: 'https://fapi.binance.com',
  binanceOptions: 'https://eapi.binance.com',
  bybit: 'https://api.bybit.com',
  okx: 'https://www.okx.com',
};

/** Environment variable overriding each venue's base URL. */
export const BASE_URL_ENV: Readonly<Record<VenueApi, string>> = {
  deribit: 'BACKSTOP_DERIBIT_URL',
  binance: 'BACKSTOP_BINANCE_URL',
  binanceOptions: 'BACKSTOP_BINANCE_OPTIONS_URL',
  bybit: 'BACKSTOP_BYBIT_URL',
  okx: 'BACKSTOP_OKX_URL',
};

/** Resolves every venue's base URL by the precedence above. @throws InvalidInputError for a bad env URL */
export function resolveBaseUrls(
  env: Readonly<Record<string, string | undefined>>,
  fromOptions: Partial<Record<VenueApi, string>>,
  fromConfig: Partial<Record<VenueApi, string>>,
): Record<VenueApi, string> {
  const out = {} as Record<VenueApi, string>;
  for (const api of VENUE_APIS) {
    const fromEnv = env[BASE_URL_ENV[api]];
    if (fromEnv !== undefined && fromEnv !== '' && !/^https?:\/\/[^\s/]+/.test(fromEnv)) {
      throw new InvalidInputError(
        `${BASE_URL_ENV[api]}: expected an http(s) URL, got ${JSON.stringify(fromEnv)}`,
        BASE_URL_ENV[api],
      );
    }
    out[api] =
      (fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined) ??
      fromOptions[api] ??
      fromConfig[api] ??
      LIVE_BASE_URLS[api];
  }
  return out;
}

/**
 * Requests in flight per venue API, kept well inside the published limits (Deribit ~20 req/s,
 * Binance IP weight per minute, Bybit 600 req / 5 s, OKX 20 req / 2 s per endpoint) at typical
 * latencies of ≥ 100 ms per request.
 */
export const VENUE_CONCURRENCY: Readonly<Record<VenueApi, number>> = {
  deribit: 5,
  binance: 4,
  binanceOptions: 2,
  bybit: 8,
  okx: 3,
};
