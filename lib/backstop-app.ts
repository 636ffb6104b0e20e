/**
 * Assembles one stage of Backstop on a CDK app: the stateful stack, the stateless stack that depends
 * on it, and the cdk-nag AwsSolutions and Serverless packs over the whole app (synthesis fails on
 * any finding not acknowledged, with its reason, next to the resource it concerns).
 */
import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { DeploymentConfig } from './deployment-config.ts';
import { BackstopStatefulStack } from './stateful-stack.ts';
import { BackstopStatelessStack } from './stateless-stack.ts';

/** Options of {@link addBackstop} that are not deployment configuration. */
export interface AddBackstopOptions {
  /** The handler's entry file. @default lambda/handlers/recalibrate.ts */
  readonly entry?: string;
  /** Register the cdk-nag packs on the app. @default true */
  readonly nag?: boolean;
}

/** The two stacks of a stage. */
export interface BackstopStacks {
  readonly stateful: BackstopStatefulStack;
  readonly stateless: BackstopStatelessStack;
}

/**
 * Adds a stage's stacks (`Backstop-<stage>-Stateful`, `Backstop-<stage>-Stateless`) to `app`.
 *
 * @example
 * const app = new App();
 * addBackstop(app, resolveDeployment('staging', stageJson, fundFiles));
 */
export function addBackstop(
  app: App,
  deployment: DeploymentConfig,
  options: AddBackstopOptions = {},
): BackstopStacks {
  const env = deployment.env;
  const base = {
    stage: deployment.stage,
    ...(env === undefined ? {} : { env }),
  };
  const stateful = new BackstopStatefulStack(app, `Backstop-${deployment.stage}-Stateful`, {
    ...base,
    description: `Backstop ${deployment.stage}: snapshot table, alert topic and their key (retained)`,
    terminationProtection: true,
  });
  const stateless = new BackstopStatelessStack(app, `Backstop-${deployment.stage}-Stateless`, {
    ...base,
    description: `Backstop ${deployment.stage}: recalibration function, schedules, alarms and dashboards`,
    funds: deployment.funds,
    logRetentionDays: deployment.logRetentionDays,
    table: stateful.table,
    topic: stateful.topic,
    ...(options.entry === undefined ? {} : { entry: options.entry }),
  });
  for (const stack of [stateful, stateless]) {
    Tags.of(stack).add('project', 'backstop');
    Tags.of(stack).add('stage', deployment.stage);
  }
  if (options.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  }
  return { stateful, stateless };
}
