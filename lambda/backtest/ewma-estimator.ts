/**
 * Rolling EWMA estimates of daily volatility and correlation from log returns, updated one day at a
 * time so the backtest's forecast for day t+1 can only see returns up to day t (no look-ahead by
 * construction: the estimator is never given a later return before the forecast is taken).
 *
 * Vol uses RiskMetrics' daily decay λ = 0.94 (half-life ≈ 11 days: reacts within a week, as an IV
 * proxy should); correlation λ = 0.97 (half-life ≈ 23 days), the recalibration default.
 * Both start from the equally weighted covariance of the warm-up returns.
 */

/** Decays of the two EWMAs. */
export interface EwmaDecays {
  readonly vol: number;
  readonly correlation: number;
}

/** Default decays (see the module comment). */
export const DEFAULT_EWMA_DECAYS: EwmaDecays = { vol: 0.94, correlation: 0.97 };

/** Days in a year for annualising daily vol: crypto trades every day. */
export const DAYS_PER_YEAR = 365;

/** EWMA variance and covariance state over n markets. */
export class EwmaEstimator {
  private readonly n: number;
  private readonly decays: EwmaDecays;
  private readonly variance: Float64Array;
  private readonly covariance: Float64Array;

  /**
   * @param warmup - log returns of the warm-up period, warmup[t][m]; at least one day
   */
  constructor(warmup: readonly (readonly number[])[], decays: EwmaDecays = DEFAULT_EWMA_DECAYS) {
    const n = warmup[0]?.length ?? 0;
    if (n === 0) throw new RangeError('EWMA warm-up needs at least one day of returns');
    this.n = n;
    this.decays = decays;
    this.variance = new Float64Array(n);
    this.covariance = new Float64Array(n * n);
    for (const row of warmup) {
      for (let i = 0; i < n; i++) {
        const ri = row[i] ?? 0;
        this.variance[i] = (this.variance[i] ?? 0) + (ri * ri) / warmup.length;
        for (let j = 0; j < n; j++) {
          const k = i * n + j;
          this.covariance[k] = (this.covariance[k] ?? 0) + (ri * (row[j] ?? 0)) / warmup.length;
        }
      }
    }
  }

  /** Folds in one day's log returns (one per market). */
  update(returns: readonly number[]): void {
    const { n } = this;
    const lv = this.decays.vol;
    const lc = this.decays.correlation;
    for (let i = 0; i < n; i++) {
      const ri = returns[i] ?? 0;
      this.variance[i] = lv * (this.variance[i] ?? 0) + (1 - lv) * ri * ri;
      for (let j = 0; j < n; j++) {
        const k = i * n + j;
        this.covariance[k] = lc * (this.covariance[k] ?? 0) + (1 - lc) * ri * (returns[j] ?? 0);
      }
    }
  }

  /** Current daily vol of market i (standard deviation of a one-day log return). */
  dailyVol(i: number): number {
    return Math.sqrt(this.variance[i] ?? 0);
  }

  /** Current annualised vol of market i (daily × √365). */
  annualVol(i: number): number {
    return this.dailyVol(i) * Math.sqrt(DAYS_PER_YEAR);
  }

  /** Current correlation matrix (unit diagonal, symmetric; PSD as an EWMA of outer products). */
  correlation(): number[][] {
    const { n } = this;
    const c = this.covariance;
    const rows: number[][] = [];
    for (let i = 0; i < n; i++) {
      const row: number[] = [];
      for (let j = 0; j < n; j++) {
        if (i === j) {
          row.push(1);
          continue;
        }
        const denom = Math.sqrt((c[i * n + i] ?? 0) * (c[j * n + j] ?? 0));
        const rho = denom > 0 ? (c[i * n + j] ?? 0) / denom : 0;
        row.push(Math.max(-1, Math.min(1, rho)));
      }
      rows.push(row);
    }
    // Symmetric by construction, but floating-point products may differ in the last bit.
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) (rows[i] as number[])[j] = rows[j]?.[i] ?? 0;
    return rows;
  }
}
