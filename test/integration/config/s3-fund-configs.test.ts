/**
 * The deployed function's fund configs, read with the real S3Client from a local S3: validation,
 * the one-line errors, and the Powertools cache.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FundConfigSchema } from '../../../lambda/config/fund-config.ts';
import { FUND_CONFIG_MAX_AGE_SECONDS, s3FundConfigs } from '../../../lambda/config/s3-fund-configs.ts';
import { InvalidInputError } from '../../../lambda/model/validation.ts';
import { startTestS3, type TestS3 } from '../../support/s3-server.ts';
import { REPO_ROOT } from '../pipeline/support.ts';

const BUCKET = 'configs';
let s3: TestS3;
let demo: Record<string, unknown>;

beforeAll(async () => {
  s3 = await startTestS3();
  demo = JSON.parse(await readFile(resolve(REPO_ROOT, 'config/funds/demo.json'), 'utf8'));
  s3.put(BUCKET, 'funds/demo-perps.json', JSON.stringify(demo));
  s3.put(BUCKET, 'funds/not-json.json', '{"fundId": ');
  s3.put(BUCKET, 'funds/renamed.json', JSON.stringify(demo));
});
afterAll(() => s3.close());

describe('s3FundConfigs', () => {
  it('returns the validated config, defaults applied, and caches it for five minutes', async () => {
    expect(FUND_CONFIG_MAX_AGE_SECONDS).toBe(300);
    const source = s3FundConfigs({ bucket: BUCKET, client: s3.client });
    const before = s3.requests.length;
    expect(await source.get('demo-perps')).toEqual(FundConfigSchema.parse(demo));
    expect(await source.get('demo-perps')).toEqual(FundConfigSchema.parse(demo));
    expect(s3.requests.slice(before)).toEqual([`GET /${BUCKET}/funds/demo-perps.json`]);
  });

  it('fetches again every time when caching is off', async () => {
    const source = s3FundConfigs({ bucket: BUCKET, client: s3.client, maxAgeSeconds: 0 });
    const before = s3.requests.length;
    await source.get('demo-perps');
    await source.get('demo-perps');
    expect(s3.requests.length - before).toBe(2);
  });

  it.each([
    [
      'absent',
      'fundId: no fund config is deployed for this fund (no s3://configs/funds/absent.json), got "absent"',
    ],
    ['not-json', 'fund config s3://configs/funds/not-json.json: not valid JSON'],
    [
      'renamed',
      'fund config s3://configs/funds/renamed.json: fundId: must be "renamed" (the object\'s name), got "demo-perps"',
    ],
  ])('refuses %s with one line', async (fundId, message) => {
    const source = s3FundConfigs({ bucket: BUCKET, client: s3.client });
    const act = source.get(fundId);
    await expect(act).rejects.toThrow(InvalidInputError);
    await expect(source.get(fundId)).rejects.toThrow(message);
  });
});
