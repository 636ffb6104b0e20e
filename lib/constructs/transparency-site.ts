/**
 * The public transparency sites of a stage: a private S3 bucket that the recalibration function
 * writes after every run (`<fundId>/index.html`, `<fundId>/feed.json`), served by CloudFront through
 * origin access control — the bucket itself is never public. Pages are cached at most
 * {@link SITE_CACHE_TTL} (the objects say the same in `Cache-Control`), less than the shortest schedule
 * interval, so a visitor sees at most one run old. A strict content security policy makes the browser
 * refuse anything but the page's own inline styles. An alarm per fund fires when publishing fails.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Alarm, ComparisonOperator, type IAlarmAction, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { FundConfig } from '../../lambda/config/fund-config.ts';
import { fundMetric, RunMetric } from '../run-metrics.ts';

/** Longest time CloudFront keeps a page: one minute, the shortest schedule interval there is. */
export const SITE_CACHE_TTL = Duration.seconds(60);
/** Days the access logs of the site are kept. */
export const SITE_LOG_DAYS = 90;
/** The page uses inline styles and inline SVG only; nothing else may load. */
export const SITE_CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The stack output id of a fund's page URL: `demo-perps` → `TransparencyUrlDemoPerps`. */
export function transparencyOutputId(fundId: string): string {
  return `TransparencyUrl${fundId
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')}`;
}

/** Props of {@link TransparencySite}. */
export interface TransparencySiteProps {
  readonly stage: string;
  readonly funds: readonly FundConfig[];
  /** Where the publish-failure alarms go (the alert topic). */
  readonly alarmAction: IAlarmAction;
}

/** Bucket, distribution and per-fund alarm of the public pages. */
export class TransparencySite extends Construct {
  readonly bucket: Bucket;
  readonly logBucket: Bucket;
  readonly distribution: Distribution;
  readonly alarms: ReadonlyMap<string, Alarm>;

  constructor(scope: Construct, id: string, props: TransparencySiteProps) {
    super(scope, id);
    // CloudFront's standard logs need ACLs on their bucket; S3 server access logs go there too.
    this.logBucket = new Bucket(this, 'LogBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(SITE_LOG_DAYS) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Bucket declares isWebsite as `boolean | undefined`, IBucket as optional: the same thing, but not
    // under exactOptionalPropertyTypes.
    const logs = this.logBucket as unknown as IBucket;
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason: 'this is the access-log bucket of the site; logging its own access would log the logging',
    });
    // Rewritten by every run, so it holds nothing that is not regenerated; RETAIN only because a
    // bucket with objects cannot be deleted by CloudFormation (delete it by hand after a teardown).
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 's3/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const cachePolicy = new CachePolicy(this, 'CachePolicy', {
      comment: 'Backstop transparency pages: at most one minute old, less than one run interval',
      minTtl: Duration.seconds(0),
      defaultTtl: SITE_CACHE_TTL,
      maxTtl: SITE_CACHE_TTL,
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Backstop transparency pages: nothing but the page itself may load',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: SITE_CONTENT_SECURITY_POLICY, override: true },
        contentTypeOptions: { override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
      },
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Backstop ${props.stage}: public insurance-fund pages`,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket as unknown as IBucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy,
        responseHeadersPolicy: headers,
        compress: true,
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
    });
    const reasons: [string, string][] = [
      [
        'AwsSolutions::AwsSolutions-CFR1',
        'a public page about the fund, meant for every user of the venue wherever they are',
      ],
      [
        'AwsSolutions::AwsSolutions-CFR2',
        'static pages of public figures with no forms, logins or dynamic origin: nothing for a WAF to protect',
      ],
      [
        'AwsSolutions::AwsSolutions-CFR4',
        'the default *.cloudfront.net certificate fixes the viewer TLS policy; a custom domain with an ACM ' +
          'certificate (and TLSv1.2_2021) is the way to tighten it',
      ],
    ];
    for (const [rule, reason] of reasons) Validations.of(this.distribution).acknowledge({ id: rule, reason });

    const alarms = new Map<string, Alarm>();
    for (const fund of props.funds) {
      const alarm = new Alarm(this, `PublishFailedAlarm-${fund.fundId}`, {
        alarmDescription: `Backstop ${props.stage}: the transparency page of ${fund.fundId} could not be published twice running, so it is more than one run old. See docs/OPERATIONS.md#transparency-page.`,
        metric: fundMetric(
          RunMetric.SitePublishFailures,
          props.stage,
          fund.fundId,
          'Sum',
          Duration.minutes(Math.max(fund.schedule.intervalMinutes, 1)),
        ),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(props.alarmAction);
      alarm.addOkAction(props.alarmAction);
      alarms.set(fund.fundId, alarm);
    }
    this.alarms = alarms;
  }

  /** The public URL of a fund's page. */
  pageUrl(fundId: string): string {
    return `https://${this.distribution.distributionDomainName}/${fundId}/index.html`;
  }
}
