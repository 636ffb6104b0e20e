/**
 * Plausibility of open interest (pure): a reading that would lower the reserve without the market
 * having moved is held, raised to a bound, or accepted only once confirmed — never taken silently.
 *
 * Rules, per market, on the OI the venue answered (`fresh`):
 * 1. **Bounds** (every run, the only guard on a first run): OI below `minOiToVolume` × the market's
 *    24h volume, or below `minOiShareOfPeers` × the median OI of the same underlying on the fund's
 *    other venues, is implausible — a unit slip or a broken endpoint, not a market. The OI used is
 *    raised to the larger bound, flagged `OI_IMPLAUSIBLE`, and the run is DEGRADED.
 * 2. **Drops** (when the last run has the market): OI more than `maxOiDrop` below the last run's is
 *    held at the last value (`OI_DROP_HELD`, DEGRADED) until it is confirmed — by a second run that
 *    reads the same drop again (within `confirmTolerance` of the first reading), or by a second
 *    source: another venue's OI of the same underlying falling at least half as much this run. A
 *    confirmed drop is used and flagged `OI_DROP_CONFIRMED` (the reserve may fall then, on the record).
 * Rises are never held (they only raise the reserve); a rise above {@link OI_JUMP_FACTOR}× is flagged.
 */
import type { DataFlag } from '../../run/observation.ts';

/** OI moving up by more than this factor since the last run is flagged (kept: it only raises the reserve). */
export const OI_JUMP_FACTOR = 10;

/** The plausibility settings of a fund (`data.plausibility`). */
export interface PlausibilityRules {
  /** A fall of OI by more than this share since the last run is held until confirmed. */
  readonly maxOiDrop: number;
  /** OI below this multiple of the market's 24h volume is implausible. */
  readonly minOiToVolume: number;
  /** OI below this share of the median OI of the same underlying on other venues is implausible. */
  readonly minOiShareOfPeers: number;
  /** A second reading confirms a held drop when within this relative distance of the first. */
  readonly confirmTolerance: number;
}

/** Defaults of {@link PlausibilityRules} (docs/MARKET-DATA.md says why). */
export const DEFAULT_PLAUSIBILITY: PlausibilityRules = {
  maxOiDrop: 0.5,
  minOiToVolume: 0.1,
  minOiShareOfPeers: 0.02,
  confirmTolerance: 0.25,
};

/** A held drop, carried in the market's provenance to the next run. */
export interface HeldOi {
  /** The OI the venue answered when the drop was first held. */
  readonly freshOiUsd: number;
  readonly since: string;
}

/** One market's fresh OI reading and what the last run used. */
export interface OiReading {
  readonly marketId: string;
  readonly venue: string;
  /** Base coin (`BTC`): markets of one underlying on other venues are each other's peers. */
  readonly underlying: string;
  readonly freshOiUsd: number;
  readonly dailyVolumeUsd: number;
  /** The last run's OI for this market and any drop it was holding; absent on a first run. */
  readonly last?: { readonly oiUsd: number; readonly held?: HeldOi };
}

/** The OI to use for one market, and why. */
export interface OiDecision {
  readonly oiUsd: number;
  readonly flags: DataFlag[];
  /** True when the value used is not the venue's (raised to a bound or held): the run is DEGRADED. */
  readonly degraded: boolean;
  /** A drop still held, to carry to the next run. */
  readonly held?: HeldOi;
}

/**
 * Decides the OI of every market of a run.
 *
 * @param asOf - the run's valuation time (when a held drop started)
 * @returns one decision per reading, by market id
 * @example
 * const decisions = checkOpenInterest(readings, DEFAULT_PLAUSIBILITY, asOf);
 */
export function checkOpenInterest(
  readings: readonly OiReading[],
  rules: PlausibilityRules,
  asOf: string,
): Map<string, OiDecision> {
  const decisions = new Map<string, OiDecision>();
  for (const r of readings) {
    const peers = readings.filter((p) => p.underlying === r.underlying && p.venue !== r.venue);
    decisions.set(r.marketId, decide(r, peers, rules, asOf));
  }
  return decisions;
}

function decide(
  r: OiReading,
  peers: readonly OiReading[],
  rules: PlausibilityRules,
  asOf: string,
): OiDecision {
  const flags: DataFlag[] = [];
  const flag = (code: string, detail: string) => flags.push({ marketId: r.marketId, code, detail });
  let candidate = r.freshOiUsd;
  let degraded = false;

  const volumeBound = rules.minOiToVolume * r.dailyVolumeUsd;
  const peerMedian = median(peers.map((p) => p.freshOiUsd));
  const peerBound = peerMedian === undefined ? 0 : rules.minOiShareOfPeers * peerMedian;
  const bound = Math.max(volumeBound, peerBound);
  if (candidate < bound) {
    const why =
      bound === volumeBound
        ? `below ${rules.minOiToVolume} x the 24h volume ${usd(r.dailyVolumeUsd)}`
        : `below ${rules.minOiShareOfPeers} x the median ${usd(peerMedian ?? 0)} of ${r.underlying} on other venues`;
    flag('OI_IMPLAUSIBLE', `OI ${usd(candidate)} ${why}; raised to ${usd(bound)}`);
    candidate = bound;
    degraded = true;
  }

  const last = r.last;
  if (last === undefined || !(last.oiUsd > 0)) return { oiUsd: candidate, flags, degraded };
  if (candidate > last.oiUsd * OI_JUMP_FACTOR) {
    flag(
      'SANITY_OI_JUMP',
      `OI rose ${(candidate / last.oiUsd).toFixed(1)}x since the last run (${usd(last.oiUsd)} -> ${usd(candidate)}); kept, unconfirmed`,
    );
  }
  const fall = 1 - candidate / last.oiUsd;
  if (fall <= rules.maxOiDrop) return { oiUsd: candidate, flags, degraded };

  const held = last.held;
  const secondRun =
    held !== undefined &&
    Math.abs(r.freshOiUsd - held.freshOiUsd) <=
      rules.confirmTolerance * Math.max(r.freshOiUsd, held.freshOiUsd);
  const peer = peers.find(
    (p) => p.last !== undefined && p.last.oiUsd > 0 && 1 - p.freshOiUsd / p.last.oiUsd >= fall / 2,
  );
  const drop = `OI fell ${(fall * 100).toFixed(1)}% since the last run (${usd(last.oiUsd)} -> ${usd(candidate)})`;
  if (secondRun || peer !== undefined) {
    const by = secondRun
      ? `by a second run (first read ${usd(held?.freshOiUsd ?? 0)} at ${held?.since})`
      : `by ${peer?.marketId} on ${peer?.venue} falling ${((1 - (peer?.freshOiUsd ?? 0) / (peer?.last?.oiUsd ?? 1)) * 100).toFixed(1)}%`;
    flag('OI_DROP_CONFIRMED', `${drop}; confirmed ${by}; used`);
    return { oiUsd: candidate, flags, degraded };
  }
  flag('OI_DROP_HELD', `${drop} over the ${rules.maxOiDrop * 100}% limit, unconfirmed; last value held`);
  return {
    oiUsd: last.oiUsd,
    flags,
    degraded: true,
    // The next run confirms against this reading (a disagreeing second reading starts over).
    held: { freshOiUsd: r.freshOiUsd, since: asOf },
  };
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function usd(x: number): string {
  return `${Math.round(x)} USD`;
}
