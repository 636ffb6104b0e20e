/**
 * What a fund-balance source returns, and how coins are priced. An unavailable balance is an error
 * ({@link BalanceUnavailableError}), never a zero: the run's status becomes UNKNOWN.
 */
import type { DataFlag, Observation } from '../../run/observation.ts';
import type { VenueHttpClient } from '../http/venue-http-client.ts';

/** A fund balance in USD with its audit trail. */
export interface BalanceReading {
  readonly amountUsd: number;
  readonly observations: readonly Observation[];
  /** e.g. BALANCE_STALE (old pool update), BALANCE_COIN_UNPRICED (a coin left out). */
  readonly flags: readonly DataFlag[];
}

/** One coin balance of one pool of a venue's insurance fund, as the venue reported it. */
export interface PoolAsset {
  readonly pool: string;
  readonly coin: string;
  readonly amount: number;
  /** USD value when the venue gives it (Bybit), else priced from this run's quotes. */
  readonly valueUsd?: number;
  readonly updatedMs: number;
  readonly endpoint: string;
  readonly raw: string;
  readonly fetchedAt: string;
}

/**
 * Reads the configured pools of a venue's public insurance fund (pool symbol lists, OKX instrument
 * families, account addresses: whatever names a pool on that venue).
 */
export type PoolReader = (http: VenueHttpClient, pools: readonly string[]) => Promise<PoolAsset[]>;

/** Prices the balance readers need, taken from this run's market quotes. */
export interface PriceBook {
  /** USD price of a coin (`BTC`); stablecoins are 1. */
  coin(coin: string): number | undefined;
  /** USD price of a configured market by id. */
  market(marketId: string): number | undefined;
}

/** Coins counted at 1 USD. Binance `BNFCR` is its USD-denominated futures credit. */
export const USD_COINS: ReadonlySet<string> = new Set([
  'USD',
  'USDT',
  'USDC',
  'FDUSD',
  'BUSD',
  'DAI',
  'USDE',
  'BNFCR',
]);

/** Builds a {@link PriceBook} from coin and market prices. */
export function priceBook(
  coinPrices: ReadonlyMap<string, number>,
  marketPrices: ReadonlyMap<string, number>,
): PriceBook {
  return {
    coin: (c) => (USD_COINS.has(c.toUpperCase()) ? 1 : coinPrices.get(c.toUpperCase())),
    market: (id) => marketPrices.get(id),
  };
}

/** The balance source did not give a usable number. */
export class BalanceUnavailableError extends Error {
  readonly source: string;

  constructor(source: string, message: string, options?: ErrorOptions) {
    super(`balance ${source}: ${message}`, options);
    this.name = 'BalanceUnavailableError';
    this.source = source;
  }
}
