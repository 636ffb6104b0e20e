/**
 * The one test that bundles for real: esbuild on this machine (no Docker), exactly as `cdk deploy`
 * would, then the bundle is loaded by Node the way Lambda loads it — which proves the ESM output,
 * the createRequire banner for CommonJS dependencies and the handler export all work together.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenMarketsV2 } from '../../bench/synthetic-fund.ts';
import { computeReserve } from '../../lambda/model/reserve.ts';
import { validateSnapshot } from '../../lambda/model/validate-snapshot.ts';
import { PathWorkerPool } from '../../lambda/scale/worker-pool.ts';
import { addBackstop } from '../../lib/backstop-app.ts';
import { deployment } from './support/fixtures.ts';

/** The code Lambda loads at cold start; see docs/OPERATIONS.md ("Bundle size budget"). */
const BUNDLE_BUDGET_BYTES = 1.6 * 1024 * 1024;
/**
 * Everything uploaded, source map included (3.5 MiB since the S3 client reads the fund configs;
 * 3.75 MiB since the function renders the transparency page with d3's scales and shapes).
 */
const ASSET_BUDGET_BYTES = 4 * 1024 * 1024;

describe('the bundled recalibration function', () => {
  let outdir: string;
  let assetDir: string;
  let environment: Record<string, string>;

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'backstop-bundle-'));
    const app = new App({ outdir });
    const { stateless } = addBackstop(app, deployment());
    const [fn] = Object.values(
      Template.fromStack(stateless).findResources('AWS::Lambda::Function', {
        Properties: { Runtime: 'nodejs24.x' },
      }),
    );
    const assetHash = String(fn?.Properties.Code.S3Key).replace(/\.zip$/, '');
    assetDir = join(outdir, `asset.${assetHash}`);
    environment = fn?.Properties.Environment.Variables;
  });

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('is an ESM bundle with a source map, under its size budget', () => {
    expect(readdirSync(assetDir).sort()).toEqual(['index.mjs', 'index.mjs.map', 'path-worker.mjs']);
    const bundle = statSync(join(assetDir, 'index.mjs')).size;
    const total =
      bundle +
      statSync(join(assetDir, 'index.mjs.map')).size +
      statSync(join(assetDir, 'path-worker.mjs')).size;
    expect(bundle).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES);
    expect(total).toBeLessThanOrEqual(ASSET_BUDGET_BYTES);
    const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
    expect(
      code.startsWith(
        "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      ),
    ).toBe(true);
    expect(code).toContain('//# sourceMappingURL=index.mjs.map');
  });

  it('loads in Node with the deployed environment and exports the handler', () => {
    expect(existsSync(join(assetDir, 'index.mjs'))).toBe(true);
    const probe = `const m = await import(${JSON.stringify(pathToFileURL(join(assetDir, 'index.mjs')).href)}); process.stdout.write(typeof m.handler);`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', probe], {
      env: {
        PATH: process.env.PATH ?? '',
        AWS_REGION: 'eu-west-1',
        POWERTOOLS_DEV: 'true',
        ...environment,
        // Deploy-time values, as CloudFormation would fill them in.
        BACKSTOP_TABLE_NAME: 'Backstop-test-Stateful-SnapshotTable-1ABC',
        BACKSTOP_IDEMPOTENCY_TABLE_NAME: 'Backstop-test-Stateless-IdempotencyTable-1ABC',
        BACKSTOP_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:Backstop-test-Stateful-AlertTopic-1ABC',
        BACKSTOP_FUND_CONFIG_BUCKET: 'backstop-test-stateless-fundconfigsbucket-1abc',
        BACKSTOP_SITE_BUCKET: 'backstop-test-stateless-transparencysitebucket-1abc',
        BACKSTOP_HISTORY_BUCKET: 'backstop-test-stateless-runhistorybucket-1abc',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(out).toBe('function');
  });

  it('ships the Monte Carlo worker thread beside the handler, and it computes what this thread does', async () => {
    const pool = PathWorkerPool.start({
      workers: 2,
      entry: pathToFileURL(join(assetDir, 'path-worker.mjs')),
    });
    try {
      const s = tenMarketsV2();
      // 65 536 fixed paths: more than this thread computes before the worker is up.
      const { snapshot } = validateSnapshot({ ...s, model: { ...s.model, paths: 65_536 } }, 'bench book');
      const batches: number[] = [];
      const result = computeReserve(snapshot, {
        pathRunner: (x) => {
          const inner = pool.runner(x);
          return (round, progress) => {
            const out = inner(round, progress);
            batches.push(out.length);
            return out;
          };
        },
      });
      expect(result).toEqual(computeReserve(snapshot));
      expect(batches[0]).toBeGreaterThan(1);
    } finally {
      await pool.close();
    }
  });
});
