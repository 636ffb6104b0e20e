import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FundConfigSchema } from '../../../lambda/config/fund-config.ts';
import { parseFundConfig, withoutComments } from '../../../lambda/config/fund-config-document.ts';
import { FUND_CONFIG_FIELDS } from '../../../lambda/config/fund-config-fields.ts';
import {
  configFields,
  FUND_CONFIG_SCHEMA_FILE,
  fundConfigJsonSchema,
} from '../../../lambda/config/fund-config-json-schema.ts';
import { starterFundConfig } from '../../../lambda/config/starter-config.ts';
import { generatedFiles } from '../../../scripts/generate-fund-config-schema.ts';

const root = join(import.meta.dirname, '../../..');

describe('the fund-config JSON Schema and docs/CONFIG.md', () => {
  it('are up to date with the zod schema (run `npm run schema` when this fails)', async () => {
    for (const file of await generatedFiles(root)) {
      expect(file.actual === file.expected, `${file.path} is stale: run npm run schema`).toBe(true);
    }
  });

  it('describe every field the schema has, and no field it does not have', () => {
    const paths = configFields(fundConfigJsonSchema()).map((f) => f.path);
    expect(paths.filter((p) => FUND_CONFIG_FIELDS[p] === undefined)).toEqual([]);
    expect(Object.keys(FUND_CONFIG_FIELDS).filter((p) => !paths.includes(p))).toEqual([]);
    expect(paths).toContain('markets[].maintenanceMargin');
    expect(paths).toContain('balance[venue-pool].pools');
    expect(paths).not.toContain('balance[sum].sources[][static].amountUsd');
  });

  it('admit a $comment in every object and carry the field descriptions', () => {
    const schema = fundConfigJsonSchema();
    expect(schema.title).toBe('Backstop fund config');
    expect(schema.properties?.$comment).toEqual({
      type: 'string',
      description: 'A note for people; Backstop ignores it.',
    });
    const market = schema.properties?.markets?.items;
    expect(market?.properties?.$comment?.type).toBe('string');
    expect(market?.properties?.maintenanceMargin?.description).toBe(
      FUND_CONFIG_FIELDS['markets[].maintenanceMargin']!.text,
    );
    expect(market?.additionalProperties).toBe(false);
  });

  it('is what every shipped fund config names in "$schema"', () => {
    const dir = join(root, 'config/funds');
    const names = readdirSync(dir).filter((n) => n.endsWith('.json'));
    expect(names.length).toBe(2);
    for (const name of names) {
      const doc = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { $schema?: string };
      expect(doc.$schema, name).toBe('../fund-config.schema.json');
      expect(resolve(dirname(join(dir, name)), doc.$schema!)).toBe(join(root, FUND_CONFIG_SCHEMA_FILE));
    }
  });
});

describe('fund config documents', () => {
  it('drop "$comment" keys at any depth, and "$schema", before validation', () => {
    expect(
      withoutComments({
        $comment: 'a',
        model: { $comment: 'b', buffer: 0.3 },
        list: [{ $comment: 'c', x: 1 }],
      }),
    ).toEqual({ model: { buffer: 0.3 }, list: [{ x: 1 }] });
    const config = parseFundConfig(starterFundConfig('../fund-config.schema.json'), 'starter');
    expect(config.fundId).toBe('my-fund');
    expect('$schema' in config).toBe(false);
    expect(JSON.stringify(config)).not.toContain('$comment');
  });

  it('a nested "$comment" is an unknown key to the bare schema: only the loaders accept it', () => {
    const parsed = FundConfigSchema.safeParse(starterFundConfig('x'));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => [i.code, i.path.join('.')])).toEqual([
      ['unrecognized_keys', 'balance'],
      ['unrecognized_keys', 'markets.0'],
      ['unrecognized_keys', 'model'],
      ['unrecognized_keys', 'alerts'],
      ['unrecognized_keys', ''],
    ]);
  });
});
