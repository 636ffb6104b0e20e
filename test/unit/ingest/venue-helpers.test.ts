import { describe, expect, it } from 'vitest';
import { fromBaseUnits } from '../../../lambda/ingest/balance/evm-balance.ts';
import { LIVE_BASE_URLS, resolveBaseUrls } from '../../../lambda/ingest/base-urls.ts';
import { parseRetryAfter } from '../../../lambda/ingest/http/venue-http-client.ts';
import { fixtureQueryName, rpcKey } from '../../../lambda/ingest/replay/replay-server.ts';
import {
  completedCloses,
  parseExpiry,
  parseOptionName,
} from '../../../lambda/ingest/venues/venue-adapter.ts';

const DAY = 86_400_000;

describe('parseRetryAfter', () => {
  const now = new Date('2026-11-22T00:00:00Z');
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Sat, 21 Nov 2026 00:00:05 GMT', now)).toBe(0);
  });
  it('ignores absent or garbage values', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('resolveBaseUrls', () => {
  it('prefers env > options > config > live', () => {
    const urls = resolveBaseUrls(
      { BACKSTOP_DERIBIT_URL: 'https://env.example/deribit', BACKSTOP_OKX_URL: '' },
      { deribit: 'https://opt.example/deribit', bybit: 'https://opt.example/bybit' },
      {
        deribit: 'https://cfg.example/deribit',
        bybit: 'https://cfg.example/bybit',
        binance: 'https://cfg.example/binance',
      },
    );
    expect(urls).toEqual({
      ...LIVE_BASE_URLS,
      deribit: 'https://env.example/deribit',
      bybit: 'https://opt.example/bybit',
      binance: 'https://cfg.example/binance',
      binanceOptions: LIVE_BASE_URLS.binanceOptions,
      okx: LIVE_BASE_URLS.okx,
    });
  });
});

describe('option names', () => {
  it('parses every venue format to the 08:00 UTC expiry', () => {
    const exp = Date.UTC(2026, 11, 25, 8);
    expect(parseOptionName('BTC-25DEC26-100000-C')).toEqual({ expiryMs: exp, strike: 100_000, kind: 'C' });
    expect(parseOptionName('BTC-USD-261225-95000-P')).toEqual({ expiryMs: exp, strike: 95_000, kind: 'P' });
    expect(parseOptionName('ETH-261225-3400-C')).toEqual({ expiryMs: exp, strike: 3400, kind: 'C' });
    expect(parseOptionName('SOL-25DEC26-190-P-USDT')).toEqual({ expiryMs: exp, strike: 190, kind: 'P' });
    expect(parseExpiry('4DEC26')).toBe(Date.UTC(2026, 11, 4, 8));
  });
  it('rejects non-options', () => {
    expect(parseOptionName('BTC-PERPETUAL')).toBeUndefined();
    expect(parseOptionName('BTC-25XYZ26-100-C')).toBeUndefined();
  });
});

describe('completedCloses', () => {
  it('keeps completed days before asOf, oldest first, one per day, at most days + 1', () => {
    const asOf = new Date(10 * DAY + 3_600_000);
    const rows = [9, 10, 7, 8, 6, 5].map((d) => ({ dayMs: d * DAY, close: d }));
    rows.push({ dayMs: 8 * DAY + 60_000, close: 80 });
    expect(completedCloses(rows, 3, asOf)).toEqual([
      { dayMs: 6 * DAY, close: 6 },
      { dayMs: 7 * DAY, close: 7 },
      { dayMs: 8 * DAY, close: 80 },
      { dayMs: 9 * DAY, close: 9 },
    ]);
  });
});

describe('replay naming', () => {
  it('drops volatile parameters and sorts the rest', () => {
    expect(fixtureQueryName({ symbol: 'BTCUSDT', interval: '1d', limit: '92', endTime: '1' })).toBe(
      'interval=1d&symbol=BTCUSDT',
    );
    expect(fixtureQueryName({ start_timestamp: '1' })).toBe('_');
  });
  it('keys JSON-RPC calls by method and params without the block tag', () => {
    expect(rpcKey('eth_call', [{ to: '0xABC', data: '0x313ce567' }, 'latest'])).toBe(
      'eth_call 0xabc 0x313ce567',
    );
  });
});

describe('fromBaseUnits', () => {
  it('keeps the integer part exact beyond 2^53 base units', () => {
    expect(fromBaseUnits(150_000_000_250_000n, 6)).toBe(150_000_000.25);
    expect(fromBaseUnits(1_234_500_000_000_000_000_000n, 18)).toBe(1234.5);
  });
});
