import { describe, expect, it } from 'vitest';
import { parsePriceCsv, parseTimeCell } from '../../../lambda/backtest/price-csv.ts';
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
