/**
 * Every fund-balance source: static, each venue's insurance-fund pools and the EVM JSON-RPC against
 * the replay server; SSM through aws-sdk-client-mock (no local SSM exists). Unavailable ⇒ null +
 * BALANCE_UNAVAILABLE, never zero.
 */
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BalanceSource } from '../../../lambda/config/fund-config.ts';
import { priceBook } from '../../../lambda/ingest/balance/balance-reading.ts';
import { type BalanceDeps, readBalance } from '../../../lambda/ingest/balance/read-balance.ts';
import { VenueHttpClient } from '../../../lambda/ingest/http/venue-http-client.ts';
import { type ReplayServer, startReplayServer } from '../../../lambda/ingest/replay/replay-server.ts';

const AS_OF = new Date('2026-11-22T00:00:00Z');
const TREASURY = '0x7a16fF8270133F063aAb6C9977183D9e72835428';
const USDC = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48';
const ssmMock = mockClient(SSMClient);
let replay: ReplayServer;
let deps: BalanceDeps;
const prices = priceBook(new Map([['BTC', 97_000]]), new Map([['ETH-PERP', 3_400]]));

const read = (source: BalanceSource, asOf = AS_OF) => readBalance(source, deps, prices, asOf, AS_OF);
const pool = (
  venue: 'binance' | 'bybit' | 'okx' | 'hyperliquid' | 'dydx',
  pools: string[],
  coins?: string[],
): Extract<BalanceSource, { type: 'venue-pool' }> => ({
  type: 'venue-pool',
  venue,
  pools,
  maxAgeHours: 36,
  ...(coins === undefined ? {} : { coins }),
});

beforeAll(async () => {
  replay = await startReplayServer();
  const http = (venue: 'binance' | 'bybit' | 'okx' | 'hyperliquid' | 'dydxNode') =>
    new VenueHttpClient({ venue, baseUrl: replay.baseUrls[venue], maxRetries: 0 });
  deps = {
    venueHttp: {
      binance: http('binance'),
      bybit: http('bybit'),
      okx: http('okx'),
      hyperliquid: http('hyperliquid'),
      dydxNode: http('dydxNode'),
    },
    evmHttp: (rpcUrl) => new VenueHttpClient({ venue: 'evm', baseUrl: rpcUrl, maxRetries: 0 }),
    ssm: () => new SSMClient({ region: 'eu-west-1' }),
  };
});
afterEach(() => {
  replay.clearFaults();
  ssmMock.reset();
});
afterAll(async () => {
  await replay.close();
});

describe('static balance', () => {
  it('is the configured amount', async () => {
    const r = await read({ type: 'static', amountUsd: 150_000_000 });
    expect(r.fundBalanceUsd).toBe(150_000_000);
    expect(r.flags).toEqual([]);
  });
});

