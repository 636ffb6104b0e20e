/**
 * Reading a FundConfig file for the CLI and the CDK app: JSON parse errors and schema errors both
 * become one-line {@link InvalidInputError}s naming the file and the field.
 */
import { readFile } from 'node:fs/promises';
import { InvalidInputError } from '../model/validation.ts';
import type { FundConfig } from './fund-config.ts';
import { parseFundConfig } from './fund-config-document.ts';

/** Reads any JSON document, reporting a missing file or bad JSON as bad input. */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InvalidInputError(
      `${what} ${path}: cannot read file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      'file',
      { cause: error },
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${what} ${path}: not valid JSON (${(error as Error).message})`, 'file', {
      cause: error,
    });
  }
}

/** Reads and validates a fund config file, its `"$comment"` keys removed and defaults applied. */
export async function loadFundConfig(path: string): Promise<FundConfig> {
  return parseFundConfig(await readJsonFile(path, 'fund config'), `fund config ${path}`);
}
