/**
 * The production model behind the backtest's {@link RiskEngine} port: `computeReserve` for the
 * forecast (its Monte Carlo VaR and ES; the backtest's snapshots carry no stress scenarios, so nothing
 * else is computed) and the snapshot's own loss engine replaying the day's returns at normal
 * liquidity (λ = 1, as in the Monte Carlo) for the realised loss — the same engine on both sides, so
 * an exceedance is a model miss, not a mismatch.
 */
import { lossEngineFor } from '../model/engines/select-engine.ts';
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
  realize(snapshot, day) {
    return lossEngineFor(snapshot).replay({
      name: 'realised day',
      shocks: { ...day.returns },
      liquidityFactor: 1,
    }).netLossUsd;
  },
};
