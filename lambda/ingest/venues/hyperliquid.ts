/**
 * Hyperliquid: every read is `POST /info` with a JSON body naming its `type`. Unit traps: numbers are
 * strings; `openInterest` is in coin (one side) and `dayNtlVlm` in USD(C); the `meta` half of
 * `metaAndAssetCtxs` is matched to its `assetCtxs` half by position; `l2Book` sends at most 20 levels
 * a side, so the book is read at 4, 3 and 2 significant figures and merged (finest where it reaches;
 * an aggregated level counts at its bucket's price, bids rounded down and asks up: a lower bound);
 * the maintenance margin is half the initial margin at the tier's maximum
 * leverage; candles are oldest first with numeric ms times.
 */
import { z } from 'zod';
import type { PoolAsset } from '../balance/balance-reading.ts';
import { VenueResponseError } from '../http/errors.ts';
import type { VenueHttpClient } from '../http/venue-http-client.ts';
import type { MarginTable, MarginTier } from '../liquidity/tiers.ts';
import {
  bookFrom,
  type DailyCloses,
  type DepthReading,
  dailyClosesFrom,
  depthReading,
  NumericString,
  observation,
  type PerpQuote,
  toNumber,
  type VenueAdapter,
} from './venue-adapter.ts';

const AssetMeta = z.looseObject({
  name: z.string(),
  szDecimals: z.number(),
  maxLeverage: z.number(),
  marginTableId: z.number().optional(),
});
const MarginTableSchema = z.looseObject({
  description: z.string(),
  marginTiers: z.array(z.looseObject({ lowerBound: NumericString, maxLeverage: z.number() })).min(1),
});
const Meta = z.looseObject({
  universe: z.array(AssetMeta),
  marginTables: z.array(z.tuple([z.number(), MarginTableSchema])).optional(),
});
const AssetCtx = z.looseObject({
  markPx: NumericString,
  oraclePx: NumericString,
  openInterest: NumericString,
  dayNtlVlm: NumericString,
  funding: NumericString,
});
const MetaAndAssetCtxs = z.tuple([Meta, z.array(AssetCtx)]);
const Level = z.looseObject({ px: NumericString, sz: NumericString, n: z.number() });
const L2Book = z.looseObject({
  coin: z.string(),
  time: z.number(),
  levels: z.tuple([z.array(Level), z.array(Level)]),
});
const Candles = z.array(
  z.looseObject({ t: z.number(), T: z.number(), s: z.string(), i: z.string(), c: NumericString }),
);
const ClearinghouseState = z.looseObject({
  marginSummary: z.looseObject({ accountValue: NumericString }),
  time: z.number(),
});

const V = 'hyperliquid';
const INFO = '/info';
/**
 * Significant figures of the book aggregations, finest first: at 20 levels a side, 4 covers ~0.2% of
 * a BTC mid (~1% of SOL's), 3 ~2%, 2 ~20%; each distance is read from the finest that reaches it.
 */
const BOOK_SIG_FIGS = [4, 3, 2] as const;

/** One asset's metadata and context, matched by position. */
interface Asset {
  readonly meta: z.infer<typeof AssetMeta>;
  readonly ctx: z.infer<typeof AssetCtx>;
  readonly tables: ReadonlyMap<number, z.infer<typeof MarginTableSchema>>;
  readonly fetchedAt: string;
}

/** Hyperliquid adapter (perpetuals of the first perp dex). `symbol` is the coin: `BTC`. */
export class HyperliquidAdapter implements VenueAdapter {
  readonly venue = V;
  private readonly http: VenueHttpClient;
  /** `metaAndAssetCtxs` answers for every asset at once (weight 20): asked once per run. */
  private universe: Promise<{ data: z.infer<typeof MetaAndAssetCtxs>; fetchedAt: string }> | undefined;

  constructor(http: VenueHttpClient) {
    this.http = http;
  }

  private async asset(coin: string, marketId: string): Promise<Asset> {
    this.universe ??= this.http.postJson(
      INFO,
      { type: 'metaAndAssetCtxs' },
      MetaAndAssetCtxs,
      marketId,
      '/info metaAndAssetCtxs',
    );
    // A failed answer is not kept: the next market of the run may ask again.
    const { data, fetchedAt } = await this.universe.catch((error: unknown) => {
      this.universe = undefined;
      throw error;
    });
    const [meta, ctxs] = data;
    const index = meta.universe.findIndex((a) => a.name === coin);
    const ctx = ctxs[index];
    const assetMeta = meta.universe[index];
    if (assetMeta === undefined || ctx === undefined) {
      const c = { venue: V, endpoint: '/info metaAndAssetCtxs', marketId };
      throw new VenueResponseError(c, 'content', `no asset ${coin} in the universe`);
    }
    return { meta: assetMeta, ctx, tables: new Map(meta.marginTables ?? []), fetchedAt };
  }

