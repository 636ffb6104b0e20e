/**
 * Whether the fund config on disk still matches a stored run: re-running an already stored tick
 * re-uses that run, so a config edited since would silently not apply. The CLI names what changed.
 */
import type { FundConfig } from '../config/fund-config.ts';
import { STRESS_LIBRARY } from '../config/stress-library.ts';
import type { MarketSnapshot } from '../model/schemas.ts';

/**
 * The config fields whose values differ from what the stored snapshot was built with: `model.<key>`
 * for every model parameter both carry (the seed only when the config sets one), `alerts.thresholds`,
 * `policy` (floors and add-ons, the snapshot's `model.policy`) and `markets` (ids and leverage profiles).
 *
 * @example configDrift(config, run.snapshot) // ["model.buffer", "markets"]
 */
export function configDrift(config: FundConfig, snapshot: MarketSnapshot): string[] {
  const changed: string[] = [];
  const model = config.model as Record<string, unknown>;
  const stored = snapshot.model as Record<string, unknown>;
  for (const key of Object.keys(stored).sort()) {
    if (key === 'thresholds' || (key === 'seed' && model.seed === undefined)) continue;
    const mine = key === 'stressScenarios' ? scenarioKeys(config.model.stressScenarios) : model[key];
    const theirs = key === 'stressScenarios' ? scenarioKeys(snapshot.model.stressScenarios) : stored[key];
    if (key in model && !same(mine, theirs)) changed.push(`model.${key}`);
  }
  if (!same(config.alerts.thresholds, snapshot.model.thresholds)) changed.push('alerts.thresholds');
  if (!same(config.policy, snapshot.model.policy)) changed.push('policy');
  // Maintenance margins are left out: a venue's position tiers may set them in the snapshot.
  const markets = config.markets.map((m) => ({
    id: m.id,
    leverageProfile: m.leverageProfile ?? config.model.defaultLeverageProfile,
  }));
  const storedMarkets = snapshot.markets.map((m) => ({ id: m.id, leverageProfile: m.leverageProfile }));
  if (!same(markets, storedMarkets)) changed.push('markets');
  return changed;
}

/**
 * What identifies a fund's stress scenarios: a library reference is expanded into a recorded path in
 * the snapshot, so those compare by name and liquidity factor; written-out ones whole.
 */
function scenarioKeys(scenarios: readonly object[]): unknown[] {
  return scenarios.map((s) => {
    const sc = s as { library?: string; name?: string; liquidityFactor?: number; recorded?: boolean };
    if (sc.library !== undefined) {
      const factor = sc.liquidityFactor ?? STRESS_LIBRARY.find((l) => l.name === sc.library)?.liquidityFactor;
      return { library: sc.library, liquidityFactor: factor ?? null };
    }
    return sc.recorded === true ? { library: sc.name, liquidityFactor: sc.liquidityFactor ?? null } : s;
  });
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
