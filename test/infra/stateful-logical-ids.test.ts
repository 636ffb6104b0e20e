/**
 * The stateful resources' logical IDs are a contract with every deployed stack: CloudFormation
 * treats a new logical ID as a new resource, so moving or renaming a construct would replace the
 * table (its RETAIN policy would orphan the old one and start an empty audit trail) or the key.
 * These IDs are written out by hand on purpose: if this test fails, do not update it — put the
 * construct back.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { expect, it } from 'vitest';
import { deployment, fastStacks, TWO_FUNDS } from './support/fixtures.ts';

const EXPECTED = {
  'AWS::KMS::Key': ['DataKey17AFBB84'],
  'AWS::DynamoDB::Table': ['SnapshotTableDA0E0D82'],
  'AWS::SNS::Topic': ['AlertTopic2720D535'],
  'AWS::SNS::TopicPolicy': ['AlertTopicPolicy3376BC02'],
};

it('keeps the logical IDs of the table, key, topic and topic policy', () => {
  const template = Template.fromStack(fastStacks().stateful);
  const actual = Object.fromEntries(
    Object.keys(EXPECTED).map((type) => [type, Object.keys(template.findResources(type)).sort()]),
  );
  expect(actual).toEqual(EXPECTED);
});

it('keeps the logical IDs whatever the stage and however many funds it deploys', () => {
  const oneFund = deployment('prod', { funds: ['beta-lending'] }, TWO_FUNDS);
  const template = Template.fromStack(fastStacks(oneFund).stateful);
  for (const [type, ids] of Object.entries(EXPECTED)) {
    expect(Object.keys(template.findResources(type)).sort()).toEqual(ids);
  }
});
