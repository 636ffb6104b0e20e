/**
 * bin/backstop.ts as `cdk synth` runs it, on the repository's own config/ (the shipped demo fund and
 * stage files): a stage is chosen by context alone, and bad input ends synthesis with one line and
 * exit code 2. Bundling is skipped here (bundling.test.ts covers it).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { afterAll, describe, expect, it } from 'vitest';
import { FundConfigSchema } from '../../lambda/config/fund-config.ts';

/** A template resource: CloudFormation JSON is untyped. */
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation templates are untyped JSON
type Resource = { Type: string; Properties: any };

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const outdirs: string[] = [];

/** Runs the app like the CDK CLI does: context and output directory through the environment. */
function synth(context: Record<string, unknown>) {
  const outdir = mkdtempSync(join(tmpdir(), 'backstop-app-'));
  outdirs.push(outdir);
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/backstop.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:bundling-stacks': [], ...context }),
    },
    encoding: 'utf8',
    timeout: 120_000,
  });
  const template = (stack: string) =>
    JSON.parse(readFileSync(join(outdir, `${stack}.template.json`), 'utf8'));
  /** A deployed fund config object, read from the asset the bucket deployment uploads. */
  const fundObject = (stack: string, fundId: string) => {
    const resources = Object.values(template(stack).Resources as Record<string, Resource>);
    const deployment = resources.find((r) => r.Type === 'Custom::CDKBucketDeployment');
    const asset = String(deployment?.Properties.SourceObjectKeys[0]).replace(/\.zip$/, '');
    return JSON.parse(readFileSync(join(outdir, `asset.${asset}`, `${fundId}.json`), 'utf8'));
  };
  return { ...result, template, fundObject };
}

afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

describe('cdk.json', () => {
  it('runs bin/backstop.ts and sets exactly the feature flags this aws-cdk-lib recommends', () => {
    const cdkJson = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8'));
    expect(cdkJson.app).toBe('npx tsx bin/backstop.ts');
    expect(cdkJson.context).toEqual(CURRENTLY_RECOMMENDED_FLAGS);
  });
});

describe('bin/backstop.ts', () => {
  it('synthesises the staging stage from config/ with its faster schedule and smaller Monte Carlo', () => {
    const run = synth({ stage: 'staging' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const stateless = run.template('Backstop-staging-Stateless');
    const resources = Object.values(stateless.Resources as Record<string, Resource>);
    const schedules = resources.filter((r) => r.Type === 'AWS::Scheduler::Schedule');
    expect(
      schedules.map((s) => [s.Properties.ScheduleExpression, JSON.parse(s.Properties.Target.Input).fundId]),
    ).toEqual([
      ['rate(5 minutes)', 'demo-defi'],
      ['rate(5 minutes)', 'demo-perps'],
    ]);
    const demo = FundConfigSchema.parse(run.fundObject('Backstop-staging-Stateless', 'demo-perps'));
    expect([demo.fundId, demo.model.paths, demo.schedule.intervalMinutes]).toEqual([
      'demo-perps',
      100_000,
      5,
    ]);
    expect(Object.keys(run.template('Backstop-staging-Stateful').Resources)).toContain(
      'SnapshotTableDA0E0D82',
    );
  });

  it('ends with one line naming the missing stage file and exit code 2', () => {
    const run = synth({ stage: 'qa' });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `backstop: stage config ${join(ROOT, 'config/stages/qa.json')}: cannot read file (ENOENT)\n`,
    );
  });

  it('refuses a stage name that cannot be part of a stack name, before reading any file', () => {
    const run = synth({ stage: '../funds/demo' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /^backstop: stage: must be 1-20 lower-case letters, digits and dashes starting with a letter, got "\.\.\/funds\/demo"\n$/,
    );
  });
});
