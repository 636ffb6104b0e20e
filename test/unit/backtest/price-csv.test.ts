import { describe, expect, it } from 'vitest';
import {
  parseNumberCell,
  parsePriceCsv,
  parseTimeCell,
  usesDecimalComma,
} from '../../../lambda/backtest/price-csv.ts';
import { InvalidInputError } from '../../../lambda/model/validation.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2020, 2, 10);

describe('parseTimeCell', () => {
  it('reads Unix seconds, milliseconds and microseconds as the same instant', () => {
    expect(parseTimeCell('1583798400')).toBe(T0);
    expect(parseTimeCell('1583798400000')).toBe(T0);
    expect(parseTimeCell('1583798400000000')).toBe(T0);
  });

  it('reads ISO dates and date-times as UTC unless an offset is given', () => {
    expect(parseTimeCell('2020-03-10')).toBe(T0);
    expect(parseTimeCell('2020-03-10 18:00:00')).toBe(T0 + 18 * 3_600_000);
    expect(parseTimeCell('2020-03-10T18:00:00Z')).toBe(T0 + 18 * 3_600_000);
    expect(parseTimeCell('2020-03-10T18:00:00+02:00')).toBe(T0 + 16 * 3_600_000);
    expect(parseTimeCell('10/03/2020')).toBeUndefined();
  });
});

describe('parsePriceCsv', () => {
  it('skips a banner line, prefers the Unix column and sorts a newest-first file oldest first', () => {
    const text = [
      'https://www.CryptoDataDownload.com',
      'Unix,Date,Symbol,Open,High,Low,Close,Volume BTC',
      `${T0 + 2 * DAY},2020-03-12,BTCUSDT,1,1,1,4800.5,1`,
      `${T0 + DAY},2020-03-11,BTCUSDT,1,1,1,7900,1`,
      `${T0},2020-03-10,BTCUSDT,1,1,1,7950,1`,
      '',
    ].join('\n');
    const s = parsePriceCsv(text, 'btc.csv');
    expect(s.timeColumn).toBe('Unix');
    expect(s.closeColumn).toBe('Close');
    expect(s.wasNewestFirst).toBe(true);
    expect(s.points).toEqual([
      { timeMs: T0, close: 7950 },
      { timeMs: T0 + DAY, close: 7900 },
      { timeMs: T0 + 2 * DAY, close: 4800.5 },
    ]);
    expect(s.stepMs).toBe(DAY);
    expect(s.gaps).toEqual([]);
  });

  it('reads close before time, any case, seconds, oldest first, CRLF line ends', () => {
    const text = `CLOSE,TimeStamp\r\n100,${T0 / 1000}\r\n110,${T0 / 1000 + 86_400}\r\n`;
    const s = parsePriceCsv(text, 'x.csv');
    expect(s.wasNewestFirst).toBe(false);
    expect(s.points).toEqual([
      { timeMs: T0, close: 100 },
      { timeMs: T0 + DAY, close: 110 },
    ]);
  });

  it('reads hourly ISO open_time rows and reports a gap of two missing hours', () => {
    const text = [
      'open_time,open,high,low,close,volume',
      '2020-10-07 18:00:00,1,1,1,10,1',
      '2020-10-07 19:00:00,1,1,1,11,1',
      '2020-10-07 20:00:00,1,1,1,12,1',
      '2020-10-07 23:00:00,1,1,1,13,1',
      '2020-10-08 00:00:00,1,1,1,14,1',
    ].join('\n');
    const s = parsePriceCsv(text, 'h.csv');
    expect(s.stepMs).toBe(3_600_000);
    expect(s.gaps).toEqual([
      { afterMs: Date.UTC(2020, 9, 7, 20), beforeMs: Date.UTC(2020, 9, 7, 23), missing: 2 },
    ]);
  });

  it('names the file, line and column of a bad close', () => {
    const text = 'date,close\n2020-03-10,100\n2020-03-11,abc\n';
    expect(() => parsePriceCsv(text, 'bad.csv')).toThrow(
      new InvalidInputError(
        'prices bad.csv: line 3, column "close": expected a positive number, got "abc"',
        'close',
      ),
    );
  });

  it('names the line of a bad time and of a duplicate time', () => {
    expect(() => parsePriceCsv('date,close\n2020-03-10,100\nyesterday,1\n', 'a.csv')).toThrow(
      'prices a.csv: line 3, column "date": expected a Unix time or a date such as 2020-03-10, got "yesterday"',
    );
    expect(() => parsePriceCsv('date,close\n2020-03-10,100\n2020-03-10,101\n', 'b.csv')).toThrow(
      'prices b.csv: line 3, column "date": duplicate time 2020-03-10T00:00:00.000Z (also on line 2)',
    );
  });

  it('rejects a negative price, a file without a header and a file with one row', () => {
    expect(() => parsePriceCsv('date,close\n2020-03-10,-1\n2020-03-11,1\n', 'n.csv')).toThrow(
      'line 2, column "close": expected a positive number, got "-1"',
    );
    expect(() => parsePriceCsv('a,b\n1,2\n', 'h.csv')).toThrow(/prices h\.csv: no header/);
    expect(() => parsePriceCsv('date,close\n2020-03-10,1\n', 'o.csv')).toThrow(
      'prices o.csv: expected at least 2 rows of prices, got 1',
    );
  });
});

