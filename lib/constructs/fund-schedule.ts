/**
 * One EventBridge Scheduler schedule per fund: the fund's own cadence and time zone, a payload that
 * names the fund and the scheduled tick (the function's idempotency key), bounded retries and a
 * dead-letter queue for ticks Scheduler could not deliver.
 */
import { Duration, TimeZone } from 'aws-cdk-lib';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke, StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { FundConfig } from '../../lambda/config/fund-config.ts';

/** Delivery retries of one tick before it goes to the dead-letter queue. */
export const SCHEDULE_RETRY_ATTEMPTS = 3;

/** Props of {@link FundSchedule}. */
export interface FundScheduleProps {
  readonly fund: FundConfig;
  readonly target: IFunction;
  /** A fan-out fund's state machine: the schedule starts an execution instead of invoking `target`. */
  readonly stateMachine?: IStateMachine;
  /** The role Scheduler assumes to invoke the target (shared by every fund's schedule). */
  readonly role: IRole;
  /** Receives ticks Scheduler could not deliver (the function's own failures go elsewhere). */
  readonly deadLetterQueue: IQueue;
}

/** The schedule that runs one fund's recalibration. */
export class FundSchedule extends Construct {
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: FundScheduleProps) {
    super(scope, id);
    const { fundId, schedule } = props.fund;
    const targetProps = {
      role: props.role,
      input: ScheduleTargetInput.fromObject({ fundId, scheduledTime: ContextAttribute.scheduledTime }),
      retryAttempts: SCHEDULE_RETRY_ATTEMPTS,
      // A tick older than one interval is superseded by the next one: drop it rather than run late.
      maxEventAge: Duration.minutes(Math.min(Math.max(schedule.intervalMinutes, 1), 24 * 60)),
      deadLetterQueue: props.deadLetterQueue,
    };
    this.schedule = new Schedule(this, 'Schedule', {
      description: `Recalibrates the ${fundId} insurance fund's required reserve`,
      schedule: ScheduleExpression.expression(schedule.expression, TimeZone.of(schedule.timeZone)),
      target:
        props.stateMachine === undefined
          ? new LambdaInvoke(props.target, targetProps)
          : new StepFunctionsStartExecution(props.stateMachine, targetProps),
    });
  }
}
