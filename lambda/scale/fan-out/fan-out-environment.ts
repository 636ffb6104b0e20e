/**
 * The environment of the fan-out functions: the recalibrate function's (without its idempotency
 * table: a fan-out stores its run with the same conditional write, and each execution is one run)
 * plus the scratch bucket the steps hand their data through.
 */
import { z } from 'zod';
import {
  type HandlerEnvironment,
  HandlerEnvSchema,
  readHandlerEnvironment,
} from '../../handlers/handler-environment.ts';
import { parseOrThrow } from '../../model/validation.ts';

/** The scratch bucket's name. */
export const SCRATCH_BUCKET_ENV_VAR = 'BACKSTOP_SCRATCH_BUCKET';

const ScratchEnvSchema = z.object({
  [SCRATCH_BUCKET_ENV_VAR]: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
});

/** The validated environment of a fan-out function. */
export interface FanOutEnvironment extends Omit<HandlerEnvironment, 'idempotencyTableName'> {
  readonly scratchBucket: string;
}

/**
 * Validates the coordinator's environment.
 *
 * @throws InvalidInputError naming the variable
 */
export function readFanOutEnvironment(env: Readonly<Record<string, string | undefined>>): FanOutEnvironment {
  const scratch = parseOrThrow(ScratchEnvSchema, env, 'environment');
  parseOrThrow(HandlerEnvSchema.omit({ BACKSTOP_IDEMPOTENCY_TABLE_NAME: true }), env, 'environment');
  // The shared reader maps the variables; its idempotency table is not one this function has.
  const { idempotencyTableName: _none, ...base } = readHandlerEnvironment({
    ...env,
    BACKSTOP_IDEMPOTENCY_TABLE_NAME: 'not-used',
  });
  return { ...base, scratchBucket: scratch[SCRATCH_BUCKET_ENV_VAR] };
}

/**
 * Validates a batch worker's environment (it reads and writes scratch only).
 *
 * @throws InvalidInputError naming the variable
 */
export function readBatchEnvironment(env: Readonly<Record<string, string | undefined>>): {
  scratchBucket: string;
} {
  return { scratchBucket: parseOrThrow(ScratchEnvSchema, env, 'environment')[SCRATCH_BUCKET_ENV_VAR] };
}
