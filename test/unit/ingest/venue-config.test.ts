/**
 * The venue-related rules of a fund config, derived from the registry: which venues a market, an
 * options vol source and a venue-pool balance may name, when a market must carry its maintenance
 * margin, and the `sum` of balance sources that the DeFi demo uses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FundConfigSchema } from '../../../lambda/config/fund-config.ts';
import { parseOrThrow } from '../../../lambda/model/validation.ts';

const ROOT = join(import.meta.dirname, '../../..');
const load = (name: string) => JSON.parse(readFileSync(join(ROOT, 'config/funds', name), 'utf8'));
const parse = (config: unknown) => () => parseOrThrow(FundConfigSchema, config, 'c');

describe('venue rules of a fund config', () => {
  it('requires a maintenance margin where the venue publishes none, or only through an endpoint', () => {
    const demo = load('demo.json');
    delete demo.markets[0].maintenanceMargin;
    expect(parse(demo)).toThrow(
      'c: markets[0].maintenanceMargin: required for venue binance (its margin tiers are not public), got nothing',
    );
    const bybit = load('demo.json');
    delete bybit.markets[4].maintenanceMargin;
    expect(parse(bybit)).toThrow(
      'c: markets[4].maintenanceMargin: required for venue bybit (the fallback when its tier endpoint does not answer), got nothing',
    );
  });

  it('needs none where the market data carries it (Hyperliquid, dYdX): the DeFi demo is valid', () => {
    const defi = parseOrThrow(FundConfigSchema, load('demo-defi.json'), 'demo-defi');
    expect(defi.markets.map((m) => [m.venue, m.maintenanceMargin])).toEqual([
      ['hyperliquid', undefined],
      ['hyperliquid', undefined],
      ['hyperliquid', undefined],
      ['hyperliquid', undefined],
      ['dydx', undefined],
      ['dydx', undefined],
      ['dydx', undefined],
    ]);
    expect(defi.balance).toMatchObject({
      type: 'sum',
      sources: [{ venue: 'hyperliquid' }, { venue: 'dydx' }],
    });
  });

  it('admits options vol sources and venue pools only on venues that have them', () => {
    const demo = load('demo.json');
    demo.markets[0].volSource = [{ type: 'atm-options', venue: 'hyperliquid', underlying: 'BTC' }];
    expect(parse(demo)).toThrow(
      'c: markets[0].volSource[0].venue: Invalid option: expected one of "deribit"|"binance"|"bybit"|"okx", got "hyperliquid"',
    );
    const pool = load('demo.json');
    pool.balance = { type: 'venue-pool', venue: 'deribit', pools: ['BTC'] };
    expect(parse(pool)).toThrow(
      'c: balance.venue: Invalid option: expected one of "binance"|"bybit"|"okx"|"hyperliquid"|"dydx", got "deribit"',
    );
  });

  it('sums at least two sources, each checked like a single one', () => {
    const demo = load('demo.json');
    demo.balance = { type: 'sum', sources: [{ type: 'static', amountUsd: 1 }] };
    expect(parse(demo)).toThrow('c: balance.sources: Too small: expected array to have >=2 items');
    demo.balance.sources.push({
      type: 'evm',
      rpcUrl: 'http://rpc.example.com',
      address: '0x7a16fF8270133F063aAb6C9977183D9e72835428',
      price: { fixedUsd: 1 },
    });
    expect(parse(demo)).toThrow(
      'c: balance.sources[1].rpcUrl: expected an https URL (http only to a loopback host), got "http://rpc.example.com"',
    );
  });
});