describe('parsePriceCsv with a real CSV parser', () => {
  const closes = (text: string, extraColumns?: string[]) =>
    parsePriceCsv(text, 'x.csv', extraColumns === undefined ? {} : { extraColumns }).points;

  it('reads quoted fields with thousands separators, and a quote or comma inside a quoted banner', () => {
    const text = [
      '"Exported by ""Desk"", 2020"',
      'Date,Symbol,Close,Volume',
      `2020-03-10,"BTC,USDT","1,000.5","12,345,678"`,
      `2020-03-11,"BTC,USDT","7,950",0.5`,
    ].join('\n');
    expect(closes(text, ['volume'])).toEqual([
      { timeMs: T0, close: 1000.5, extra: [12_345_678] },
      { timeMs: T0 + DAY, close: 7950, extra: [0.5] },
    ]);
  });

  it('detects a ; file with decimal commas and dot or space thousands separators', () => {
    const text = '\uFEFFDate;Close;Volume\n2020-03-10;7.950,25;"1 234,5"\n2020-03-11;0,5;3\n';
    expect(closes(text, ['Volume'])).toEqual([
      { timeMs: T0, close: 7950.25, extra: [1234.5] },
      { timeMs: T0 + DAY, close: 0.5, extra: [3] },
    ]);
  });

  it('reads a ; file that writes decimals with a point', () => {
    expect(closes('date;close\n2020-03-10;66797.37\n2020-03-11;1,000\n')).toEqual([
      { timeMs: T0, close: 66797.37 },
      { timeMs: T0 + DAY, close: 1000 },
    ]);
  });

  it('detects a tab-separated file', () => {
    expect(closes(`unix\tclose\n${T0}\t"1,234.5"\n${T0 + DAY}\t1300\n`)).toEqual([
      { timeMs: T0, close: 1234.5 },
      { timeMs: T0 + DAY, close: 1300 },
    ]);
  });

  it('names the line a bad cell ends on, counting a quoted field that spans lines', () => {
    const text = 'date,note,close\n2020-03-10,"two\nlines",100\n2020-03-11,x,"1,00"\n';
    expect(() => parsePriceCsv(text, 'q.csv')).toThrow(
      'prices q.csv: line 4, column "close": expected a positive number, got "1,00"',
    );
  });

  it('refuses a file whose header is found by no delimiter, naming the ones tried', () => {
    expect(() => parsePriceCsv('date|close\n2020-03-10|1\n', 'p.csv')).toThrow(
      'prices p.csv: no header with a time column (unix, timestamp, open_time, opentime, time_open, timeopen, time, datetime, date, snapped_at, day) and a close column in the first 6 lines (separated by commas, semicolons or tabs)',
    );
  });

  it('refuses a number with a comma that is not a thousands separator in a , file', () => {
    expect(() => parsePriceCsv('date,close\n2020-03-10,"7950,5"\n2020-03-11,1\n', 'c.csv')).toThrow(
      'prices c.csv: line 2, column "close": expected a positive number, got "7950,5"',
    );
  });
});

