/**
 * An on-chain balance over JSON-RPC: an ERC-20 `balanceOf` (+ `decimals`) via `eth_call`, or the
 * native coin via `eth_getBalance` (18 decimals), priced at a fixed USD price (stablecoins) or a
 * configured market's price.
 */
import { z } from 'zod';
import type { BalanceSource } from '../../config/fund-config.ts';
import type { VenueHttpClient } from '../http/venue-http-client.ts';
import { observation } from '../venues/venue-adapter.ts';
import { type BalanceReading, BalanceUnavailableError, type PriceBook } from './balance-reading.ts';

type EvmSource = Extract<BalanceSource, { type: 'evm' }>;

const RpcResult = z.looseObject({
  jsonrpc: z.literal('2.0'),
  result: z
    .string()
    .regex(/^0x[0-9a-fA-F]*$/)
    .optional(),
  error: z.looseObject({ code: z.number(), message: z.string() }).optional(),
});

/** ERC-20 selectors. */
const BALANCE_OF = '0x70a08231';
const DECIMALS = '0x313ce567';

/** Converts a base-unit integer to a decimal amount without losing precision on the integer part. */
export function fromBaseUnits(raw: bigint, decimals: number): number {
  const scale = 10n ** BigInt(decimals);
  return Number(raw / scale) + Number(raw % scale) / Number(scale);
}

/**
 * One JSON-RPC call. An empty `0x` answer is an error, not zero: an `eth_call` to an address without
 * contract code (a token of another chain, a typo) returns exactly that, and reading it as 0 would
 * report an empty fund instead of an unknown one.
 */
async function call(
  http: VenueHttpClient,
  what: { method: string; label: string; to?: string },
  params: unknown[],
  id: number,
): Promise<string> {
  const { data } = await http.postJson('', { jsonrpc: '2.0', id, method: what.method, params }, RpcResult);
  if (data.error !== undefined || data.result === undefined) {
    throw new BalanceUnavailableError(
      'evm',
      `${what.method}: ${data.error?.message ?? 'no result'} (code ${data.error?.code})`,
    );
  }
  if (data.result === '0x') {
    const where = what.to === undefined ? '' : ` (no contract at ${what.to} on this chain?)`;
    throw new BalanceUnavailableError('evm', `${what.label}: empty answer "0x"${where}`);
  }
  return data.result;
}

/** Reads the address's balance. @throws BalanceUnavailableError, VenueError */
export async function readEvmBalance(
  http: VenueHttpClient,
  src: EvmSource,
  prices: PriceBook,
  now: Date,
): Promise<BalanceReading> {
  const price = 'fixedUsd' in src.price ? src.price.fixedUsd : prices.market(src.price.marketId);
  if (price === undefined) {
    throw new BalanceUnavailableError(
      'evm',
      `no price for market ${JSON.stringify((src.price as { marketId: string }).marketId)}`,
    );
  }
  let raw: string;
  let decimals: number;
  if (src.token === undefined) {
    raw = await call(http, { method: 'eth_getBalance', label: 'eth_getBalance' }, [src.address, 'latest'], 1);
    decimals = 18;
  } else {
    const data = `${BALANCE_OF}${src.address.slice(2).toLowerCase().padStart(64, '0')}`;
    const balanceOf = { method: 'eth_call', label: 'eth_call balanceOf', to: src.token };
    raw = await call(http, balanceOf, [{ to: src.token, data }, 'latest'], 1);
    const decimalsOf = { method: 'eth_call', label: 'eth_call decimals', to: src.token };
    decimals = Number(BigInt(await call(http, decimalsOf, [{ to: src.token, data: DECIMALS }, 'latest'], 2)));
  }
  const amount = fromBaseUnits(BigInt(raw), decimals);
  return {
    amountUsd: amount * price,
    observations: [
      observation({
        marketId: null,
        venue: 'evm',
        endpoint: src.token === undefined ? 'eth_getBalance' : 'eth_call balanceOf',
        field: 'fundBalance',
        rawValue: raw,
        rawUnit: `base units (decimals ${decimals}) at ${price} USD`,
        normalised: amount * price,
        fetchedAt: now.toISOString(),
      }),
    ],
    flags: [],
  };
}
