/**
 * The Basel traffic light for VaR backtests (BCBS 1996, "Supervisory framework for the use of
 * backtesting"), generalised from 250 days at 99% to any number of days and confidence through the
 * binomial CDF that defines it: green while P(X ≤ x) < 95%, yellow while < 99.99%, red beyond.
 */
import { binomialCdf } from './special-functions.ts';

/** Traffic-light zone. */
export type TrafficLightZone = 'green' | 'yellow' | 'red';

/** Cumulative-probability bounds of the zones. */
export const GREEN_BELOW = 0.95;
export const YELLOW_BELOW = 0.9999;

/** The zone for `exceedances` out of `days` at exceedance probability `p`, with the zone bounds. */
export interface TrafficLight {
  readonly zone: TrafficLightZone;
  /** P(X ≤ exceedances) under a correct model. */
  readonly cumulativeProbability: number;
  /** Smallest exceedance count that is yellow / red. */
  readonly yellowFrom: number;
  readonly redFrom: number;
}

function zoneOf(cdf: number): TrafficLightZone {
  if (cdf < GREEN_BELOW) return 'green';
  if (cdf < YELLOW_BELOW) return 'yellow';
  return 'red';
}

/**
 * Basel zone of a VaR backtest.
 *
 * @example
 * trafficLight(5, 250, 0.01); // { zone: 'yellow', yellowFrom: 5, redFrom: 10, … }
 */
export function trafficLight(exceedances: number, days: number, p: number): TrafficLight {
  let yellowFrom = days + 1;
  let redFrom = days + 1;
  for (let k = 0; k <= days; k++) {
    const z = zoneOf(binomialCdf(k, days, p));
    if (z !== 'green' && yellowFrom > days) yellowFrom = k;
    if (z === 'red') {
      redFrom = k;
      break;
    }
  }
  const cdf = binomialCdf(exceedances, days, p);
  return { zone: zoneOf(cdf), cumulativeProbability: cdf, yellowFrom, redFrom };
}
