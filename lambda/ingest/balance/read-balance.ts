/**
 * Dispatches a fund's configured balance source. Any failure becomes `null` + a
 * BALANCE_UNAVAILABLE flag: the run's status is then UNKNOWN, never a zero balance.
 */
import type { SSMClient } from '@aws-sdk/client-ssm';
import { type BalanceSource, MAX_FUND_USD } from '../../config/fund-config.ts';
import type { DataFlag, Observation } from '../../run/observation.ts';
import type { VenueHttpClient } from '../http/venue-http-client.ts';
import type { VenueApi } from '../venues/registry.ts';
import { observation } from '../venues/venue-adapter.ts';
import type { PriceBook } from './balance-reading.ts';
import { readEvmBalance } from './evm-balance.ts';
import { readSecret, readSsmBalance } from './ssm-balance.ts';
import { readVenuePool } from './venue-pool.ts';

/** What the balance readers need from the outside. */
export interface BalanceDeps {
  /** The run's HTTP clients by venue API (a venue pool uses the one its registry entry names). */
  readonly venueHttp: Readonly<Partial<Record<VenueApi, VenueHttpClient>>>;
  /** JSON-RPC client for an EVM source's `rpcUrl`. */
  readonly evmHttp: (rpcUrl: string) => VenueHttpClient;
  /** SSM client for an `ssm` source (created lazily by the caller when absent). */
  readonly ssm: (region: string | undefined) => SSMClient;
}

/** A balance or null, with the audit trail either way. */
export interface BalanceOutcome {
  readonly fundBalanceUsd: number | null;
  readonly observations: readonly Observation[];
  readonly flags: readonly DataFlag[];
}

/** Reads the configured balance; never throws. */
export async function readBalance(
  source: BalanceSource,
  deps: BalanceDeps,
  prices: PriceBook,
  asOf: Date,
  now: Date,
): Promise<BalanceOutcome> {
  try {
    switch (source.type) {
      case 'static':
        return {
          fundBalanceUsd: source.amountUsd,
          observations: [
            observation({
              marketId: null,
              venue: 'config',
              endpoint: 'balance.amountUsd',
              field: 'fundBalance',
              rawValue: source.amountUsd,
              rawUnit: 'USD',
              normalised: source.amountUsd,
              fetchedAt: now.toISOString(),
            }),
          ],
          flags: [],
        };
      case 'venue-pool': {
        const r = await readVenuePool(deps.venueHttp, source, prices, asOf);
        return bounded(r.amountUsd, r.observations, r.flags);
      }
      case 'ssm': {
        const r = await readSsmBalance(deps.ssm(source.region), source.parameterName, now);
        return bounded(r.amountUsd, r.observations, r.flags);
      }
      case 'evm': {
        const secret = source.rpcUrlSecret;
        const rpcUrl =
          source.rpcUrl ?? (secret === undefined ? '' : await readSecret(deps.ssm(secret.region), secret));
        const r = await readEvmBalance(deps.evmHttp(rpcUrl), source, prices, now);
        return bounded(r.amountUsd, r.observations, r.flags);
      }
      case 'sum':
        return await readSum(source.sources, deps, prices, asOf, now);
    }
  } catch (error) {
    return {
      fundBalanceUsd: null,
      observations: [],
      flags: [{ code: 'BALANCE_UNAVAILABLE', detail: `${source.type}: ${(error as Error).message}` }],
    };
  }
}

/**
 * The sum of several sources, read in parallel. One that is unavailable makes the whole balance
 * unavailable: a partial sum would report a fund smaller than it is as if it were the truth.
 */
async function readSum(
  sources: readonly BalanceSource[],
  deps: BalanceDeps,
  prices: PriceBook,
  asOf: Date,
  now: Date,
): Promise<BalanceOutcome> {
  const parts = await Promise.all(sources.map((s) => readBalance(s, deps, prices, asOf, now)));
  const observations = parts.flatMap((p) => p.observations);
  const flags = parts.flatMap((p) => p.flags);
  const missing = parts.findIndex((p) => p.fundBalanceUsd === null);
  if (missing !== -1) {
    flags.push({
      code: 'BALANCE_UNAVAILABLE',
      detail: `sum: part ${missing + 1} of ${parts.length} (${sources[missing]?.type}) unavailable; no partial sum`,
    });
    return { fundBalanceUsd: null, observations, flags };
  }
  return { fundBalanceUsd: parts.reduce((a, p) => a + (p.fundBalanceUsd ?? 0), 0), observations, flags };
}

/**
 * A balance read from outside above {@link MAX_FUND_USD} is a unit slip, not a fund: unavailable
 * (status UNKNOWN) with its observations kept, never a coverage computed on it.
 */
function bounded(
  amountUsd: number,
  observations: readonly Observation[],
  flags: readonly DataFlag[],
): BalanceOutcome {
  if (amountUsd <= MAX_FUND_USD) return { fundBalanceUsd: amountUsd, observations, flags };
  return {
    fundBalanceUsd: null,
    observations,
    flags: [
      ...flags,
      {
        code: 'BALANCE_IMPLAUSIBLE',
        detail: `balance ${amountUsd} USD > ${MAX_FUND_USD}; treated as unavailable`,
      },
    ],
  };
}
