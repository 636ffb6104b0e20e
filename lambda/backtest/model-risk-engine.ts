/**
 * The production model behind the backtest's {@link RiskEngine} port: `computeReserve` for the
 * forecast (its Monte Carlo VaR and ES; the backtest's snapshots carry no stress scenarios, so nothing
 * else is computed) and `scenarioLoss` at normal liquidity (λ = 1, as in the Monte Carlo) for the
 * realised loss — the same cascade on both sides, so an exceedance is a model miss, not a mismatch.
 */

import { scenarioLoss } from '../model/engines/gap/scenario-loss.ts';
import { computeReserve } from '../model/reserve.ts';
import { validateSnapshot } from '../model/validate-snapshot.ts';
import type { RiskEngine } from './run-backtest.ts';

/** The reserve engine as a {@link RiskEngine}; every snapshot passes the model's entry check first. */
export const modelRiskEngine: RiskEngine = {
  forecast(snapshot) {
    const { snapshot: checked } = validateSnapshot(snapshot, `backtest snapshot ${snapshot.asOf}`);
    const { varUsd, esUsd } = computeReserve(checked).monteCarlo;
    return { varUsd, esUsd };
  },
  realize(snapshot, returns) {
    return scenarioLoss(snapshot, returns, 1).totalUsd;
  },
};
