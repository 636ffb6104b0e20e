/**
 * The open-interest evidence on the leverage distribution: in a cascade of adverse move A the longs
 * whose distance to bankruptcy is within A + mm are liquidated, so the share of OI that closed
 * bounds G(A + mm) of the book. Each point counts positions, not dollars: contracts of a USD-sized
 * inverse contract (XBTUSD) or coins, so a falling price does not shrink it by itself.
 *
 * Both ways it is a bound, not a measurement: voluntary closes add to the decline, positions opened
 * during the cascade (shorts at the bottom, longs buying the dip) subtract from it.
 */
import type { OiDecline } from './leverage-fit.ts';

/** The cascades with a sourced OI decline and adverse move (open → low of the move). */
export const OI_DECLINES: readonly OiDecline[] = [
  {
    label: 'BitMEX XBTUSD 2020-03-12 (contracts $840M → $433M in 24 h; BTC 7,934 → 4,410)',
    adverseMove: 0.444,
    oiDecline: 0.485,
    maintenanceMargin: 0.005,
    source: 'https://www.delta.exchange/blog/introducing-digital-derivatives/',
  },
  {
    label: 'Aggregate BTC futures 2021-12-04 (390,000 → 332,000 BTC; BTC 54,000 → 40,000)',
    adverseMove: 0.259,
    oiDecline: 0.149,
    maintenanceMargin: 0.005,
    source: 'https://arcane.no/research/second-largest-flush-in-btc-denominated-open-interest-in-2021',
  },
  {
    label: 'Binance BTC futures 2025-10-10 (130,000 → 105,000 BTC; BTC 121,662 → 102,000)',
    adverseMove: 0.162,
    oiDecline: 0.192,
    maintenanceMargin: 0.004,
    source: 'https://pakgazette.com/?p=123261',
  },
  {
    label: 'Aggregate BTC futures 2025-10-10 (560,000 → 481,000 BTC; same move)',
    adverseMove: 0.162,
    oiDecline: 0.141,
    maintenanceMargin: 0.004,
    source: 'https://pakgazette.com/?p=123261',
  },
];
