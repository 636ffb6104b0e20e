import { describe, expect, it } from 'vitest';
import {
  assetOfFileName,
  mapFilesToMarkets,
  parseMapOption,
} from '../../../lambda/backtest/market-mapping.ts';
import type { PriceSeries } from '../../../lambda/backtest/price-csv.ts';
import { alignDaily, DAY_MS } from '../../../lambda/backtest/price-panel.ts';

const MARKETS = [
  { id: 'BTC-PERP-BINANCE', symbol: 'BTCUSDT' },
  { id: 'ETH-PERP-BINANCE', symbol: 'ETHUSDT' },
  { id: 'BTC-PERP-OKX', symbol: 'BTC-USDT-SWAP' },
  { id: 'SOL-PERP-BYBIT', symbol: 'SOLUSDT' },
];

describe('mapFilesToMarkets', () => {
  it('reads the asset from exchange-style file names', () => {
    expect(assetOfFileName('data/binance_btcusdt_daily.csv')).toBe('BTC');
    expect(assetOfFileName('SOLUSDT-1d.csv')).toBe('SOL');
    expect(assetOfFileName('prices.csv')).toBeUndefined();
  });

  it('maps by asset to the first market of that asset, in file order', () => {
    expect(
      mapFilesToMarkets(['x/binance_solusdt_d.csv', 'x/binance_btcusdt_d.csv'], MARKETS, undefined),
    ).toEqual(['SOL-PERP-BYBIT', 'BTC-PERP-BINANCE']);
  });

  it('falls back to file order when a name has no asset, and honours --map by path or base name', () => {
    expect(mapFilesToMarkets(['a.csv', 'b.csv'], MARKETS, undefined)).toEqual([
      'BTC-PERP-BINANCE',
      'ETH-PERP-BINANCE',
    ]);
    const map = parseMapOption('a.csv=BTC-PERP-OKX, dir/b.csv=SOL-PERP-BYBIT');
    expect(mapFilesToMarkets(['x/a.csv', 'dir/b.csv'], MARKETS, map)).toEqual([
      'BTC-PERP-OKX',
      'SOL-PERP-BYBIT',
    ]);
  });

  it('rejects bad maps with one line naming the problem', () => {
    expect(() => parseMapOption('a.csv')).toThrow('--map: expected FILE=MARKET, got "a.csv"');
    expect(() => mapFilesToMarkets(['a.csv'], MARKETS, parseMapOption('c.csv=BTC-PERP-OKX'))).toThrow(
      '--map: c.csv is not one of the --prices files',
    );
    expect(() =>
      mapFilesToMarkets(['a.csv', 'b.csv'], MARKETS, parseMapOption('a.csv=BTC-PERP-OKX')),
    ).toThrow('--map: no market given for b.csv');
    expect(() =>
      mapFilesToMarkets(['a.csv', 'b.csv'], MARKETS, parseMapOption('a.csv=BTC-PERP-OKX,b.csv=BTC-PERP-OKX')),
    ).toThrow('--map: two files map to the same market (BTC-PERP-OKX, BTC-PERP-OKX)');
    expect(() => mapFilesToMarkets(['1', '2', '3', '4', '5'], MARKETS, undefined)).toThrow(
      '--prices: 5 files but the fund has 4 markets; use --map FILE=MARKET',
    );
  });
});

function daily(file: string, days: number[], stepMs = DAY_MS): PriceSeries {
  return {
    file,
    timeColumn: 'date',
    closeColumn: 'close',
    points: days.map((d) => ({ timeMs: d * stepMs, close: 100 + d })),
    stepMs,
    gaps: [],
    wasNewestFirst: false,
    candleColumns: null,
  };
}

describe('alignDaily', () => {
  it('keeps the days common to all files within the range, oldest first', () => {
    const a = daily('a.csv', [1, 2, 3, 4, 5, 6]);
    const b = daily('b.csv', [2, 3, 5, 6, 7]);
    const panel = alignDaily(
      [
        { marketId: 'A', series: a },
        { marketId: 'B', series: b },
      ],
      { fromMs: 3 * DAY_MS, toMs: 6 * DAY_MS + 5 },
    );
    expect(panel.days).toEqual([3, 5, 6]);
    expect(panel.closes).toEqual([
      [103, 105, 106],
      [103, 105, 106],
    ]);
  });

  it('rejects hourly files and too few common days', () => {
    expect(() => alignDaily([{ marketId: 'A', series: daily('h.csv', [1, 2, 3], 3_600_000) }])).toThrow(
      'prices h.csv: the backtest needs daily closes, got rows every 1.00 h',
    );
    expect(() =>
      alignDaily([
        { marketId: 'A', series: daily('a.csv', [1, 2]) },
        { marketId: 'B', series: daily('b.csv', [3, 4]) },
      ]),
    ).toThrow('backtest: expected at least 2 days common to all price files in the chosen range, got 0');
  });
});
