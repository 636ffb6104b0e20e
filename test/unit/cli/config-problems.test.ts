import { describe, expect, it } from 'vitest';
import { fundConfigProblems, knownKeysAt } from '../../../lambda/cli/config-problems.ts';
import { starterFundConfig } from '../../../lambda/config/starter-config.ts';

type Doc = ReturnType<typeof starterFundConfig> & Record<string, unknown>;

// biome-ignore lint/suspicious/noExplicitAny: a test edits the document freely, as a user would.
function starter(edit: (doc: any) => void): Doc {
  const doc = structuredClone(starterFundConfig('../fund-config.schema.json')) as Doc;
  edit(doc);
  return doc;
}

describe('fundConfigProblems', () => {
  it('accepts the starter as it is, comments and all', () => {
    expect(fundConfigProblems(starterFundConfig('../fund-config.schema.json'))).toEqual([]);
  });

  it('lists every problem at once, unknown keys first, each typo once with the key it meant', () => {
    const doc = starter((d) => {
      d.markets[0].maintenanceMargn = d.markets[0].maintenanceMargin;
      delete d.markets[0].maintenanceMargin;
      d.model.bufer = 0.3;
      d.markets[1].venue = 'binanse';
      d.balance.amountUsd = -5;
      delete d.model.defaultLeverageProfile;
    });
    expect(fundConfigProblems(doc)).toEqual([
      'markets[0].maintenanceMargn: unknown key (did you mean "maintenanceMargin"?)',
      'model.bufer: unknown key (did you mean "buffer"?)',
      'balance.amountUsd: expected number to be >=0, got -5',
      'markets[1].venue: expected one of "deribit"|"binance"|"bybit"|"okx"|"hyperliquid"|"dydx", got "binanse"',
      'model.defaultLeverageProfile: missing (expected array)',
    ]);
  });

  it('does not report the meant key as missing when the typo names a required field', () => {
    const doc = starter((d) => {
      d.fundID = d.fundId;
      delete d.fundId;
    });
    expect(fundConfigProblems(doc)).toEqual(['fundID: unknown key (did you mean "fundId"?)']);
  });

  it('lists the allowed keys when nothing is close', () => {
    const doc = starter((d) => {
      d.alerts.colour = 'red';
    });
    expect(fundConfigProblems(doc)).toEqual([
      'alerts.colour: unknown key (allowed here: channels, drawdown, growth, hysteresis, reminderHours, thresholds)',
    ]);
  });

  it('knows the keys of every branch of a union', () => {
    expect(knownKeysAt(['balance']).sort()).toEqual([
      'address',
      'amountUsd',
      'coins',
      'maxAgeHours',
      'parameterName',
      'pools',
      'price',
      'region',
      'rpcUrl',
      'rpcUrlSecret',
      'sources',
      'token',
      'type',
      'venue',
    ]);
  });
});
