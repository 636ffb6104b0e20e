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
      'prices a.csv: line 3, column "date": expected a Unix time or an ISO-8601 date, got "yesterday"',
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
      'prices p.csv: no header with a time column (unix, timestamp, open_time, opentime, time, datetime, date) and a close column in the first 6 lines (separated by commas, semicolons or tabs)',
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
});