describe('venue insurance pools', () => {
  it('sums every coin of the Binance pool holding BTCUSDT, BTC priced at the market', async () => {
    const r = await read(pool('binance', ['BTCUSDT']));
    // USDC 299,999,998.65 + USDT 1,052,417,733.28 + 61.73143554 BTC × 97,000 + BNFCR 633,223.99
    expect(r.fundBalanceUsd).toBeCloseTo(1_359_038_905.173078, 4);
    expect(r.observations.map((o) => o.rawUnit)).toEqual(['USDC', 'USDT', 'BTC', 'BNFCR']);
    expect(r.observations[0]?.venueTimestamp).toBe('2026-11-21T23:00:00.000Z');
  });

  it('keeps only the configured coins', async () => {
    const r = await read(pool('binance', ['BTCUSDT'], ['USDT', 'BTC']));
    expect(r.fundBalanceUsd).toBeCloseTo(1_058_405_682.529326, 4);
  });

  it('leaves out (and flags) a coin it cannot price', async () => {
    const r = await readBalance(
      pool('binance', ['BTCUSDT']),
      deps,
      priceBook(new Map(), new Map()),
      AS_OF,
      AS_OF,
    );
    expect(r.fundBalanceUsd).toBeCloseTo(1_359_038_905.173078 - 61.73143554 * 97_000, 4);
    expect(r.flags.map((f) => f.code)).toEqual(['BALANCE_COIN_UNPRICED']);
  });

  it('sums Bybit pools by their symbol lists using the venue’s USD value', async () => {
    const r = await read(pool('bybit', ['SOLUSDT', 'BTCUSD']));
    expect(r.fundBalanceUsd).toBeCloseTo(41_259_494.183 + 88_517_557.58, 4);
  });

  it('counts a depleted (negative) Bybit pool against the balance and flags it', async () => {
    const depleted: typeof fetch = async (input, init) => {
      const body = await (await fetch(input, init)).json();
      const sol = body.result.list.find((p: { symbols: string }) => p.symbols.startsWith('SOLUSDT'));
      Object.assign(sol, { balance: '-1000200.1', value: '-1000000.5' });
      return new Response(JSON.stringify(body), { status: 200 });
    };
    const bybit = new VenueHttpClient({ venue: 'bybit', baseUrl: replay.baseUrls.bybit, fetch: depleted });
    const r = await readBalance(
      pool('bybit', ['SOLUSDT', 'BTCUSD']),
      { ...deps, venueHttp: { ...deps.venueHttp, bybit } },
      prices,
      AS_OF,
      AS_OF,
    );
    expect(r.fundBalanceUsd).toBeCloseTo(88_517_557.58 - 1_000_000.5, 4);
    expect(r.flags).toEqual([
      {
        code: 'BALANCE_POOL_NEGATIVE',
        detail:
          'bybit pool SOLUSDT,XRPUSDT,DOGEUSDT: -1000200.1 USDT (-1000000.5 USD), a depleted pool; counted',
      },
    ]);
  });

  it('takes the newest OKX entry per currency for each instrument family', async () => {
    const r = await read(pool('okx', ['BTC-USDT', 'ETH-USDT']));
    expect(r.fundBalanceUsd).toBeCloseTo(402_118_773.2231 + 188_402_551.771, 4);
    expect(
      replay
        .requests()
        .filter((q) => q.path === '/okx/api/v5/public/insurance-fund')
        .map((q) => q.query.instFamily),
    ).toEqual(['BTC-USDT', 'ETH-USDT']);
  });

  it('picks the OKX entry by its ts, not by its place in the list', async () => {
    // The recorded details are newest first; reversed, "the first entry" would be the older balance.
    const reversed: typeof fetch = async (input, init) => {
      const body = await (await fetch(input, init)).json();
      for (const d of body.data) d.details.reverse();
      return new Response(JSON.stringify(body), { status: 200 });
    };
    const okx = new VenueHttpClient({ venue: 'okx', baseUrl: replay.baseUrls.okx, fetch: reversed });
    const r = await readBalance(
      pool('okx', ['BTC-USDT']),
      { ...deps, venueHttp: { ...deps.venueHttp, okx } },
      prices,
      AS_OF,
      AS_OF,
    );
    expect(r.fundBalanceUsd).toBeCloseTo(402_118_773.2231, 4);
    expect(r.observations[0]?.venueTimestamp).toBe('2026-11-21T23:00:00.000Z');
  });

  it('flags a pool update older than maxAgeHours but still uses it', async () => {
    const r = await read(pool('bybit', ['BTCUSDT']), new Date('2026-11-23T12:00:00Z'));
    expect(r.fundBalanceUsd).toBeCloseTo(312_493_313.886, 4);
    expect(r.flags).toEqual([expect.objectContaining({ code: 'BALANCE_STALE' })]);
    expect(r.flags[0]?.detail).toContain('(37.0 h > 36 h)');
  });

  it('is unavailable (null, never 0) when the pool is not found or the venue is down', async () => {
    const missing = await read(pool('binance', ['NOPEUSDT']));
    expect(missing.fundBalanceUsd).toBeNull();
    expect(missing.flags[0]).toMatchObject({ code: 'BALANCE_UNAVAILABLE' });
    replay.setFault({ path: '/bybit/v5/market/insurance' }, { status: 500 });
    const down = await read(pool('bybit', ['BTCUSDT']));
    expect(down.fundBalanceUsd).toBeNull();
    expect(down.flags[0]?.detail).toContain('HTTP 500');
  });
});

describe('SSM parameter', () => {
  it('reads a USD amount maintained by treasury', async () => {
    ssmMock
      .on(GetParameterCommand, { Name: '/backstop/demo/balance', WithDecryption: true })
      .resolves({ Parameter: { Value: '150000000.5', LastModifiedDate: new Date('2026-11-21T09:00:00Z') } });
    const r = await read({ type: 'ssm', parameterName: '/backstop/demo/balance' });
    expect(r.fundBalanceUsd).toBe(150_000_000.5);
    expect(r.observations[0]?.venueTimestamp).toBe('2026-11-21T09:00:00.000Z');
  });

  it('is unavailable when the value is not a number or the call fails', async () => {
    ssmMock
      .on(GetParameterCommand)
      .resolvesOnce({ Parameter: { Value: 'TBD' } })
      .rejectsOnce(new Error('AccessDenied'));
    const bad = await read({ type: 'ssm', parameterName: '/p' });
    expect(bad.fundBalanceUsd).toBeNull();
    expect(bad.flags[0]?.detail).toBe('ssm: balance ssm /p: expected a non-negative USD amount, got "TBD"');
    const denied = await read({ type: 'ssm', parameterName: '/p' });
    expect(denied.flags[0]?.detail).toBe('ssm: balance ssm /p: AccessDenied');
  });
});

