/**
 * The default leverage profile: the distance-to-bankruptcy distribution of a market's OI when the
 * venue does not know its own book. The shipped fund configs (`model.defaultLeverageProfile`), the
 * validation events and the backtest's built-in book use this one; docs/VALIDATION.md shows the
 * evidence it was fitted to.
 */
import type { LeverageBucket } from '../model/schemas.ts';

/**
 * Distance to bankruptcy (fraction of notional) and share of OI per bucket: a log-normal of median
 * 0.5 (2× leverage) and log-sd 2 on the buckets' margins (`leverageFamily(0.5, 2)` of
 * lambda/validate/leverage-fit.ts), fitted to the fund outcomes of the validation events together
 * with the OI declines of past cascades. 43% of OI sits at margin 1: positions no price move can
 * bankrupt (hedged, fully collateralised).
 */
export const DEFAULT_LEVERAGE_PROFILE: readonly LeverageBucket[] = [
  { margin: 0.01, share: 0.0373 },
  { margin: 0.02, share: 0.0382 },
  { margin: 0.04, share: 0.0751 },
  { margin: 0.1, share: 0.1133 },
  { margin: 0.2, share: 0.1455 },
  { margin: 0.5, share: 0.1594 },
  { margin: 1, share: 0.4312 },
];
