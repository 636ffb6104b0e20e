/**
 * A stage with fifty funds synthesises, cdk-nag included: the fund configs travel as S3 objects, so
 * the function's environment does not grow with the funds, and both stacks stay under
 * CloudFormation's 500 resources.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FundConfigSchema } from '../../lambda/config/fund-config.ts';
import type { FundFile } from '../../lib/deployment-config.ts';
import { deployment, fastStacks, fundInput } from './support/fixtures.ts';

/** CloudFormation's limit on resources in one stack. */
const STACK_RESOURCE_LIMIT = 500;
const FUNDS = 50;

const files: FundFile[] = Array.from({ length: FUNDS }, (_, i) => {
  const fundId = `fund-${String(i + 1).padStart(2, '0')}`;
  return {
    path: `config/funds/${fundId}.json`,
    json: fundInput(fundId, { notifications: { emails: [`risk+${fundId}@example.com`] } }),
  };
});

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation templates are untyped JSON
type Json = any;

describe(`a stage with ${FUNDS} funds`, () => {
  let stateless: Template;
  let stateful: Template;
  let assemblyDir: string;

  beforeAll(() => {
    const { app, stateless: s, stateful: f } = fastStacks(deployment('prod', {}, files));
    app.synth(); // runs cdk-nag: any unacknowledged finding throws here
    stateless = Template.fromStack(s);
    stateful = Template.fromStack(f);
    assemblyDir = app.outdir;
  });

  const resourceCount = (t: Template) => Object.keys(t.toJSON().Resources).length;

  it('stays under the CloudFormation resource limit in both stacks', () => {
    // Each fund adds six: a schedule, three alarms, a dashboard, an email subscription.
    expect(resourceCount(stateless) - resourceCount(fastStacksTemplateOfOne())).toBe(6 * (FUNDS - 1));
    expect(resourceCount(stateless)).toBeLessThan(STACK_RESOURCE_LIMIT);
    expect(resourceCount(stateful)).toBeLessThan(STACK_RESOURCE_LIMIT);
  });

  it('schedules every fund and deploys every config as its own object', () => {
    const schedules = Object.values(stateless.findResources('AWS::Scheduler::Schedule')) as Json[];
    expect(schedules.map((s) => JSON.parse(s.Properties.Target.Input).fundId).sort()).toEqual(
      files.map((f) => (f.json as { fundId: string }).fundId),
    );
    const [deploymentResource] = Object.values(
      stateless.findResources('Custom::CDKBucketDeployment'),
    ) as Json[];
    const asset = String(deploymentResource.Properties.SourceObjectKeys[0]).replace(/\.zip$/, '');
    const dir = join(assemblyDir, `asset.${asset}`);
    const names = readdirSync(dir).sort();
    expect(names).toHaveLength(FUNDS);
    for (const [i, name] of names.entries()) {
      const config = FundConfigSchema.parse(JSON.parse(readFileSync(join(dir, name), 'utf8')));
      expect([name, config.notifications.emails]).toEqual([
        `${config.fundId}.json`,
        [`risk+fund-${String(i + 1).padStart(2, '0')}@example.com`],
      ]);
    }
  });

  it('gives the function the same environment as a stage of one fund', () => {
    const envOf = (t: Template) => {
      const [fn] = Object.values(
        t.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs24.x' } }),
      ) as Json[];
      return fn.Properties.Environment.Variables;
    };
    const fifty = envOf(stateless);
    const one = envOf(fastStacksTemplateOfOne());
    expect(Object.keys(fifty).sort()).toEqual(Object.keys(one).sort());
    expect(JSON.stringify(fifty).length).toBe(JSON.stringify(one).length);
  });
});

let single: Template | undefined;
/** The stateless template of a stage with just the first fund (no cdk-nag run: only counted). */
function fastStacksTemplateOfOne(): Template {
  single ??= Template.fromStack(fastStacks(deployment('prod', {}, files.slice(0, 1))).stateless);
  return single;
}
