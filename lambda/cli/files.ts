/**
 * Files named by CLI flags: `-` is standard input or output, so commands pipe into each other
 * (`backstop snapshot … --out - | backstop reserve --snapshot -`), and a path that cannot be read or
 * written is bad input naming the flag (exit 2), never a raw ENOENT.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidInputError } from '../model/validation.ts';
import { type CommandIo, readProcessStdin } from './io.ts';
import { writeFileAtomic } from './write-atomic.ts';

/** The file name that means standard input or output. */
export const STDIO = '-';

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

/** The text of `--flag FILE` (`-`: standard input). */
export async function readInputText(io: CommandIo, flag: string, value: string): Promise<string> {
  if (value === STDIO) return (io.readStdin ?? readProcessStdin)();
  try {
    return await readFile(resolve(io.cwd, value), 'utf8');
  } catch (error) {
    throw new InvalidInputError(`--${flag}: cannot read ${value} (${errorCode(error)})`, flag, {
      cause: error,
    });
  }
}

/** The JSON document of `--flag FILE` (`-`: standard input). */
export async function readInputJson(io: CommandIo, flag: string, value: string): Promise<unknown> {
  const text = await readInputText(io, flag, value);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(
      `--${flag}: ${value === STDIO ? 'standard input' : value} is not valid JSON (${(error as Error).message})`,
      flag,
      { cause: error },
    );
  }
}

/** Writes `text` to `--flag FILE` completely or not at all (`-`: standard output). */
export async function writeOutput(io: CommandIo, flag: string, value: string, text: string): Promise<void> {
  if (value === STDIO) {
    io.stdout(text);
    return;
  }
  try {
    await writeFileAtomic(resolve(io.cwd, value), text);
  } catch (error) {
    throw new InvalidInputError(`--${flag}: cannot write ${value} (${errorCode(error)})`, flag, {
      cause: error,
    });
  }
}
