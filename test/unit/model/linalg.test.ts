import { describe, expect, it } from 'vitest';
import { choleskyLower } from '../../../lambda/model/linalg/cholesky.ts';
import { symmetricEigen } from '../../../lambda/model/linalg/jacobi-eigen.ts';
import { PSD_REJECT_TOLERANCE, prepareCorrelation } from '../../../lambda/model/linalg/psd-repair.ts';
import { InvalidInputError } from '../../../lambda/model/validation.ts';

function multiplyLowerByTranspose(l: Float64Array, n: number): number[][] {
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let k = 0; k < n; k++) s += l[i * n + k]! * l[j * n + k]!;
      return s;
    }),
  );
}

describe('choleskyLower', () => {
  it('factors a 2x2 correlation by hand: L = [[1, 0], [ρ, √(1−ρ²)]]', () => {
    const l = choleskyLower([
      [1, 0.6],
      [0.6, 1],
    ]);
    expect(Array.from(l!)).toEqual([1, 0, 0.6, 0.8]);
  });

  it('reproduces a 3x3 correlation', () => {
    const c = [
      [1, 0.8, 0.7],
      [0.8, 1, 0.65],
      [0.7, 0.65, 1],
    ];
    const product = multiplyLowerByTranspose(choleskyLower(c)!, 3);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(product[i]![j]).toBeCloseTo(c[i]![j]!, 14);
  });

  it('accepts a singular PSD matrix (perfectly correlated pair) with a zero pivot', () => {
    expect(
      Array.from(
        choleskyLower([
          [1, 1],
          [1, 1],
        ])!,
      ),
    ).toEqual([1, 0, 1, 0]);
  });

  it('returns null for a matrix that is not PSD', () => {
    expect(
      choleskyLower([
        [1, 0.9, -0.9],
        [0.9, 1, 0.9],
        [-0.9, 0.9, 1],
      ]),
    ).toBeNull();
    // Zero pivot with an inconsistent residual: rows 1 and 2 equal but correlate differently with 3.
    expect(
      choleskyLower([
        [1, 1, 0.2],
        [1, 1, 0.5],
        [0.2, 0.5, 1],
      ]),
    ).toBeNull();
  });
});

describe('symmetricEigen', () => {
  it('finds the eigenvalues 1 ± ρ of a 2x2 correlation', () => {
    const { values } = symmetricEigen([
      [1, 0.3],
      [0.3, 1],
    ]);
    expect([...values].sort()).toEqual([expect.closeTo(0.7, 14), expect.closeTo(1.3, 14)]);
  });

  it('decomposes A = V·diag(λ)·Vᵀ', () => {
    const a = [
      [4, 1, -2],
      [1, 2, 0.5],
      [-2, 0.5, 3],
    ];
    const { values, vectors } = symmetricEigen(a);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += vectors[i * 3 + k]! * values[k]! * vectors[j * 3 + k]!;
        expect(s).toBeCloseTo(a[i]![j]!, 12);
      }
    }
    // Trace is the sum of eigenvalues.
    expect(values.reduce((x, y) => x + y, 0)).toBeCloseTo(9, 12);
  });
});

describe('prepareCorrelation', () => {
  it('keeps a PSD matrix as given, without warnings', () => {
    const c = [
      [1, 0.5],
      [0.5, 1],
    ];
    const prepared = prepareCorrelation(c);
    expect(prepared.repaired).toBe(false);
    expect(prepared.matrix).toEqual(c);
    expect(prepared.warnings).toEqual([]);
  });

  it('repairs a slightly non-PSD matrix by clipping and says so', () => {
    // Eigenvalues −0.02148, 0.8108, 2.2107 (numpy): a typical hand-edited inconsistency.
    const c = [
      [1, 0.9, 0.2],
      [0.9, 1, 0.65],
      [0.2, 0.65, 1],
    ];
    const { values } = symmetricEigen(c);
    const min = Math.min(...values);
    expect(min).toBeCloseTo(-0.02147958, 7);
    expect(min).toBeGreaterThan(-PSD_REJECT_TOLERANCE);
    const prepared = prepareCorrelation(c);
    expect(prepared.repaired).toBe(true);
    expect(prepared.minEigenvalue).toBeCloseTo(min, 12);
    expect(prepared.warnings[0]).toMatch(
      /^correlation was not positive semi-definite \(smallest eigenvalue -0\.02148\)/,
    );
    // Unit diagonal, symmetric, PSD (its own Cholesky exists) and close to the input.
    const m = prepared.matrix;
    for (let i = 0; i < 3; i++) {
      expect(m[i]![i]).toBe(1);
      for (let j = 0; j < 3; j++) {
        expect(m[i]![j]).toBeCloseTo(m[j]![i]!, 14);
        expect(Math.abs(m[i]![j]! - c[i]![j]!)).toBeLessThan(0.03);
      }
    }
    expect(Math.min(...symmetricEigen(m).values)).toBeGreaterThan(-1e-12);
    const product = multiplyLowerByTranspose(prepared.cholesky, 3);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(product[i]![j]).toBeCloseTo(m[i]![j]!, 10);
  });

  it('rejects a matrix far from PSD, naming correlation', () => {
    const c = [
      [1, 0.9, -0.9],
      [0.9, 1, 0.9],
      [-0.9, 0.9, 1],
    ];
    expect(() => prepareCorrelation(c)).toThrow(InvalidInputError);
    try {
      prepareCorrelation(c);
    } catch (error) {
      expect((error as InvalidInputError).field).toBe('correlation');
      expect((error as Error).message).toMatch(
        /^correlation: not positive semi-definite, smallest eigenvalue -0\.8/,
      );
    }
  });
});
