/**
 * The venue registry: one typed entry per venue, naming each API it talks to (live base URL, the
 * environment variable that overrides it, the replay server's prefix, the concurrency cap inside the
 * published rate limit), its adapter factory, whether it lists options, how it publishes margin
 * tiers, and its insurance-fund reader. Every other list of venues — the fund config's enums, base
 * URL resolution, the Lambda environment schema, the replay server's routes — is derived from here,
 * so adding a venue is an adapter file, its fixtures and one entry (docs/MARKET-DATA.md).
 */
import type { PoolReader } from '../balance/balance-reading.ts';
import type { VenueHttpClient } from '../http/venue-http-client.ts';
import { BinanceAdapter, binancePoolAssets } from './binance.ts';
import { BybitAdapter, bybitPoolAssets } from './bybit.ts';
import { DeribitAdapter } from './deribit.ts';
import { DydxAdapter, dydxPoolAssets } from './dydx.ts';
import { HyperliquidAdapter, hyperliquidPoolAssets } from './hyperliquid.ts';
import { OkxAdapter, okxPoolAssets } from './okx.ts';
import type { OptionsVenue, VenueAdapter } from './venue-adapter.ts';

/** One HTTP API of a venue (Binance's options live on their own host, so Binance has two). */
export interface VenueApiSpec {
  /** The public endpoint (no key). */
  readonly liveBaseUrl: string;
  /** The environment variable that overrides the base URL (testnets, proxies, the replay server). */
  readonly envVar: string;
  /** Path prefix of this API on the replay server; its first segment names the fixture folder. */
  readonly replayPrefix: string;
  /** Requests in flight at once, kept inside `rateLimit` at ≥ 100 ms per request. */
  readonly concurrency: number;
  /** The venue's published limit, in words (for the docs and the reader of this file). */
  readonly rateLimit: string;
}

/**
 * Where a venue's maintenance margin and maximum leverage come from: a public tier endpoint, the
 * market-data answer itself, or the fund config (with documented defaults) when the tiers need a
 * signed request (Binance) or are a formula (Deribit).
 */
export type MarginTierSource = 'endpoint' | 'quote' | 'config';

/** One venue: its APIs and what it can do. */
export interface VenueSpec<A extends string, T extends VenueAdapter> {
  readonly apis: { readonly [K in A]: VenueApiSpec };
  /** Builds the run's adapter from the run's HTTP clients of this venue's APIs. */
  readonly createAdapter: (http: { readonly [K in NoInfer<A>]: VenueHttpClient }) => T;
  /** True when the adapter reads options chains (an `atm-options` vol source). */
  readonly listsOptions: boolean;
  readonly marginTiers: MarginTierSource;
  /**
   * Maximum leverage by symbol (`*` for the rest) for venues whose tiers come from the config, used
   * when a market's config sets no `maxLeverage`: the venue's published caps, documented in
   * docs/MARKET-DATA.md.
   */
  readonly defaultMaxLeverage?: { readonly '*': number; readonly [symbol: string]: number };
  /** The venue's public insurance fund, when it has one (a `venue-pool` balance source). */
  readonly pool?: { readonly api: NoInfer<A>; readonly read: PoolReader };
}

/** Keeps each entry's API names as literal types. */
function venue<const A extends string, T extends VenueAdapter>(spec: VenueSpec<A, T>): VenueSpec<A, T> {
  return spec;
}

