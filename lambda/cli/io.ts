/**
 * What every CLI command shares: its output streams (injectable for tests), exit codes, and the
 * one-line rendering of an error.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { InvalidInputError } from '../model/validation.ts';

/** Exit codes (DESIGN.md §9). */
export const ExitCode = { Ok: 0, Failure: 1, BadInput: 2 } as const;

/** Output of a command; tests capture it instead of the process streams. */
export interface CommandIo {
  stdout(text: string): void;
  /** Binary output (`backstop export --format parquet --out -`); absent where only text is captured. */
  stdoutBytes?(data: Uint8Array): void;
  stderr(text: string): void;
  /** True when stderr is an interactive terminal (progress indicators only then). */
  readonly stderrIsTty: boolean;
  /** Working directory against which relative paths resolve. */
  readonly cwd: string;
  /** Environment (base URL overrides and the like); the CLI is an outer layer, so it may read it. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The real process streams. */
export function processIo(): CommandIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stdoutBytes: (b) => process.stdout.write(b),
    stderr: (t) => process.stderr.write(t),
    stderrIsTty: process.stderr.isTTY === true,
    cwd: process.cwd(),
    env: process.env,
  };
}

/** One clear line for an error, without a stack trace. */
export function errorLine(error: unknown): string {
  if (error instanceof InvalidInputError) return `error: ${error.message}`;
  if (error instanceof Error) return `error: ${error.message}`;
  return `error: ${String(error)}`;
}

/** 2 for bad input, 1 for anything else. */
export function exitCodeFor(error: unknown): number {
  return error instanceof InvalidInputError ? ExitCode.BadInput : ExitCode.Failure;
}

/**
 * `node:util` parseArgs that reports unknown or malformed options as bad input (exit 2) naming the
 * option, instead of a TypeError.
 */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  command: string,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new InvalidInputError(`backstop ${command}: ${message}`, 'argv', { cause: error });
  }
}

/** Parses a positive integer option, naming the option when it is not one. */
export function intOption(value: string | undefined, name: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) {
    throw new InvalidInputError(
      `--${name}: expected an integer >= ${min}, got ${JSON.stringify(value)}`,
      name,
    );
  }
  return n;
}
