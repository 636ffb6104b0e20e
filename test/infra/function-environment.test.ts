import { createHash } from 'node:crypto';
import { Token } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { encodeFundsForEnv } from '../../lambda/config/fund-env.ts';
import { environmentBytes, UNRESOLVED_ENV_VALUE_BYTES } from '../../lib/constructs/backstop-function.ts';
import { deployment, fastStacks, fundInput } from './support/fixtures.ts';

/** Hex that gzip cannot shrink much: each fund's description is a distinct hash chain. */
function incompressible(seed: string, chars: number): string {
  let out = '';
  let block = seed;
  while (out.length < chars) {
    block = createHash('sha256').update(block).digest('hex');
    out += block;
  }
  return out.slice(0, chars);
}

describe('the 4 KB Lambda environment limit', () => {
  it('counts keys and values in UTF-8 bytes, and an unresolved value at its longest', () => {
    expect(environmentBytes({ AB: 'xyz', É: 'ü' })).toBe(2 + 3 + 2 + 2);
    expect(environmentBytes({ TABLE: Token.asString({ Ref: 'Table' }) })).toBe(
      5 + UNRESOLVED_ENV_VALUE_BYTES,
    );
    expect(environmentBytes({ TABLE: { Ref: 'Table' } })).toBe(5 + UNRESOLVED_ENV_VALUE_BYTES);
  });

  it('fails synthesis, naming the size and the remedy, when the fund configs do not fit', () => {
    const files = ['one', 'two', 'three'].map((id) => ({
      path: `config/funds/${id}.json`,
      json: fundInput(id, { description: incompressible(id, 2400) }),
    }));
    const expected = environmentBytes({
      NODE_OPTIONS: '--enable-source-maps',
      BACKSTOP_FUNDS: encodeFundsForEnv(files.map((f) => f.json)),
      POWERTOOLS_SERVICE_NAME: 'backstop',
      POWERTOOLS_METRICS_NAMESPACE: 'Backstop',
      BACKSTOP_TABLE_NAME: { Ref: 'deploy-time' },
      BACKSTOP_IDEMPOTENCY_TABLE_NAME: { Ref: 'deploy-time' },
      BACKSTOP_TOPIC_ARN: { Ref: 'deploy-time' },
    });
    expect(expected).toBeGreaterThan(4096);
    const { app } = fastStacks(deployment('big', {}, files));
    expect(() => app.synth()).toThrow(
      `function environment is ${expected} bytes, over lambda's 4096-byte limit (BACKSTOP_FUNDS carries every ` +
        'fund config of the stage, gzip + base64): deploy fewer funds in this stage ' +
        '(config/stages/<stage>.json "funds") or split them across stages',
    );
  });

  it('accepts two ordinary funds with room to spare', () => {
    const { app } = fastStacks();
    expect(() => app.synth()).not.toThrow();
  });
});
