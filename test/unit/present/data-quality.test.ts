import { describe, expect, it } from 'vitest';
import { balanceQuality, collapseFlags, flagLines } from '../../../lambda/present/data-quality.ts';

const POOL = 'binance pool BNBUSDT,BTCUSDT,ETHUSDT';
const stale = (coin: string) => ({
  code: 'BALANCE_STALE',
  detail: `${POOL} ${coin} last updated 2026-11-21T23:00:00.000Z (228.6 h > 36 h)`,
});

describe('flagLines', () => {
  it('collapses repeated flags into one line with a count, merging the one word that differs', () => {
    const flags = [
      { code: 'CORRELATION_REPAIRED', detail: 'eigenvalues clipped' },
      stale('USDC'),
      stale('USDT'),
      stale('BTC'),
      stale('BNFCR'),
      { marketId: 'SOL-PERP', code: 'STALE_FILLED', detail: 'last good 10 min old' },
    ];
    expect(flagLines(flags)).toEqual([
      'fund: CORRELATION_REPAIRED — eigenvalues clipped',
      `fund: BALANCE_STALE ×4 — ${POOL} USDC/USDT/BTC/BNFCR last updated 2026-11-21T23:00:00.000Z (228.6 h > 36 h)`,
      'SOL-PERP: STALE_FILLED — last good 10 min old',
    ]);
  });

  it('keeps the first detail when details differ in more than one word, and groups per market', () => {
    const groups = collapseFlags([
      { marketId: 'A', code: 'MISSING', detail: 'quote timed out after 5 s' },
      { marketId: 'A', code: 'MISSING', detail: 'vol timed out after 9 s' },
      { marketId: 'B', code: 'MISSING', detail: 'quote timed out after 5 s' },
    ]);
    expect(groups).toEqual([
      { marketId: 'A', code: 'MISSING', count: 2, detail: 'quote timed out after 5 s' },
      { marketId: 'B', code: 'MISSING', count: 1, detail: 'quote timed out after 5 s' },
    ]);
  });
});

describe('balanceQuality', () => {
  it('is UNKNOWN without a balance, STALE with the oldest age the flags state, else fresh', () => {
    expect(balanceQuality(null, [])).toEqual({ kind: 'unknown', note: 'balance UNKNOWN' });
    expect(
      balanceQuality(1e9, [stale('USDT'), { code: 'BALANCE_STALE', detail: 'pool Y BTC (240.4 h > 36 h)' }]),
    ).toEqual({ kind: 'stale', note: 'balance STALE (updated 240 h ago, limit 36 h)' });
    expect(balanceQuality(1e9, [{ code: 'BALANCE_COIN_UNPRICED', detail: 'FDUSD left out' }])).toEqual({
      kind: 'stale',
      note: 'balance STALE (BALANCE_COIN_UNPRICED)',
    });
    // A market's stale data is not the balance's.
    expect(balanceQuality(1e9, [{ marketId: 'X', code: 'BALANCE_STALE', detail: '(50 h > 36 h)' }])).toEqual({
      kind: 'fresh',
      note: '',
    });
  });
});