  async perpQuote(symbol: string, marketId: string): Promise<PerpQuote> {
    const { ctx, fetchedAt } = await this.asset(symbol, marketId);
    const c = { venue: V, endpoint: '/info metaAndAssetCtxs', marketId };
    const price = toNumber(ctx.markPx, 'markPx', c);
    const oiCoin = toNumber(ctx.openInterest, 'openInterest', c);
    const volume = toNumber(ctx.dayNtlVlm, 'dayNtlVlm', c);
    const common = { marketId, venue: V, endpoint: c.endpoint, fetchedAt };
    return {
      priceUsd: price,
      openInterestUsd: oiCoin * price,
      dailyVolumeUsd: volume,
      baseCoin: symbol,
      observations: [
        observation({
          ...common,
          field: 'markPrice',
          rawValue: ctx.markPx,
          rawUnit: 'USD',
          normalised: price,
        }),
        observation({
          ...common,
          field: 'openInterest',
          rawValue: ctx.openInterest,
          rawUnit: `${symbol} (one side)`,
          normalised: oiCoin * price,
        }),
        observation({
          ...common,
          field: 'dailyVolume',
          rawValue: ctx.dayNtlVlm,
          rawUnit: 'USD',
          normalised: volume,
        }),
      ],
    };
  }

  async dailyCloses(symbol: string, days: number, asOf: Date, marketId: string): Promise<DailyCloses> {
    const endpoint = '/info candleSnapshot';
    const end = asOf.getTime();
    const req = { coin: symbol, interval: '1d', startTime: end - (days + 2) * 86_400_000, endTime: end };
    const { data, fetchedAt } = await this.http.postJson(
      INFO,
      { type: 'candleSnapshot', req },
      Candles,
      marketId,
      endpoint,
    );
    return dailyClosesFrom(
      data.map((k) => ({ dayMs: k.t, close: Number(k.c) })),
      { days, asOf, marketId, venue: V, endpoint, rawUnit: 'candles (oldest first)', fetchedAt },
    );
  }

  /** Three `l2Book` aggregations (4, 3, 2 significant figures), sizes in coin, merged finest first. */
  async orderBook(symbol: string, marketId: string): Promise<DepthReading> {
    const endpoint = '/info l2Book';
    const answers = await Promise.all(
      BOOK_SIG_FIGS.map((nSigFigs) =>
        this.http.postJson(INFO, { type: 'l2Book', coin: symbol, nSigFigs }, L2Book, marketId, endpoint),
      ),
    );
    const books = answers.map(({ data }) =>
      bookFrom(
        data.levels[0].map((l) => [l.px, l.sz] as const),
        data.levels[1].map((l) => [l.px, l.sz] as const),
        'coin',
      ),
    );
    return depthReading(books, {
      marketId,
      venue: V,
      endpoint,
      fetchedAt: answers[0]?.fetchedAt ?? '',
      venueTimestamp: answers[0]?.data.time ?? null,
      rawUnit: `${symbol} (aggregated to ${BOOK_SIG_FIGS.join('/')} significant figures)`,
    });
  }

  /**
   * The asset's margin table from the same `metaAndAssetCtxs` answer: tiers from `lowerBound` (USD
   * notional) up, maintenance margin = 1 / (2 · the tier's maximum leverage). An asset without a
   * table has one tier at its `maxLeverage`.
   */
  async marginTiers(symbol: string, marketId: string): Promise<MarginTable> {
    const { meta, tables, fetchedAt } = await this.asset(symbol, marketId);
    const c = { venue: V, endpoint: '/info metaAndAssetCtxs', marketId };
    const table = meta.marginTableId === undefined ? undefined : tables.get(meta.marginTableId);
    const rows = table?.marginTiers ?? [{ lowerBound: '0', maxLeverage: meta.maxLeverage }];
    const tiers: MarginTier[] = rows.map((t, i) => ({
      upTo:
        i + 1 < rows.length
          ? toNumber(rows[i + 1]?.lowerBound ?? '', 'lowerBound', c)
          : Number.POSITIVE_INFINITY,
      upToUnit: 'USD',
      maintenanceMargin: 1 / (2 * t.maxLeverage),
      maxLeverage: t.maxLeverage,
    }));
    return { endpoint: c.endpoint, fetchedAt, rateUnit: '1/(2 x maxLeverage) of the tier', tiers };
  }
}

/**
 * Hyperliquid "pools": the accounts that back its liquidations (the HLP vault and its liquidator
 * sub-vault), each `clearinghouseState.marginSummary.accountValue` in USDC.
 */
export async function hyperliquidPoolAssets(
  http: VenueHttpClient,
  pools: readonly string[],
): Promise<PoolAsset[]> {
  const endpoint = '/info clearinghouseState';
  return Promise.all(
    pools.map(async (user) => {
      const { data, fetchedAt } = await http.postJson(
        INFO,
        { type: 'clearinghouseState', user },
        ClearinghouseState,
        undefined,
        endpoint,
      );
      const value = Number(data.marginSummary.accountValue);
      return {
        pool: user,
        coin: 'USDC',
        amount: value,
        valueUsd: value,
        updatedMs: data.time,
        endpoint,
        raw: data.marginSummary.accountValue,
        fetchedAt,
      };
    }),
  );
}
