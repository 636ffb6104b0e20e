/**
 * Lambda entry of the scheduled job (the CDK app bundles exactly this file and `handler`). The
 * environment is read and validated once, at cold start; a bad environment fails the cold start with
 * one line naming the variable.
 */

import { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { lambdaPathRunner } from '../scale/lambda-workers.ts';
import { readHandlerEnvironment } from './handler-environment.ts';
import { createRecalibrateHandler, type RecalibrateDeps } from './recalibrate-handler.ts';

/** Builds the production ports from `process.env`: AWS clients traced by X-Ray. */
export function fromEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
): RecalibrateDeps {
  const environment = readHandlerEnvironment(env);
  const tracer = new Tracer({ serviceName: 'backstop' });
  return {
    environment,
    tracer,
    dynamoClient: tracer.captureAWSv3Client(new DynamoDBClient({})),
    snsClient: tracer.captureAWSv3Client(new SNSClient({})),
    s3Client: tracer.captureAWSv3Client(new S3Client({})),
    ssmClient: (region) => tracer.captureAWSv3Client(new SSMClient(region === undefined ? {} : { region })),
    ...lambdaPathRunner(),
  };
}

/** The scheduled recalibration: `{ fundId, scheduledTime? }` in, a run summary out. */
export const handler = createRecalibrateHandler(fromEnvironment());
