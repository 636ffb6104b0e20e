/**
 * A queue that only ever receives what something else failed to deliver or process: the scheduler's
 * undelivered ticks, the function's failed runs, undeliverable alert emails. Encrypted, TLS-only,
 * kept for the longest SQS allows so an operator back from a weekend still finds the evidence.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** An SQS dead-letter queue with house settings and the cdk-nag acknowledgements that fit it. */
export class DeadLetterQueue extends Queue {
  constructor(scope: Construct, id: string, props: { readonly purpose: string }) {
    super(scope, id, {
      // SQS-managed keys: Scheduler, Lambda destinations and SNS can all write without a key policy.
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const reason = `this queue is itself the dead-letter queue for ${props.purpose}; a DLQ of a DLQ would only hide failures one level further down`;
    Validations.of(this).acknowledge({ id: 'AwsSolutions::AwsSolutions-SQS3', reason });
    Validations.of(this).acknowledge({ id: 'Serverless::Serverless-SQSRedrivePolicy', reason });
  }
}