/** Every venue Backstop reads, keyed by the name a fund config uses. */
export const VENUES = {
  deribit: venue({
    apis: {
      deribit: {
        liveBaseUrl: 'https://www.deribit.com/api/v2',
        envVar: 'BACKSTOP_DERIBIT_URL',
        replayPrefix: '/deribit/api/v2',
        concurrency: 5,
        rateLimit: 'credit-based, about 20 requests/s sustained per IP',
      },
    },
    createAdapter: (http) => new DeribitAdapter(http.deribit),
    listsOptions: true,
    marginTiers: 'config',
    // Deribit's perpetuals open at 2% initial margin (50x); its margin rises with size by formula.
    defaultMaxLeverage: { '*': 50 },
  }),
  binance: venue({
    apis: {
      binance: {
        liveBaseUrl: 'https://fapi.binance.com',
        envVar: 'BACKSTOP_BINANCE_URL',
        replayPrefix: '/binance',
        concurrency: 4,
        rateLimit: 'IP weight budget per minute (exchangeInfo.rateLimits); 429 then a 418 ban',
      },
      binanceOptions: {
        liveBaseUrl: 'https://eapi.binance.com',
        envVar: 'BACKSTOP_BINANCE_OPTIONS_URL',
        replayPrefix: '/binance-options',
        concurrency: 2,
        rateLimit: 'IP weight budget per minute, separate from fapi',
      },
    },
    createAdapter: (http) => new BinanceAdapter(http.binance, http.binanceOptions),
    listsOptions: true,
    marginTiers: 'config',
    // Binance's leverage brackets need a signed request: its published first-bracket caps.
    defaultMaxLeverage: { BTCUSDT: 125, ETHUSDT: 100, '*': 75 },
    pool: { api: 'binance', read: binancePoolAssets },
  }),
  bybit: venue({
    apis: {
      bybit: {
        liveBaseUrl: 'https://api.bybit.com',
        envVar: 'BACKSTOP_BYBIT_URL',
        replayPrefix: '/bybit',
        concurrency: 8,
        rateLimit: '600 requests / 5 s per IP; 403 = a 10-minute ban',
      },
    },
    createAdapter: (http) => new BybitAdapter(http.bybit),
    listsOptions: true,
    marginTiers: 'endpoint',
    pool: { api: 'bybit', read: bybitPoolAssets },
  }),
  okx: venue({
    apis: {
      okx: {
        liveBaseUrl: 'https://www.okx.com',
        envVar: 'BACKSTOP_OKX_URL',
        replayPrefix: '/okx',
        concurrency: 3,
        rateLimit: '20 requests / 2 s per endpoint per IP',
      },
    },
    createAdapter: (http) => new OkxAdapter(http.okx),
    listsOptions: true,
    marginTiers: 'endpoint',
    pool: { api: 'okx', read: okxPoolAssets },
  }),
  hyperliquid: venue({
    apis: {
      hyperliquid: {
        liveBaseUrl: 'https://api.hyperliquid.xyz',
        envVar: 'BACKSTOP_HYPERLIQUID_URL',
        replayPrefix: '/hyperliquid',
        concurrency: 2,
        rateLimit:
          '1200 weight / min per IP: l2Book and clearinghouseState 2, metaAndAssetCtxs 20, candleSnapshot 20 + 1 per 60 candles',
      },
    },
    createAdapter: (http) => new HyperliquidAdapter(http.hyperliquid),
    listsOptions: false,
    marginTiers: 'quote',
    pool: { api: 'hyperliquid', read: hyperliquidPoolAssets },
  }),
  dydx: venue({
    apis: {
      dydx: {
        liveBaseUrl: 'https://indexer.dydx.trade/v4',
        envVar: 'BACKSTOP_DYDX_URL',
        replayPrefix: '/dydx/v4',
        concurrency: 4,
        rateLimit: 'indexer: per-IP limit, not published; kept low',
      },
      dydxNode: {
        liveBaseUrl: 'https://dydx-rest.publicnode.com',
        envVar: 'BACKSTOP_DYDX_NODE_URL',
        replayPrefix: '/dydx-node',
        concurrency: 2,
        rateLimit: "a public node's REST API (Cosmos bank module): a few requests per second",
      },
    },
    createAdapter: (http) => new DydxAdapter(http.dydx),
    listsOptions: false,
    marginTiers: 'quote',
    pool: { api: 'dydxNode', read: dydxPoolAssets },
  }),
};

type Registry = typeof VENUES;
/** A venue name as a fund config writes it (`binance`). */
export type Venue = keyof Registry;
type ApisOf<V> = V extends VenueSpec<infer A, VenueAdapter> ? A : never;
/** One venue API (`binance`, `binanceOptions`, …): one base URL, one HTTP client per run. */
export type VenueApi = { [V in Venue]: ApisOf<Registry[V]> }[Venue];
/** The adapter type a venue's entry builds. */
export type AdapterOf<V extends Venue> = ReturnType<Registry[V]['createAdapter']>;

/** Venue names in registry order. */
export const VENUE_NAMES = Object.keys(VENUES) as [Venue, ...Venue[]];

/** Every venue API with its spec, in registry order. */
export const VENUE_API_SPECS: Readonly<Record<VenueApi, VenueApiSpec>> = Object.assign(
  {},
  ...VENUE_NAMES.map((v) => VENUES[v].apis),
);

/** Venue API names in registry order. */
export const VENUE_APIS = Object.keys(VENUE_API_SPECS) as [VenueApi, ...VenueApi[]];

/** Venues whose adapter reads options chains. */
export const OPTIONS_VENUES = VENUE_NAMES.filter((v) => VENUES[v].listsOptions) as [Venue, ...Venue[]];

/** Venues with a public insurance fund (a `venue-pool` balance source). */
export const POOL_VENUES = VENUE_NAMES.filter((v) => VENUES[v].pool !== undefined) as [Venue, ...Venue[]];

/**
 * The insurance-fund reader of a venue and the API it reads from.
 * @throws Error for a venue without one (the fund config only admits {@link POOL_VENUES})
 */
export function poolReaderOf(venue: Venue): { readonly api: VenueApi; readonly read: PoolReader } {
  const pool = (VENUES[venue] as VenueSpec<VenueApi, VenueAdapter>).pool;
  if (pool === undefined) throw new Error(`venue ${venue} has no insurance-fund reader`);
  return pool;
}

/**
 * The maximum leverage a venue allows on `symbol` when its tiers come from the config: the config's
 * value, else the registry's documented default, else undefined (a venue with public tiers).
 */
export function defaultMaxLeverage(venue: Venue, symbol: string): number | undefined {
  const table = (VENUES[venue] as VenueSpec<VenueApi, VenueAdapter>).defaultMaxLeverage;
  return table === undefined ? undefined : (table[symbol] ?? table['*']);
}

/** The adapters of one run, one per venue, over the run's HTTP clients. */
export type VenueAdapters = { readonly [V in Venue]: AdapterOf<V> };

/** Builds every venue's adapter from the run's HTTP clients. */
export function createAdapters(http: Readonly<Record<VenueApi, VenueHttpClient>>): VenueAdapters {
  return Object.fromEntries(
    VENUE_NAMES.map((v) => [v, (VENUES[v] as VenueSpec<VenueApi, VenueAdapter>).createAdapter(http)]),
  ) as unknown as VenueAdapters;
}

/** True when an adapter reads options chains. */
export function readsOptions(adapter: VenueAdapter): adapter is VenueAdapter & OptionsVenue {
  return typeof (adapter as Partial<OptionsVenue>).optionChain === 'function';
}
