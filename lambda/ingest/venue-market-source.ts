/**
 * The MarketSource port (lambda/pipeline/ports.ts) backed by the public venue APIs: fetches every
 * market in parallel (per-venue concurrency caps), reads the fund balance, and recalibrates into a
 * validated MarketSnapshot. The same code runs against the live venues and the replay server; only
 * the base URLs differ.
 */
import { SSMClient } from '@aws-sdk/client-ssm';
import type { FundConfig, FundMarket } from '../config/fund-config.ts';
import { InvalidInputError } from '../model/validation.ts';
import type { Clock, IngestOutcome, MarketSource } from '../pipeline/ports.ts';
import type { DataFlag, Observation } from '../run/observation.ts';
import type { StoredRun } from '../run/stored-run.ts';
import { priceBook } from './balance/balance-reading.ts';
import { readBalance } from './balance/read-balance.ts';
import { resolveBaseUrls, VENUE_APIS, VENUE_CONCURRENCY, type VenueApi } from './base-urls.ts';
import { VenueHttpClient } from './http/venue-http-client.ts';
import { chooseTier, DEFAULT_TYPICAL_POSITION_USD, type MarginTable } from './liquidity/tiers.ts';
import { assembleSnapshot, type MarketFetch } from './recalibrate/assemble-snapshot.ts';
import { returnsByDay } from './recalibrate/correlation.ts';
import type { DepthOutcome, TierOutcome } from './recalibrate/liquidity-fields.ts';
import { ivProblem } from './recalibrate/sanity.ts';
import { createAdapters, readsOptions, VENUES, type VenueAdapters } from './venues/registry.ts';
import { observation, type VenueAdapter } from './venues/venue-adapter.ts';
import { atmIv30d } from './vol/atm-iv.ts';
import { ewmaVol, logReturns } from './vol/realized.ts';
import { resolveVol } from './vol/vol-chain.ts';

/** Options of {@link createVenueMarketSource}. */
export interface VenueMarketSourceOptions {
  /** Environment for `BACKSTOP_*_URL` overrides (highest precedence). */
  readonly env?: Record<string, string | undefined>;
  /** Base URLs that override the fund config's `data.baseUrls`. */
  readonly baseUrls?: Partial<Record<VenueApi, string>>;
  /** Per-request timeout. @default 10000 */
  readonly timeoutMs?: number;
  /** Retries per request. @default 3 */
  readonly maxRetries?: number;
  /**
   * Budget for all venue requests of one `collect`, retries included. Requests still unanswered
   * then fail like an outage (stale fill or DEGRADED), so the job finishes inside its own timeout.
   * @default 60000
   */
  readonly ingestDeadlineMs?: number;
  /** SSM client for `ssm` balance sources (one per region is created when absent). */
  readonly ssmClient?: SSMClient;
  readonly fetch?: typeof fetch;
  readonly clock?: Clock;
  /** Backoff sleep; tests inject an instant one. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). */
  readonly random?: () => number;
}

interface Venues {
  readonly http: Record<VenueApi, VenueHttpClient>;
  readonly adapters: VenueAdapters;
}

/**
 * The tier of a market's typical position from the venue's table (and its observations), or why
 * there is none; undefined for venues whose tiers come from the config.
 */
function tierOutcome(
  m: FundMarket,
  table: PromiseSettledResult<MarginTable | undefined>,
  priceUsd: number | undefined,
  observations: Observation[],
): TierOutcome | undefined {
  if (VENUES[m.venue].marginTiers === 'config') return undefined;
  if (table.status === 'rejected') return { error: (table.reason as Error).message };
  if (table.value === undefined) return { error: `${m.venue} publishes no margin tiers` };
  const t = table.value;
  const needsPrice = t.tiers.some((x) => x.upToUnit === 'coin');
  if (needsPrice && !(priceUsd !== undefined && priceUsd > 0)) {
    return { error: `${m.venue} ${t.endpoint}: tiers in coin but no price to convert them` };
  }
  const position = m.typicalPositionUsd ?? DEFAULT_TYPICAL_POSITION_USD;
  const choice = chooseTier(t, position, priceUsd ?? 0);
  if ('problem' in choice) return { error: `${m.venue} ${t.endpoint}: ${choice.problem}` };
  const common = { marketId: m.id, venue: m.venue, endpoint: t.endpoint, fetchedAt: t.fetchedAt };
  observations.push(
    observation({
      ...common,
      field: 'maintenanceMargin',
      rawValue: choice.maintenanceMargin,
      rawUnit: `${t.rateUnit}, tier ${choice.tier} of ${choice.tierCount} (holds a ${position} USD position)`,
      normalised: choice.maintenanceMargin,
    }),
    observation({
      ...common,
      field: 'maxLeverage',
      rawValue: choice.maxLeverage,
      rawUnit: 'x (the first tier)',
      normalised: choice.maxLeverage,
    }),
  );
  return { choice, endpoint: t.endpoint };
}

