/**
 * Finding 7 of the reliability sweep: inputs that failed late (exit 1 at ingest or persist) or
 * silently skewed the reserve are refused when the config is read, with the field and the value.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FundConfigInput, FundConfigSchema } from '../../../lambda/config/fund-config.ts';
import { secretInUrl } from '../../../lambda/config/secret-ref.ts';
import { parseOrThrow } from '../../../lambda/model/validation.ts';

const DEMO = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../../config/funds/demo.json'), 'utf8'),
) as FundConfigInput;

/** A config as free JSON, so each test can break any field. */
// biome-ignore lint/suspicious/noExplicitAny: the tests write arbitrary (and wrong) values anywhere
type Editable = Record<string, any>;

function refused(edit: (config: Editable) => void): string {
  const config = structuredClone(DEMO) as Editable;
  edit(config);
  try {
    parseOrThrow(FundConfigSchema, config, 'fund config');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('accepted');
}

const EVM = {
  type: 'evm',
  address: '0x1111111111111111111111111111111111111111',
  price: { fixedUsd: 1 },
};

describe('fund config bounds', () => {
  it('refuses a default leverage profile whose shares sum to 0.5', () => {
    const message = refused((c) => {
      c.model.defaultLeverageProfile = [
        { margin: 0.02, share: 0.25 },
        { margin: 0.1, share: 0.25 },
      ];
    });
    expect(message).toBe('fund config: model.defaultLeverageProfile: shares must sum to 1, got 0.5');
  });

  it('refuses horizonHours 1e308 (it failed at persist)', () => {
    expect(refused((c) => (c.model.horizonHours = 1e308))).toMatch(
      /^fund config: model\.horizonHours: .*168.*, got 1e\+308$/,
    );
  });

  it('refuses volFloor 0', () => {
    expect(refused((c) => (c.model.volFloor = 0))).toMatch(/^fund config: model\.volFloor: .*0.*, got 0$/);
  });

  it('refuses the same venue symbol under two market ids (it was counted twice: +43%)', () => {
    const message = refused((c) => c.markets.push({ ...c.markets[0], id: 'BTC-PERP-BINANCE-2' }));
    expect(message).toBe(
      'fund config: markets[10].symbol: binance BTCUSDT is already market BTC-PERP-BINANCE, got "BTCUSDT"',
    );
  });

  it('refuses a static balance of 1e15 and a seed the model cannot take', () => {
    expect(refused((c) => (c.balance = { type: 'static', amountUsd: 1e15 }))).toMatch(
      /^fund config: balance\.amountUsd: .*10000000000000.*, got 1000000000000000$/,
    );
    expect(refused((c) => (c.model.seed = 1e300))).toMatch(/^fund config: model\.seed: /);
  });

  it('refuses an EVM rpcUrl that carries an API key, and takes it as a secret reference instead', () => {
    const keyed = 'https://eth-mainnet.g.alchemy.com/v2/abcdefghijklmnopqrstuvwxyz012345';
    const message = refused((c) => (c.balance = { ...EVM, rpcUrl: keyed }));
    expect(message).toMatch(
      /^fund config: balance\.rpcUrl: looks like it carries an API key \(a query string or a key-like path segment\): keep the URL in an SSM SecureString or Secrets Manager and name it in rpcUrlSecret/,
    );
    // The key itself is not repeated in the error line.
    expect(message).not.toContain('abcdefghij');
    const config = structuredClone(DEMO) as Editable;
    config.balance = { ...EVM, rpcUrlSecret: { ssmParameter: '/backstop/prod/eth-rpc-url' } };
    expect(FundConfigSchema.parse(config).balance).toMatchObject({
      rpcUrlSecret: { ssmParameter: '/backstop/prod/eth-rpc-url' },
    });
    config.balance = { ...EVM, rpcUrlSecret: { secretsManager: 'backstop/eth-rpc' } };
    expect(FundConfigSchema.parse(config).balance).toMatchObject({
      rpcUrlSecret: { secretsManager: 'backstop/eth-rpc' },
    });
  });

  it('refuses an EVM source with neither or both of rpcUrl and rpcUrlSecret', () => {
    const both = refused(
      (c) => (c.balance = { ...EVM, rpcUrl: 'https://rpc.example.org', rpcUrlSecret: { ssmParameter: 'x' } }),
    );
    expect(both).toContain('give exactly one of rpcUrl (no credentials) and rpcUrlSecret');
    expect(refused((c) => (c.balance = EVM))).toContain('give exactly one of rpcUrl');
  });

  it('tells a key-like URL from a plain one', () => {
    expect(secretInUrl('https://mainnet.infura.io/v3/0123456789abcdef0123456789abcdef')).toBeDefined();
    expect(secretInUrl('https://rpc.example.org/?apikey=x')).toBeDefined();
    expect(secretInUrl('https://cloudflare-eth.com/')).toBeUndefined();
    expect(secretInUrl('http://127.0.0.1:8545/evm')).toBeUndefined();
  });
});
