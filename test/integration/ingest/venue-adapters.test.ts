/**
 * Each venue adapter against the replay server (real HTTP on 127.0.0.1) serving the recorded
 * fixtures: normalised numbers and every unit trap of docs/MARKET-DATA.md (Normalisation).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VenueHttpClient } from '../../../lambda/ingest/http/venue-http-client.ts';
import {
  DEFAULT_FIXTURES_DIR,
  type ReplayServer,
  startReplayServer,
} from '../../../lambda/ingest/replay/replay-server.ts';
import { BinanceAdapter } from '../../../lambda/ingest/venues/binance.ts';
import { BybitAdapter } from '../../../lambda/ingest/venues/bybit.ts';
import { DeribitAdapter } from '../../../lambda/ingest/venues/deribit.ts';
import { OkxAdapter } from '../../../lambda/ingest/venues/okx.ts';
import { utcDay } from '../../../lambda/ingest/venues/venue-adapter.ts';
import { atmIv30d } from '../../../lambda/ingest/vol/atm-iv.ts';

const AS_OF = new Date('2026-11-22T00:00:00Z');
const DAY = 86_400_000;
let replay: ReplayServer;
let deribit: DeribitAdapter;
let binance: BinanceAdapter;
let bybit: BybitAdapter;
let okx: OkxAdapter;

const fixture = async (path: string) => JSON.parse(await readFile(join(DEFAULT_FIXTURES_DIR, path), 'utf8'));

beforeAll(async () => {
  replay = await startReplayServer();
  const http = (venue: keyof ReplayServer['baseUrls']) =>
    new VenueHttpClient({ venue, baseUrl: replay.baseUrls[venue] });
  deribit = new DeribitAdapter(http('deribit'));
  binance = new BinanceAdapter(http('binance'), http('binanceOptions'));
  bybit = new BybitAdapter(http('bybit'));
  okx = new OkxAdapter(http('okx'));
});
afterAll(async () => {
  await replay.close();
});

describe('Deribit', () => {
  it('takes an inverse perpetual’s open_interest as USD', async () => {
    const q = await deribit.perpQuote('BTC-PERPETUAL', 'BTC-D');
    expect(q).toMatchObject({
      priceUsd: 97_000,
      openInterestUsd: 1_118_420_370,
      dailyVolumeUsd: 612_004_880,
      baseCoin: 'BTC',
    });
    expect(q.observations.find((o) => o.field === 'openInterest')).toMatchObject({
      rawValue: 1_118_420_370,
      rawUnit: 'USD',
    });
  });

  it('prices a linear perpetual’s open_interest from coin to USD', async () => {
    const q = await deribit.perpQuote('SOL_USDC-PERPETUAL', 'SOL-D');
    expect(q.openInterestUsd).toBeCloseTo(612_408.5 * 190, 4);
    expect(q.observations.find((o) => o.field === 'openInterest')).toMatchObject({
      rawValue: 612_408.5,
      rawUnit: 'SOL',
    });
  });

  it('turns DVOL percent into a decimal and keeps the venue timestamp', async () => {
    const r = await deribit.dvol('BTC', AS_OF, 'BTC-D');
    expect(r.vol).toBeCloseTo(0.5184, 12);
    expect(r.observations[0]).toMatchObject({
      rawValue: 51.84,
      rawUnit: 'percent (DVOL)',
      venueTimestamp: '2026-11-21T23:00:00.000Z',
    });
  });

  it('reads oldest-first candles with numeric timestamps, completed days only', async () => {
    const { closes } = await deribit.dailyCloses('BTC-PERPETUAL', 90, AS_OF, 'BTC-D');
    const raw = (
      await fixture(
        'deribit/api/v2/public/get_tradingview_chart_data/instrument_name=BTC-PERPETUAL&resolution=1D.json',
      )
    ).result;
    expect(closes).toHaveLength(91);
    expect(closes.at(-1)).toEqual({ dayMs: AS_OF.getTime() - DAY, close: raw.close.at(-2) });
    expect(closes[0]?.dayMs).toBe(AS_OF.getTime() - 91 * DAY);
  });

  it('turns option mark_iv percent into decimals', async () => {
    const chain = await deribit.optionChain('BTC', 'BTC-D');
    const raw = (
      await fixture('deribit/api/v2/public/get_book_summary_by_currency/currency=BTC&kind=option.json')
    ).result;
    expect(chain.quotes).toHaveLength(raw.length);
    const first = chain.quotes[0];
    expect(first?.markIv).toBeCloseTo(raw[0].mark_iv / 100, 14);
    expect(first?.forward).toBe(raw[0].underlying_price);
  });
});

describe('Binance', () => {
  it('prices base-coin open interest at the mark; quoteVolume is already USD', async () => {
    const q = await binance.perpQuote('BTCUSDT', 'BTC-B');
    expect(q.priceUsd).toBe(97_000);
    expect(q.openInterestUsd).toBeCloseTo(85_412.733 * 97_000, 3);
    expect(q.dailyVolumeUsd).toBeCloseTo(15_213_884_190.52, 2);
    expect(q.observations.find((o) => o.field === 'openInterest')).toMatchObject({
      rawValue: '85412.733',
      rawUnit: 'BTC',
    });
  });

  it('drops the still-open daily kline', async () => {
    const { closes } = await binance.dailyCloses('ETHUSDT', 30, AS_OF, 'ETH-B');
    const raw = await fixture('binance/fapi/v1/klines/interval=1d&symbol=ETHUSDT.json');
    expect(closes).toHaveLength(31);
    expect(closes.at(-1)).toEqual({ dayMs: raw.at(-2)[0], close: Number(raw.at(-2)[4]) });
  });

  it('reads decimal markIV from the separate options host', async () => {
    const chain = await binance.optionChain('ETH', 'ETH-B');
    expect(
      chain.quotes.every(
        (q) => q.instrument.startsWith('ETH-') && q.forward === 3400 && q.openInterest === null,
      ),
    ).toBe(true);
    expect(replay.requests().some((r) => r.path === '/binance-options/eapi/v1/mark')).toBe(true);
  });
});

describe('Bybit', () => {
  it('takes linear openInterest as one side in coin, priced at the mark', async () => {
    const q = await bybit.perpQuote('SOLUSDT', 'SOL-Y');
    expect(q.openInterestUsd).toBeCloseTo(14_021_550.4 * 190, 3);
    expect(q.dailyVolumeUsd).toBeCloseTo(2_512_330_981.4, 3);
    expect(q.observations.find((o) => o.field === 'openInterest')?.rawUnit).toBe('SOL (one side)');
  });

  it('takes inverse openInterest as USD and prices coin turnover', async () => {
    const q = await bybit.perpQuote('BTCUSD', 'BTC-Y');
    expect(q.openInterestUsd).toBe(412_885_210);
    expect(q.dailyVolumeUsd).toBeCloseTo(6124.8817 * 97_000, 4);
    expect(replay.requests().at(-1)?.query).toEqual({ category: 'inverse', symbol: 'BTCUSD' });
  });

  it('reverses newest-first klines with string timestamps', async () => {
    const { closes } = await bybit.dailyCloses('XRPUSDT', 60, AS_OF, 'XRP-Y');
    const list = (await fixture('bybit/v5/market/kline/category=linear&interval=D&symbol=XRPUSDT.json'))
      .result.list;
    expect(list[0][0]).toBe(String(AS_OF.getTime()));
    expect(closes).toHaveLength(61);
    expect(closes.at(-1)).toEqual({ dayMs: Number(list[1][0]), close: Number(list[1][4]) });
    expect(closes[0]).toEqual({ dayMs: Number(list[61][0]), close: Number(list[61][4]) });
    for (let i = 1; i < closes.length; i++)
      expect((closes[i]?.dayMs ?? 0) - (closes[i - 1]?.dayMs ?? 0)).toBe(DAY);
  });
});

describe('OKX', () => {
  it('uses oiUsd (contracts and coin kept in the record) and prices coin volume', async () => {
    const q = await okx.perpQuote('BTC-USDT-SWAP', 'BTC-O');
    expect(q.openInterestUsd).toBeCloseTo(3_004_511 * 0.01 * 97_000, 1);
    expect(q.dailyVolumeUsd).toBeCloseTo(61_228.4 * 97_000, 3);
    expect(q.observations.find((o) => o.field === 'openInterest')?.rawUnit).toBe(
      'USD (oi 3004511 contracts, oiCcy 30045.1100 BTC)',
    );
    expect(q.observations[0]?.venueTimestamp).toBe('2026-11-21T23:59:59.000Z');
  });

  it('drops the unconfirmed newest candle and sorts oldest first', async () => {
    const { closes } = await okx.dailyCloses(
      'SOL-USDT-SWAP',
      20,
      new Date(AS_OF.getTime() + 2 * DAY),
      'SOL-O',
    );
    const rows = (await fixture('okx/api/v5/market/candles/bar=1Dutc&instId=SOL-USDT-SWAP.json')).data;
    expect(rows[0][8]).toBe('0');
    // asOf two days later: the open candle of 11-22 is still excluded because it is not confirmed.
    expect(closes.at(-1)?.dayMs).toBe(utcDay(AS_OF.getTime() - DAY));
    expect(closes.at(-1)?.close).toBe(Number(rows[1][4]));
  });
});

describe('ATM IV across venues', () => {
  it('gives the same 30-day BTC ATM IV from percent (Deribit) and decimal (Bybit, OKX) chains', async () => {
    const [d, y, o, b] = await Promise.all([
      deribit.optionChain('BTC', 'x'),
      bybit.optionChain('BTC', 'x'),
      okx.optionChain('BTC-USD', 'x'),
      binance.optionChain('BTC', 'x'),
    ]).then((chains) => chains.map((c) => atmIv30d(c.quotes, AS_OF.getTime())?.iv ?? Number.NaN));
    // The recorded chains share one smile (11DEC26 ATM 0.50, 25DEC26 ATM 0.52 before skew); the 350%
    // zero-OI and 290% no-bid quotes would move the result by tens of points if they were used.
    expect(y).toBeCloseTo(d as number, 4);
    expect(o).toBeCloseTo(d as number, 4);
    expect(d).toBeGreaterThan(0.5);
    expect(d).toBeLessThan(0.52);
    // Binance's mark endpoint has no per-expiry forward: its index price stands in, a 0.1-point difference.
    expect(b).toBeCloseTo(d as number, 2);
  });
});
