import { describe, expect, it } from 'vitest';
import {
  ewmaCorrelation,
  MIN_COMMON_RETURNS,
  returnsByDay,
} from '../../../lambda/ingest/recalibrate/correlation.ts';
import { repairCorrelation } from '../../../lambda/ingest/recalibrate/psd-repair.ts';
import { ewmaVol, logReturns } from '../../../lambda/ingest/vol/realized.ts';
import { symmetricEigen } from '../../../lambda/model/linalg/jacobi-eigen.ts';

const DAY = 86_400_000;
const series = (returns: number[], startDay = 0) => new Map(returns.map((r, i) => [(startDay + i) * DAY, r]));

describe('ewmaVol', () => {
  it('annualises a constant ±1% day to 1%·√365', () => {
    expect(ewmaVol([0.01, -0.01, 0.01, -0.01])).toBeCloseTo(0.191049731745428, 12);
  });

  it('weights the newest return most: λ·0.02² + 0.01² over 1 + λ', () => {
    expect(ewmaVol([0.02, 0.01], 0.97)).toBeCloseTo(0.30069293915026063, 12);
  });

  it('needs two returns', () => {
    expect(ewmaVol([0.01])).toBeUndefined();
  });

  it('computes log returns of consecutive closes', () => {
    const r = logReturns([100, 110, 99]);
    expect(r[0]).toBeCloseTo(Math.log(1.1), 14);
    expect(r[1]).toBeCloseTo(Math.log(0.9), 14);
  });
});

describe('returnsByDay', () => {
  it('keys returns by the later day and skips gaps', () => {
    const r = returnsByDay([
      { dayMs: 0, close: 100 },
      { dayMs: DAY, close: 105 },
      { dayMs: 3 * DAY, close: 110 },
    ]);
    expect([...r.keys()]).toEqual([DAY]);
    expect(r.get(DAY)).toBeCloseTo(Math.log(1.05), 14);
  });
});

describe('ewmaCorrelation', () => {
  const a = Array.from({ length: 20 }, (_, i) => (i % 3 === 0 ? 0.02 : -0.01 * (i % 2 === 0 ? 1 : 0.5)));

  it('is 1 for proportional series and −1 for opposite ones', () => {
    const c = ewmaCorrelation([series(a), series(a.map((x) => 3 * x)), series(a.map((x) => -x))]);
    expect(c[0]?.[1]).toBeCloseTo(1, 12);
    expect(c[0]?.[2]).toBeCloseTo(-1, 12);
    expect(c[1]?.[0]).toBe(c[0]?.[1]);
  });

  it('matches the weighted zero-mean formula on a hand-built pair', () => {
    // b agrees with a on the newest 10 days and is the negative of a before: weights decide the sign.
    const b = a.map((x, i) => (i >= 10 ? x : -x));
    const w = a.map((_, i) => 0.97 ** (a.length - 1 - i));
    let sab = 0;
    let saa = 0;
    let sbb = 0;
    a.forEach((x, i) => {
      sab += (w[i] as number) * x * (b[i] as number);
      saa += (w[i] as number) * x * x;
      sbb += (w[i] as number) * (b[i] as number) ** 2;
    });
    const c = ewmaCorrelation([series(a), series(b)]);
    expect(c[0]?.[1]).toBeCloseTo(sab / Math.sqrt(saa * sbb), 12);
  });

  it('leaves pairs with too few common days undefined', () => {
    const short = series(a.slice(0, MIN_COMMON_RETURNS - 1));
    const c = ewmaCorrelation([series(a), short, undefined]);
    expect(c[0]?.[1]).toBeUndefined();
    expect(c[0]?.[2]).toBeUndefined();
    expect(c[2]?.[2]).toBe(1);
  });
});

describe('repairCorrelation', () => {
  it('returns a PSD matrix unchanged', () => {
    const m = [
      [1, 0.5],
      [0.5, 1],
    ];
    const r = repairCorrelation(m);
    expect(r.repaired).toBe(false);
    expect(r.matrix).toEqual(m);
    expect(r.minEigenvalue).toBeCloseTo(0.5, 12);
  });

  it('clips a non-PSD matrix to PSD with unit diagonal and symmetry', () => {
    const bad = [
      [1, 0.9, -0.9],
      [0.9, 1, 0.9],
      [-0.9, 0.9, 1],
    ];
    // Eigenvalues of this matrix: 1 − 0.9·2 = −0.8 and 1.9 (twice).
    const r = repairCorrelation(bad);
    expect(r.repaired).toBe(true);
    expect(r.minEigenvalue).toBeCloseTo(-0.8, 10);
    for (let i = 0; i < 3; i++) {
      expect(r.matrix[i]?.[i]).toBe(1);
      for (let j = 0; j < 3; j++) expect(r.matrix[i]?.[j]).toBe(r.matrix[j]?.[i]);
    }
    expect(Math.min(...symmetricEigen(r.matrix).values)).toBeGreaterThanOrEqual(-1e-12);
  });
});