describe('usesDecimalComma and parseNumberCell', () => {
  it('decide the decimal mark from the cells that read only one way', () => {
    expect(usesDecimalComma(['1,000', '0,5'], ';')).toBe(true);
    expect(usesDecimalComma(['1,000', '0.5'], ';')).toBe(false);
    expect(usesDecimalComma(['1,000'], ';')).toBe(false);
    expect(usesDecimalComma(['0,5'], ',')).toBe(false);
    expect(parseNumberCell('1.234.567,89', true)).toBe(1_234_567.89);
    expect(parseNumberCell('1,234,567.89')).toBe(1_234_567.89);
    expect(parseNumberCell('.5')).toBe(0.5);
    expect(parseNumberCell('1e-3')).toBe(0.001);
    expect(parseNumberCell('1,23')).toBeNaN();
    expect(parseNumberCell('1.5', true)).toBeNaN();
  });

  it('reads open, high and low when asked for candles, and closes only from a file without them', () => {
    const text = [
      'Date,Open_Price,HIGH,low,Close',
      '2020-03-11,7900,7990,7600,7934.5',
      '2020-03-12,7934.5,7966,4410,4800',
    ].join('\n');
    const s = parsePriceCsv(text, 'btc.csv', { candles: true });
    expect(s.candleColumns).toEqual(['Open_Price', 'HIGH', 'low']);
    expect(s.points[1]).toEqual({ timeMs: T0 + 2 * DAY, close: 4800, open: 7934.5, high: 7966, low: 4410 });
    const closesOnly = parsePriceCsv('date,close\n2020-03-11,1\n2020-03-12,2\n', 'c.csv', { candles: true });
    expect(closesOnly.candleColumns).toBeNull();
    expect(closesOnly.points[0]).toEqual({ timeMs: T0 + DAY, close: 1 });
    // Without the option the candle columns are not read.
    expect(parsePriceCsv(text, 'btc.csv').candleColumns).toBeNull();
  });

  it('names the line and column of a bad candle cell', () => {
    const text = ['Date,Open,High,Low,Close', '2020-03-11,1,2,1,1.5', '2020-03-12,1,2,0,1.5'].join('\n');
    expect(() => parsePriceCsv(text, 'btc.csv', { candles: true })).toThrow(
      'prices btc.csv: line 3, column "Low": expected a positive number, got "0"',
    );
  });

  it('reads the layouts of other public BTC exports: CoinGecko, Investing.com, CoinDesk, CoinMarketCap, Yahoo', () => {
    const closes = (text: string) => {
      const series = parsePriceCsv(text, 'x.csv', { candles: true });
      return series.points.map((p) => [
        new Date(p.timeMs).toISOString().slice(0, 10),
        p.close,
        p.low ?? null,
      ]);
    };
    // CoinGecko: snapped_at with a trailing UTC, price (no candle columns).
    expect(
      closes(
        'snapped_at,price,market_cap,total_volume\n2020-03-11 00:00:00 UTC,7934.5,1,1\n2020-03-12 00:00:00 UTC,4800,1,1\n',
      ),
    ).toEqual([
      ['2020-03-11', 7934.5, null],
      ['2020-03-12', 4800, null],
    ]);
    // Investing.com: quoted, newest first, month-first dates (03/13 decides the order), thousands commas.
    expect(
      closes(
        '"Date","Price","Open","High","Low","Vol.","Change %"\n"03/13/2020","5,563.7","4,800.0","5,955.0","3,858.0","1.2M","15.9%"\n"03/12/2020","4,800.0","7,934.5","7,966.0","4,410.0","1.9M","-39.5%"\n',
      ),
    ).toEqual([
      ['2020-03-12', 4800, 4410],
      ['2020-03-13', 5563.7, 3858],
    ]);
    // CoinDesk: units in the header, month names.
    expect(
      closes(
        'Currency,Date,Closing Price (USD),24h Open (USD),24h High (USD),24h Low (USD)\nBTC,Mar 12 2020,4800,7934.5,7966,4410\nBTC,"Mar 13, 2020",5563.7,4800,5955,3858\n',
      ),
    ).toEqual([
      ['2020-03-12', 4800, 4410],
      ['2020-03-13', 5563.7, 3858],
    ]);
    // CoinMarketCap: ; separated, ISO timeOpen, footnote stars in the header; day-first dates elsewhere.
    expect(
      closes(
        'timeOpen;Open*;High;Low;Close**\n2020-03-12T00:00:00.000Z;7934.5;7966;4410;4800\n2020-03-13T00:00:00.000Z;4800;5955;3858;5563.7\n',
      ),
    ).toEqual([
      ['2020-03-12', 4800, 4410],
      ['2020-03-13', 5563.7, 3858],
    ]);
    expect(closes('Date,Close\n13/03/2020,5563.7\n12/03/2020,4800\n').map((r) => r[0])).toEqual([
      '2020-03-12',
      '2020-03-13',
    ]);
    // Yahoo: Close is preferred to Adj Close.
    expect(
      closes(
        'Date,Open,High,Low,Close,Adj Close,Volume\n2020-03-12,7934.5,7966,4410,4800,4799,1\n2020-03-13,4800,5955,3858,5563.7,5563,1\n',
      )[0],
    ).toEqual(['2020-03-12', 4800, 4410]);
  });

  it('reads numeric dates only once the file decides their order, and refuses dates that do not exist', () => {
    expect(parseTimeCell('03/10/2020', 'mdy')).toBe(T0);
    expect(parseTimeCell('10.03.2020', 'dmy')).toBe(T0);
    expect(parseTimeCell('03/10/2020')).toBeUndefined();
    expect(parseTimeCell('31 Apr 2020')).toBeUndefined();
    expect(parseTimeCell('2020/03/10')).toBe(T0);
  });
});
