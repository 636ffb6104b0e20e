import { describe, expect, it } from 'vitest';
import { RECORDED_AS_OF, retimeBody, retimeDays } from '../../../lambda/ingest/replay/retime.ts';

describe('retimeDays', () => {
  it('counts whole days from the recording day, so the recording day itself is served as recorded', () => {
    expect(RECORDED_AS_OF).toBe('2026-11-22T00:00:00.000Z');
    expect(retimeDays('2026-11-22T04:15:00.000Z')).toBe(0);
    expect(retimeDays('2026-12-01T11:36:00.000Z')).toBe(9);
    expect(retimeDays('2026-11-21T23:59:00.000Z')).toBe(-1);
  });
});

describe('retimeBody', () => {
  it('moves epoch-ms timestamps and option expiries by whole days and nothing else', () => {
    const body = JSON.stringify({
      updateTime: 1795302000000, // 2026-11-21T23:00Z
      ts: '1795305600000', // 2026-11-22T00:00Z, as a string (OKX)
      kline: [1795219200000, '184.295', '192.28', 13222794.64, '2512330981.40'],
      names: ['BTC-261225-100000-C', 'BTC-27DEC26-95000-P', 'ETH-USD-270326-4000-C', 'BTCUSDT_261225'],
      price: 97000.5,
      turnover: '15213884190.52',
      usIn: 1795305600123456,
    });
    expect(JSON.parse(retimeBody(body, 9))).toEqual({
      updateTime: 1795302000000 + 9 * 86_400_000,
      ts: String(1795305600000 + 9 * 86_400_000),
      kline: [1795219200000 + 9 * 86_400_000, '184.295', '192.28', 13222794.64, '2512330981.40'],
      names: ['BTC-270103-100000-C', 'BTC-5JAN27-95000-P', 'ETH-USD-270404-4000-C', 'BTCUSDT_261225'],
      price: 97000.5,
      turnover: '15213884190.52',
      usIn: 1795305600123456,
    });
  });

  it('serves the recording unchanged on its own day, and bodies that are not JSON as they are', () => {
    expect(retimeBody('{"a": 1795302000000}', 0)).toBe('{"a": 1795302000000}');
    expect(retimeBody('<html>', 3)).toBe('<html>');
  });
});
