/**
 * The stateful half of Backstop: the snapshot table (the audit trail), the alert topic and the key
 * that encrypts both. Kept apart from the function, schedules and alarms so those can be replaced,
 * renamed or torn down without ever putting stored runs at risk. The logical IDs of these resources
 * are a contract (test/infra/stateful-logical-ids.test.ts): changing one replaces the resource.
 */
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

/** The attribute DynamoDB TTL reads on the snapshot table (docs/ALERTS.md §6; written by the store). */
export const SNAPSHOT_TTL_ATTRIBUTE = 'expiresAt';

/** Props of {@link BackstopStatefulStack}. */
export interface BackstopStatefulStackProps extends StackProps {
  /** Stage name, for descriptions. */
  readonly stage: string;
}

/** The table, topic and key; RETAIN everywhere, because losing them loses the audit trail. */
export class BackstopStatefulStack extends Stack {
  /** Encrypts the table and the topic; admits CloudWatch alarms and Chatbot. */
  readonly key: Key;
  /** One table with generic keys `pk`/`sk`: snapshots, alert state, outbox. */
  readonly table: Table;
  /** The alert topic: alarms, the job's alerts, email and Chatbot subscribers. */
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: BackstopStatefulStackProps) {
    super(scope, id, props);

    this.key = new Key(this, 'DataKey', {
      description: `Backstop ${props.stage}: encrypts the snapshot table and the alert topic`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });
    // Services that publish to or read from the encrypted topic on their own behalf need the key in
    // its policy: IAM policies cannot grant a service principal anything.
    for (const service of ['cloudwatch.amazonaws.com', 'chatbot.amazonaws.com']) {
      this.key.addToResourcePolicy(
        new PolicyStatement({
          sid: `Allow${service.split('.')[0]}ToUseTheAlertTopic`,
          principals: [new ServicePrincipal(service)],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
        }),
      );
    }

    this.table = new Table(this, 'SnapshotTable', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: SNAPSHOT_TTL_ATTRIBUTE,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
    });

    this.topic = new Topic(this, 'AlertTopic', {
      displayName: `Backstop ${props.stage} alerts`,
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.applyRemovalPolicy(RemovalPolicy.RETAIN);
    // The topic policy CDK writes (for enforceSSL) replaces SNS's default one, which is what let
    // CloudWatch publish alarms on the account's behalf: admit this account's alarms explicitly.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowThisAccountsAlarmsToPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': this.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
          StringEquals: { 'aws:SourceAccount': this.account },
        },
      }),
    );

    // For operators (`backstop history|replay --store dynamodb --table …`) and scripts.
    new CfnOutput(this, 'SnapshotTableName', { value: this.table.tableName });
    new CfnOutput(this, 'AlertTopicArn', { value: this.topic.topicArn });
  }
}