describe('EVM address over JSON-RPC', () => {
  it('reads an ERC-20 balance with its decimals', async () => {
    const r = await read({
      type: 'evm',
      rpcUrl: `${replay.url}/evm`,
      address: TREASURY,
      token: USDC,
      price: { fixedUsd: 1 },
    });
    expect(r.fundBalanceUsd).toBe(150_000_000.25);
    expect(r.observations[0]?.rawUnit).toBe('base units (decimals 6) at 1 USD');
  });

  it('reads the native balance priced at a configured market', async () => {
    const r = await read({
      type: 'evm',
      rpcUrl: `${replay.url}/evm`,
      address: TREASURY,
      price: { marketId: 'ETH-PERP' },
    });
    expect(r.fundBalanceUsd).toBeCloseTo(1234.5 * 3400, 6);
  });

  it('is unavailable, not zero, when the token address has no contract (empty "0x" answer)', async () => {
    const r = await read({
      type: 'evm',
      rpcUrl: `${replay.url}/evm`,
      address: TREASURY,
      token: '0x000000000000000000000000000000000000dEaD',
      price: { fixedUsd: 1 },
    });
    expect(r.fundBalanceUsd).toBeNull();
    expect(r.flags).toEqual([
      {
        code: 'BALANCE_UNAVAILABLE',
        detail:
          'evm: balance evm: eth_call balanceOf: empty answer "0x" (no contract at 0x000000000000000000000000000000000000dEaD on this chain?)',
      },
    ]);
  });

  it('is unavailable for an address the node has no answer for', async () => {
    const r = await read({
      type: 'evm',
      rpcUrl: `${replay.url}/evm`,
      address: '0x0000000000000000000000000000000000000001',
      price: { fixedUsd: 1 },
    });
    expect(r.fundBalanceUsd).toBeNull();
    expect(r.flags[0]?.detail).toContain('eth_getBalance: no recorded answer');
  });
});

describe('DeFi pools and a sum of sources', () => {
  const HLP = '0xdfc24b077bc1425ad1dea75bcb6f8158e10df303';
  const DYDX_FUND = 'dydx1c7ptc87hkd54e3r7zjy92q29xkq7t79w64slrq';

  it('reads the HLP vault’s account value and dYdX’s insurance fund, its DYDX dust unpriced', async () => {
    const hl = await read(pool('hyperliquid', [HLP]));
    expect(hl.fundBalanceUsd).toBe(215_430_118.44);
    expect(hl.flags).toEqual([]);
    const dydx = await read(pool('dydx', [DYDX_FUND]));
    expect(dydx.fundBalanceUsd).toBeCloseTo(8_412_551.220815, 6);
    expect(dydx.flags).toEqual([
      {
        code: 'BALANCE_COIN_UNPRICED',
        detail: `dydx pool ${DYDX_FUND}: no USD price for 1.25 DYDX; left out`,
      },
    ]);
    expect((await read(pool('dydx', [DYDX_FUND], ['USDC']))).flags).toEqual([]);
  });

  it('sums the parts, keeping every part’s trail', async () => {
    const r = await read({
      type: 'sum',
      sources: [pool('hyperliquid', [HLP]), pool('dydx', [DYDX_FUND], ['USDC'])],
    });
    expect(r.fundBalanceUsd).toBeCloseTo(215_430_118.44 + 8_412_551.220815, 6);
    expect(r.observations.map((o) => [o.venue, o.endpoint, o.rawValue])).toEqual([
      ['hyperliquid', '/info clearinghouseState', '215430118.44'],
      ['dydx', '/cosmos/bank/v1beta1/balances', '8412551220815'],
    ]);
  });

  it('is unavailable as a whole when one part is, never a partial sum', async () => {
    replay.setFault({ path: `/dydx-node/cosmos/bank/v1beta1/balances/${DYDX_FUND}` }, { status: 502 });
    const r = await read({
      type: 'sum',
      sources: [pool('hyperliquid', [HLP]), pool('dydx', [DYDX_FUND], ['USDC'])],
    });
    expect(r.fundBalanceUsd).toBeNull();
    expect(r.flags.map((f) => f.code)).toEqual(['BALANCE_UNAVAILABLE', 'BALANCE_UNAVAILABLE']);
    expect(r.flags[1]?.detail).toBe('sum: part 2 of 2 (venue-pool) unavailable; no partial sum');
  });
});
