import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LEVERAGE_PROFILE } from '../../../lambda/config/leverage-profile.ts';
import type { LoadedEvent } from '../../../lambda/validate/event-book.ts';
import { bestPoint, type GridScores, leaveOneOut, scoreGrid } from '../../../lambda/validate/event-fit.ts';
import { loadEvents } from '../../../lambda/validate/event-library.ts';
import { liquidatedShare } from '../../../lambda/validate/leverage-fit.ts';
import { OI_DECLINES } from '../../../lambda/validate/oi-declines.ts';

const EVENTS = join(import.meta.dirname, '../../../config/events');

/** Four points: throughput 5 or 20 × profile median 0.5 or 1 (the rest at the shipped defaults). */
const GRID = {
  throughputMultiple: [5, 20],
  permanentImpactShare: [0.67],
  throughputLiquidityExponent: [1],
  leverageMedian: [0.5, 1],
  leverageLogSd: [2],
};

describe('leave-one-out on the validation events', () => {
  let events: LoadedEvent[];
  let scores: GridScores;
  beforeAll(async () => {
    events = await loadEvents(EVENTS);
    scores = scoreGrid(events, GRID);
  });

  it('scores each event at each point by its squared log ratio (a wrong ADL call adds 1)', () => {
    const round = (row: readonly number[]) => row.map((e) => Math.round(e * 1000) / 1000);
    // Order: profile knobs outermost; events in library order (binance, bitmex 12, bitmex 13,
    // deribit, dydx, hyperliquid). Deribit's 1.124 = ln(1.42)² + 1 (ADL called where none fired).
    expect(round(scores.errors[1]!)).toEqual([0.445, 0.023, 3.413, 1.124, 0.038, 0.096]);
    expect(round(scores.errors[0]!)).toEqual([0.782, 0.027, 0.091, 1.124, 0.1, 0.552]);
    expect(bestPoint(scores, () => true).index).toBe(0);
  });

  it('fits each fold without its event and predicts that event with the fold’s parameters', () => {
    const folds = leaveOneOut(events, scores).map((f) => [
      f.left,
      f.params.throughputMultiple,
      f.params.leverageMedian,
      Math.round(f.comparison.predictedUsd / 1e3),
    ]);
    // Every fold but one picks (Θ 5, median 0.5): without Binance, say, 1.89 against 2.55 for (5, 1)
    // and 4.69 for the shipped (20, 0.5) over the other five. Without the BitMEX rebound (whose 0.091
    // is what (5, 0.5) gains most on) the shipped point wins, and the rebound is predicted at 0.16.
    expect(folds).toEqual([
      ['binance-2025-10-10', 5, 0.5, -77_639],
      ['bitmex-2020-03-12', 5, 0.5, -12_384],
      ['bitmex-2020-03-13', 20, 0.5, 2_049],
      ['deribit-2020-03-12', 5, 0.5, -1_479],
      ['dydx-2023-11-18-yfi', 5, 0.5, -12_349],
      ['hyperliquid-2025-10-10', 5, 0.5, 84_115],
    ]);
  });
});

describe('the open-interest evidence', () => {
  it('sets each cascade’s OI decline beside the default profile’s G(A + mm)', () => {
    const rows = OI_DECLINES.map((p) => [
      p.oiDecline,
      Math.round(1000 * liquidatedShare(DEFAULT_LEVERAGE_PROFILE, p.adverseMove, p.maintenanceMargin)) / 1000,
    ]);
    expect(rows).toEqual([
      [0.485, 0.473],
      [0.149, 0.388],
      [0.192, 0.312],
      [0.141, 0.312],
    ]);
  });
});