/**
 * Creates the venue-backed MarketSource.
 * @example
 * const source = createVenueMarketSource({ env: process.env });
 * const { snapshot, flags } = await source.collect(config, new Date().toISOString(), lastRun);
 */
export function createVenueMarketSource(options: VenueMarketSourceOptions = {}): MarketSource {
  const clock = options.clock ?? { now: () => new Date() };
  const ssmClients = new Map<string, SSMClient>();
  const ingestDeadlineMs = options.ingestDeadlineMs ?? 60_000;
  const client = (
    venue: string,
    baseUrl: string,
    concurrency: number,
    deadline: number,
    allowPrivateNetwork: boolean,
  ) =>
    new VenueHttpClient({
      venue,
      baseUrl,
      concurrency,
      deadline,
      allowPrivateNetwork,
      now: () => clock.now(),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
      ...(options.random === undefined ? {} : { random: options.random }),
    });

  function venuesFor(config: FundConfig, deadline: number): Venues {
    const { allowPrivateNetwork } = config.data;
    const urls = resolveBaseUrls(options.env ?? {}, options.baseUrls ?? {}, config.data.baseUrls, {
      allowPrivateNetwork,
    });
    const http = Object.fromEntries(
      VENUE_APIS.map((api) => [
        api,
        client(api, urls[api], VENUE_CONCURRENCY[api], deadline, allowPrivateNetwork),
      ]),
    ) as Record<VenueApi, VenueHttpClient>;
    return { http, adapters: createAdapters(http) };
  }

  async function fetchMarket(
    m: FundMarket,
    venues: Venues,
    asOf: Date,
    observations: Observation[],
    cache: Map<string, Promise<number | undefined>>,
  ): Promise<MarketFetch> {
    const flags: DataFlag[] = [];
    const adapter = venues.adapters[m.venue];
    const [quote, candles, book, table] = await Promise.allSettled([
      adapter.perpQuote(m.symbol, m.id),
      adapter.dailyCloses(m.symbol, m.historyDays, asOf, m.id),
      adapter.orderBook(m.symbol, m.id),
      VENUES[m.venue].marginTiers === 'config'
        ? Promise.resolve(undefined)
        : (adapter as VenueAdapter).marginTiers?.(m.symbol, m.id),
    ]);
    if (quote.status === 'fulfilled') observations.push(...quote.value.observations);
    if (book.status === 'fulfilled') observations.push(...book.value.observations);
    const depth: DepthOutcome =
      book.status === 'fulfilled'
        ? { depthUsd: book.value.summary.depthUsd }
        : { error: (book.reason as Error).message };
    const tiers = tierOutcome(
      m,
      table,
      quote.status === 'fulfilled' ? quote.value.priceUsd : undefined,
      observations,
    );
    let returns: Map<number, number> | undefined;
    let realizedVol: number | undefined;
    if (candles.status === 'fulfilled') {
      observations.push(...candles.value.observations);
      returns = returnsByDay(candles.value.closes);
      realizedVol = ewmaVol(logReturns(candles.value.closes.map((c) => c.close)));
      if (realizedVol === undefined) {
        // An answer with (almost) no candles loses the realized floor just like a failed request.
        const source = candles.value.observations[0];
        const where = source === undefined ? m.venue : `${source.venue} ${source.endpoint}`;
        flags.push({
          marketId: m.id,
          code: 'CANDLES_MISSING',
          detail: `${where}: ${candles.value.closes.length} completed daily closes, too few for a realized vol`,
        });
      }
      // A bad candle (a close of 0.001) can push the floor past the IV bound: flagged, not a crash,
      // and its returns are not used for correlation either (filled from the last run, or 1).
      const problem = realizedVol === undefined ? undefined : ivProblem(realizedVol);
      if (problem !== undefined) {
        flags.push({ marketId: m.id, code: 'SANITY_IV', detail: `realized EWMA vol: ${problem}` });
        realizedVol = undefined;
        returns = undefined;
      }
    } else {
      flags.push({ marketId: m.id, code: 'CANDLES_MISSING', detail: (candles.reason as Error).message });
    }
    // Many markets share one chain (BTC options back BTC perps on every venue): fetch each once per run.
    const once = (key: string, read: () => Promise<number | undefined>) => {
      let p = cache.get(key);
      if (p === undefined) {
        p = read();
        cache.set(key, p);
      }
      return p;
    };
    const { choice, flags: volFlags } = await resolveVol(
      m.volSource,
      {
        realized: realizedVol,
        dvol: (currency) =>
          once(`dvol:${currency}`, async () => {
            const r = await venues.adapters.deribit.dvol(currency, asOf, m.id);
            observations.push(...r.observations);
            return r.vol;
          }) as Promise<number>,
        atmOptions: (venue, underlying) =>
          once(`atm:${venue}:${underlying}`, async () => {
            const adapter = venues.adapters[venue as FundMarket['venue']];
            if (!readsOptions(adapter)) throw new Error(`${venue} lists no options`);
            const chain = await adapter.optionChain(underlying, m.id);
            observations.push(...chain.observations);
            return atmIv30d(chain.quotes, asOf.getTime())?.iv;
          }),
      },
      m.id,
    );
    flags.push(...volFlags);
    if (quote.status === 'rejected')
      flags.push({ marketId: m.id, code: 'QUOTE_FAILED', detail: (quote.reason as Error).message });
    return {
      fundMarket: m,
      quote: quote.status === 'fulfilled' ? quote.value : undefined,
      quoteError: quote.status === 'rejected' ? (quote.reason as Error).message : undefined,
      returns,
      realizedVol,
      vol: choice,
      flags,
      depth,
      ...(tiers === undefined ? {} : { tiers }),
    };
  }

  return {
    async collect(config: FundConfig, asOf: string, lastGood: StoredRun | null): Promise<IngestOutcome> {
      const asOfDate = new Date(asOf);
      if (Number.isNaN(asOfDate.getTime())) {
        throw new InvalidInputError(
          `asOf: expected an ISO-8601 timestamp, got ${JSON.stringify(asOf)}`,
          'asOf',
        );
      }
      const started = performance.now();
      const deadline = started + ingestDeadlineMs;
      const venues = venuesFor(config, deadline);
      const observations: Observation[] = [];
      const cache = new Map<string, Promise<number | undefined>>();
      const fetches = await Promise.all(
        config.markets.map((m) => fetchMarket(m, venues, asOfDate, observations, cache)),
      );

      const coinPrices = new Map<string, number>();
      const marketPrices = new Map<string, number>();
      for (const f of fetches) {
        // A quote that fails the price bound is stale-filled below; its price must not value the
        // fund either (a zero mark would count pool coins, or an EVM balance, as worth nothing).
        if (f.quote === undefined || !(f.quote.priceUsd > 0 && Number.isFinite(f.quote.priceUsd))) continue;
        marketPrices.set(f.fundMarket.id, f.quote.priceUsd);
        if (!coinPrices.has(f.quote.baseCoin.toUpperCase()))
          coinPrices.set(f.quote.baseCoin.toUpperCase(), f.quote.priceUsd);
      }
      for (const m of lastGood?.snapshot.markets ?? [])
        if (!marketPrices.has(m.id)) marketPrices.set(m.id, m.priceUsd);
      const balance = await readBalance(
        config.balance,
        {
          venueHttp: venues.http,
          evmHttp: (rpcUrl) => client('evm', rpcUrl, 2, deadline, config.data.allowPrivateNetwork),
          ssm: (region) => {
            if (options.ssmClient !== undefined) return options.ssmClient;
            const key = region ?? '';
            let c = ssmClients.get(key);
            if (c === undefined) {
              c = new SSMClient(region === undefined ? {} : { region });
              ssmClients.set(key, c);
            }
            return c;
          },
        },
        priceBook(coinPrices, marketPrices),
        asOfDate,
        clock.now(),
      );
      observations.push(...balance.observations);
      const fetched = performance.now();

      const assembled = assembleSnapshot({
        config,
        asOf,
        fetches,
        fundBalanceUsd: balance.fundBalanceUsd,
        balanceFlags: balance.flags,
        lastGood: lastGood === null ? null : { asOf: lastGood.asOf, snapshot: lastGood.snapshot },
      });
      return {
        snapshot: assembled.snapshot,
        observations,
        flags: assembled.flags,
        timings: { ingestMs: fetched - started, recalibrateMs: performance.now() - fetched },
      };
    },
  };
}
