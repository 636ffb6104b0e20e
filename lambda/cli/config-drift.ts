/**
 * Whether the fund config on disk still matches a stored run: re-running an already stored tick
 * re-uses that run, so a config edited since would silently not apply. The CLI names what changed.
 */
import type { FundConfig } from '../config/fund-config.ts';
import type { MarketSnapshot } from '../model/schemas.ts';

/**
 * The config fields whose values differ from what the stored snapshot was built with: `model.<key>`
 * for every model parameter both carry (the seed only when the config sets one), `alerts.thresholds`,
 * and `markets` (ids, maintenance margins, leverage profiles).
 *
 * @example configDrift(config, run.snapshot) // ["model.buffer", "markets"]
 */
export function configDrift(config: FundConfig, snapshot: MarketSnapshot): string[] {
  const changed: string[] = [];
  const model = config.model as Record<string, unknown>;
  const stored = snapshot.model as Record<string, unknown>;
  for (const key of Object.keys(stored).sort()) {
    if (key === 'thresholds' || (key === 'seed' && model.seed === undefined)) continue;
    if (key in model && !same(model[key], stored[key])) changed.push(`model.${key}`);
  }
  if (!same(config.alerts.thresholds, snapshot.model.thresholds)) changed.push('alerts.thresholds');
  const markets = config.markets.map((m) => ({
    id: m.id,
    maintenanceMargin: m.maintenanceMargin,
    leverageProfile: m.leverageProfile ?? config.model.defaultLeverageProfile,
  }));
  const storedMarkets = snapshot.markets.map((m) => ({
    id: m.id,
    maintenanceMargin: m.maintenanceMargin,
    leverageProfile: m.leverageProfile,
  }));
  if (!same(markets, storedMarkets)) changed.push('markets');
  return changed;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
