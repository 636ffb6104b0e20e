/**
 * What one deployment (a stage) contains: which funds, with which stage-wide overrides. Pure — the
 * CDK entry point (bin/backstop.ts) reads the files and hands their parsed JSON here, so tests build
 * deployments from objects and every rule (validation, overrides, schedule sanity) is tested once.
 */
import { z } from 'zod';
import {
  type FundConfig,
  type FundConfigInput,
  FundConfigSchema,
  FundNotificationsSchema,
  FundScheduleSchema,
} from '../lambda/config/fund-config.ts';
import { withoutComments } from '../lambda/config/fund-config-document.ts';
import { InvalidInputError, parseOrThrow } from '../lambda/model/validation.ts';

/** CloudWatch Logs accepts only these retention periods (days). */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * A stage file, config/stages/<stage>.json. Everything optional: an empty object deploys every
 * fund under config/funds/ as written.
 */
export const StageConfigSchema = z.strictObject({
  /** Fund ids to deploy; every fund config file when absent. */
  funds: z.array(z.string().min(1)).min(1).optional(),
  /** Replaces every deployed fund's schedule (e.g. staging runs faster than production). */
  schedule: FundScheduleSchema.optional(),
  /** Replaces every deployed fund's notifications (e.g. staging alerts only the developers). */
  notifications: FundNotificationsSchema.optional(),
  /** Overrides `model.paths` of every fund (a cheaper Monte Carlo for a test stage). */
  paths: z.number().int().min(100).max(50_000_000).optional(),
  /** Retention of the function's logs, in days (a value CloudWatch Logs accepts). */
  logRetentionDays: z
    .number()
    .int()
    .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
      message: `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
    })
    .default(90),
  /** Target account and region; the CLI's defaults (CDK_DEFAULT_ACCOUNT/REGION) when absent. */
  env: z.strictObject({ account: z.string().regex(/^\d{12}$/), region: z.string().min(1) }).optional(),
});

/** A stage file as written. */
export type StageConfigInput = z.input<typeof StageConfigSchema>;

/** One fund as deployed: its config as written (for the function's environment) and validated. */
export interface DeployedFund {
  /** The config as written plus the stage's overrides, before defaults: what the function receives. */
  readonly input: FundConfigInput;
  /** The same config validated, defaults applied: what the infrastructure is built from. */
  readonly config: FundConfig;
}

/** Everything the CDK app needs to build one stage. */
export interface DeploymentConfig {
  /** Stage name: `staging`, `prod`; part of the stack names. */
  readonly stage: string;
  readonly funds: readonly DeployedFund[];
  readonly logRetentionDays: number;
  readonly env?: { readonly account: string; readonly region: string };
}

/** A fund config file's parsed JSON and where it came from (for error messages). */
export interface FundFile {
  readonly path: string;
  readonly json: unknown;
}

/** Stage names become part of stack names: keep them short and CloudFormation-safe. */
const STAGE_NAME = /^[a-z][a-z0-9-]{0,19}$/;

/**
 * Checks a stage name before it is used in a file path or a stack name.
 *
 * @throws InvalidInputError unless it is 1-20 lower-case letters, digits and dashes
 */
export function checkStageName(stage: string): string {
  if (!STAGE_NAME.test(stage)) {
    throw new InvalidInputError(
      `stage: must be 1-20 lower-case letters, digits and dashes starting with a letter, got ${JSON.stringify(stage)}`,
      'stage',
    );
  }
  return stage;
}

/**
 * Builds a stage's deployment from its stage file and the fund config files.
 *
 * @param stage - the stage name (`-c stage=NAME`)
 * @param stageJson - config/stages/<stage>.json, parsed
 * @param fundFiles - every config/funds/*.json, parsed
 * @throws InvalidInputError naming the file and the field when anything is invalid
 */
export function resolveDeployment(
  stage: string,
  stageJson: unknown,
  fundFiles: readonly FundFile[],
): DeploymentConfig {
  checkStageName(stage);
  const settings = parseOrThrow(StageConfigSchema, stageJson, `stage config ${stage}`);
  const all = fundFiles.map((file) => deployFund(file, settings));
  assertUniqueFundIds(all, fundFiles);
  const funds = selectFunds(all, settings.funds, stage);
  return {
    stage,
    funds,
    logRetentionDays: settings.logRetentionDays,
    ...(settings.env === undefined ? {} : { env: settings.env }),
  };
}

/** Applies the stage's overrides to one fund file and validates the result. */
function deployFund(file: FundFile, settings: z.output<typeof StageConfigSchema>): DeployedFund {
  const what = `fund config ${file.path}`;
  // Validate the file as written first, so its own mistakes are reported against its own fields.
  // Comments are for people: the deployed object (and so the function) never carries them.
  const written = withoutComments(file.json) as FundConfigInput;
  parseOrThrow(FundConfigSchema, written, what);
  const input: FundConfigInput = {
    ...written,
    ...(settings.schedule === undefined ? {} : { schedule: settings.schedule }),
    ...(settings.notifications === undefined ? {} : { notifications: settings.notifications }),
    ...(settings.paths === undefined ? {} : { model: { ...written.model, paths: settings.paths } }),
  };
  const config = parseOrThrow(FundConfigSchema, input, `${what} (with stage overrides)`);
  assertScheduleConsistent(config, what);
  return { input, config };
}

/**
 * The "no successful run in two intervals" alarm is sized from `intervalMinutes`; a rate expression
 * that disagrees with it would make that alarm fire on every healthy run or never.
 */
function assertScheduleConsistent(config: FundConfig, what: string): void {
  const { expression, intervalMinutes } = config.schedule;
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate === null) return;
  const unit = rate[2] ?? 'minutes';
  const minutes = Number(rate[1]) * (unit.startsWith('minute') ? 1 : unit.startsWith('hour') ? 60 : 1440);
  if (minutes !== intervalMinutes) {
    throw new InvalidInputError(
      `${what}: schedule.intervalMinutes: must equal the rate of ${expression} (${minutes}), got ${intervalMinutes}`,
      'schedule.intervalMinutes',
    );
  }
}

function assertUniqueFundIds(funds: readonly DeployedFund[], files: readonly FundFile[]): void {
  const seen = new Map<string, string>();
  funds.forEach((fund, i) => {
    const path = files[i]?.path ?? '?';
    const other = seen.get(fund.config.fundId);
    if (other !== undefined) {
      throw new InvalidInputError(
        `fund config ${path}: fundId: already used by ${other}, got ${JSON.stringify(fund.config.fundId)}`,
        'fundId',
      );
    }
    seen.set(fund.config.fundId, path);
  });
}

function selectFunds(
  all: readonly DeployedFund[],
  wanted: readonly string[] | undefined,
  stage: string,
): DeployedFund[] {
  if (wanted === undefined) {
    if (all.length === 0) {
      throw new InvalidInputError(`stage config ${stage}: no fund configs found under config/funds`, 'funds');
    }
    return [...all];
  }
  return wanted.map((id, i) => {
    const fund = all.find((f) => f.config.fundId === id);
    if (fund === undefined) {
      const known = all.map((f) => f.config.fundId).join(', ') || 'none';
      throw new InvalidInputError(
        `stage config ${stage}: funds[${i}]: no fund config with this fundId (known: ${known}), got ${JSON.stringify(id)}`,
        `funds[${i}]`,
      );
    }
    return fund;
  });
}
