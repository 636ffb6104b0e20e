/**
 * The public transparency pages in CDK: a private bucket that only CloudFront may read (origin
 * access control), pages cached at most a minute, a content security policy that lets nothing but
 * the page load, the function allowed to write them, the URL of each fund as a stack output, and an
 * alarm per fund when publishing fails twice running.
 */
// biome-ignore-all lint/suspicious/noExplicitAny: CloudFormation templates are untyped JSON
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  SITE_CONTENT_SECURITY_POLICY,
  transparencyOutputId,
} from '../../lib/constructs/transparency-site.ts';
import { fastStacks } from './support/fixtures.ts';

describe('TransparencySite', () => {
  let template: Template;
  const siteBucket = { Ref: Match.stringLikeRegexp('^TransparencySiteBucket') };

  beforeAll(() => {
    template = Template.fromStack(fastStacks().stateless);
  });

  function resourcesOf(type: string, logicalIdPrefix: string): any[] {
    return Object.entries(template.findResources(type))
      .filter(([id]) => id.startsWith(logicalIdPrefix))
      .map(([, r]) => r);
  }

  it('keeps the pages in a private, encrypted, TLS-only bucket with access logs', () => {
    const [bucket] = resourcesOf('AWS::S3::Bucket', 'TransparencySiteBucket');
    expect(bucket.Properties).toEqual({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LoggingConfiguration: {
        DestinationBucketName: { Ref: expect.stringMatching(/^TransparencySiteLogBucket/) },
        LogFilePrefix: 's3/',
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      Tags: expect.any(Array),
    });
    expect(bucket.DeletionPolicy).toBe('Retain');
    const [logs] = resourcesOf('AWS::S3::Bucket', 'TransparencySiteLogBucket');
    expect(logs.Properties.LifecycleConfiguration).toEqual({
      Rules: [{ ExpirationInDays: 90, Status: 'Enabled' }],
    });
  });

  it('lets only this distribution read the bucket, through origin access control', () => {
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: {
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      },
    });
    const [policy] = Object.values(
      template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: siteBucket } }),
    ) as any[];
    const statements = policy.Properties.PolicyDocument.Statement;
    expect(statements).toEqual([
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      {
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Resource: {
          'Fn::Join': [
            '',
            [{ 'Fn::GetAtt': [expect.stringMatching(/^TransparencySiteBucket/), 'Arn'] }, '/*'],
          ],
        },
        Condition: {
          StringEquals: {
            'AWS:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':cloudfront::',
                  { Ref: 'AWS::AccountId' },
                  ':distribution/',
                  { Ref: expect.stringMatching(/^TransparencySiteDistribution/) },
                ],
              ],
            },
          },
        },
      },
    ]);
  });

  it('serves HTTPS only, GET and HEAD, with a one-minute cache and a strict content security policy', () => {
    const [distribution] = resourcesOf('AWS::CloudFront::Distribution', 'TransparencySiteDistribution');
    const config = distribution.Properties.DistributionConfig;
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
      Compress: true,
      CachePolicyId: { Ref: expect.stringMatching(/^TransparencySiteCachePolicy/) },
      ResponseHeadersPolicyId: { Ref: expect.stringMatching(/^TransparencySiteSecurityHeaders/) },
    });
    expect(config.Origins).toHaveLength(1);
    expect(config.Origins[0]).toMatchObject({
      OriginAccessControlId: {
        'Fn::GetAtt': [
          expect.stringMatching(/^TransparencySiteDistributionOrigin1S3OriginAccessControl/),
          'Id',
        ],
      },
      S3OriginConfig: { OriginAccessIdentity: '' },
    });
    expect(config.Logging).toEqual({
      Bucket: { 'Fn::GetAtt': [expect.stringMatching(/^TransparencySiteLogBucket/), 'RegionalDomainName'] },
      Prefix: 'cloudfront/',
    });
    template.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({ MinTTL: 0, DefaultTTL: 60, MaxTTL: 60 }),
    });
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: { ContentSecurityPolicy: SITE_CONTENT_SECURITY_POLICY, Override: true },
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 31_536_000 }),
        }),
      }),
    });
  });

  it('gives the function the bucket to publish to', () => {
    const [fn] = Object.values(
      template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs24.x' } }),
    ) as any[];
    expect(fn.Properties.Environment.Variables.BACKSTOP_SITE_BUCKET).toEqual({
      Ref: expect.stringMatching(/^TransparencySiteBucket/),
    });
  });

  it('outputs each fund’s page URL', () => {
    expect(transparencyOutputId('alpha-perps')).toBe('TransparencyUrlAlphaPerps');
    for (const fund of ['alpha-perps', 'beta-lending']) {
      template.hasOutput(transparencyOutputId(fund), {
        Description: `Public transparency page of fund ${fund}`,
        Value: {
          'Fn::Join': [
            '',
            [
              'https://',
              { 'Fn::GetAtt': [Match.stringLikeRegexp('^TransparencySiteDistribution'), 'DomainName'] },
              `/${fund}/index.html`,
            ],
          ],
        },
      });
    }
  });

  it('alarms per fund when two runs in a row could not publish', () => {
    for (const [fund, minutes] of [
      ['alpha-perps', 15],
      ['beta-lending', 60],
    ] as const) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'SitePublishFailures',
        Namespace: 'Backstop',
        Dimensions: [
          { Name: 'fundId', Value: fund },
          { Name: 'stage', Value: 'test' },
        ],
        Statistic: 'Sum',
        Period: minutes * 60,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
  });
});
