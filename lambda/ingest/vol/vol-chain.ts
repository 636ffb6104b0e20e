/**
 * The implied-vol fallback chain of a market (docs/MARKET-DATA.md, Recalibration): the first configured source that
 * answers with a sane IV wins; each source that fails leaves a flag saying why.
 */
import type { VolSource } from '../../config/fund-config.ts';
import type { DataFlag } from '../../run/observation.ts';
import { ivProblem } from '../recalibrate/sanity.ts';

/** How to read each kind of source; injected so the chain is testable without HTTP. */
export interface VolFetchers {
  dvol(currency: string): Promise<number>;
  /** 30-day ATM IV; rejects or resolves undefined when the chain has no usable quotes. */
  atmOptions(venue: string, underlying: string): Promise<number | undefined>;
  /** Realized EWMA vol of the market, undefined without enough candles. */
  readonly realized: number | undefined;
}

/** The winning IV and a label of its source, e.g. `atm-options:deribit:BTC`. */
export interface VolChoice {
  readonly vol: number;
  readonly source: string;
}

/** Label of a source for provenance. */
export function volSourceLabel(s: VolSource): string {
  if (s.type === 'dvol') return `dvol:${s.currency}`;
  if (s.type === 'atm-options') return `atm-options:${s.venue}:${s.underlying}`;
  return 'realized';
}

/** Walks the chain; returns the first sane IV (or undefined) and the flags of failed sources. */
export async function resolveVol(
  chain: readonly VolSource[],
  fetchers: VolFetchers,
  marketId: string,
): Promise<{ choice: VolChoice | undefined; flags: DataFlag[] }> {
  const flags: DataFlag[] = [];
  for (const source of chain) {
    const label = volSourceLabel(source);
    let vol: number | undefined;
    try {
      if (source.type === 'dvol') vol = await fetchers.dvol(source.currency);
      else if (source.type === 'atm-options')
        vol = await fetchers.atmOptions(source.venue, source.underlying);
      else vol = fetchers.realized;
    } catch (error) {
      flags.push({ marketId, code: 'VOL_SOURCE_FAILED', detail: `${label}: ${(error as Error).message}` });
      continue;
    }
    if (vol === undefined) {
      flags.push({ marketId, code: 'VOL_SOURCE_EMPTY', detail: `${label}: no usable data` });
      continue;
    }
    const problem = ivProblem(vol);
    if (problem !== undefined) {
      flags.push({ marketId, code: 'SANITY_IV', detail: `${label}: ${problem}` });
      continue;
    }
    return { choice: { vol, source: label }, flags };
  }
  return { choice: undefined, flags };
}
