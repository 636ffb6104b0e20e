/**
 * The default stress library (config/stress-library.json, built by scripts/build-stress-library.ts)
 * and its expansion into a fund's snapshot: the library's columns are underlyings (BTC, ETH, SOL)
 * and `*` for every other market; a fund's market takes the column of its underlying, else `*`.
 * A snapshot carries the expanded paths by market id, so a stored run replays without the library.
 */
import { z } from 'zod';
import libraryJson from '../../config/stress-library.json' with { type: 'json' };
import type { StressScenario } from '../model/schemas.ts';

/** One scenario of the library: minutes and, per column, the cumulative simple return at each. */
export const LibraryScenarioSchema = z
  .strictObject({
    name: z.string().min(1),
    source: z.string().min(1),
    liquidityFactor: z.number().gt(0).lte(1),
    minutes: z.array(z.number().int().gte(0)).min(2),
    returns: z.record(z.string(), z.array(z.number().gt(-1))),
  })
  .superRefine((s, ctx) => {
    for (const [column, values] of Object.entries(s.returns)) {
      if (values.length !== s.minutes.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['returns', column],
          message: `needs one return per minute (${s.minutes.length}), got ${values.length}`,
          input: values.length,
        });
      }
    }
    if (s.returns['*'] === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['returns', '*'],
        message: 'a "*" column is required',
        input: undefined,
      });
    }
  });

export const StressLibrarySchema = z.strictObject({ scenarios: z.array(LibraryScenarioSchema).min(1) });

export type LibraryScenario = z.infer<typeof LibraryScenarioSchema>;

/** The shipped library, validated once at load. */
export const STRESS_LIBRARY: readonly LibraryScenario[] = StressLibrarySchema.parse(libraryJson).scenarios;

/** Names of the shipped library's scenarios, in order. */
export const LIBRARY_SCENARIO_NAMES: readonly string[] = STRESS_LIBRARY.map((s) => s.name);

/**
 * The underlying of a venue symbol: its leading coin code (BTCUSDT, BTC-PERPETUAL, BTC-USDT-SWAP,
 * SOL_USDC-PERPETUAL, BTC-USD → BTC; 1000PEPEUSDT → 1000PEPE).
 */
export function underlyingOf(symbol: string): string {
  const upper = symbol.toUpperCase();
  const head = upper.split(/[-_/:]/)[0] ?? upper;
  const quote = head.match(/^(.+?)(USDT|USDC|USD|BUSD|FDUSD|PERP)$/);
  return quote?.[1] ?? head;
}

/**
 * A library scenario as a snapshot stress scenario over `markets` (their ids and underlyings).
 *
 * @param liquidityFactor - overrides the library's λ when given
 */
export function expandLibraryScenario(
  scenario: LibraryScenario,
  markets: readonly { readonly id: string; readonly underlying: string }[],
  liquidityFactor?: number,
): StressScenario {
  const columns = markets.map((m) => scenario.returns[m.underlying] ?? scenario.returns['*']!);
  return {
    name: scenario.name,
    source: scenario.source,
    liquidityFactor: liquidityFactor ?? scenario.liquidityFactor,
    recorded: true,
    path: scenario.minutes.map(
      (minute, k) =>
        [minute, Object.fromEntries(markets.map((m, i) => [m.id, columns[i]![k]!]))] as [
          number,
          Record<string, number>,
        ],
    ),
  };
}
