/**
 * `--fund ID` of the read-side commands (history, report, replay): the demo fund's id when absent,
 * read from the shipped demo config, so `backstop history` right after `npm start` shows its runs.
 */
import { resolve } from 'node:path';
import { FundIdSchema } from '../config/fund-config.ts';
import { loadFundConfig } from '../config/load-fund-config.ts';
import { InvalidInputError } from '../model/validation.ts';

/** The config whose fund is the default, relative to the working directory. */
export const DEFAULT_FUND_FILE = 'config/funds/demo.json';

/**
 * Resolves `--fund`: the given id (checked against the fund-id rule), else the demo config's fundId.
 *
 * @throws InvalidInputError naming `--fund`
 */
export async function fundIdOption(value: string | undefined, cwd: string): Promise<string> {
  if (value !== undefined) {
    if (!FundIdSchema.safeParse(value).success) {
      throw new InvalidInputError(
        `--fund: expected a fund id (lower-case letters, digits and dashes), got ${JSON.stringify(value)}`,
        'fund',
      );
    }
    return value;
  }
  try {
    return (await loadFundConfig(resolve(cwd, DEFAULT_FUND_FILE))).fundId;
  } catch (error) {
    throw new InvalidInputError(
      `--fund: no fund id given and the default ${DEFAULT_FUND_FILE} cannot be read (${(error as Error).message})`,
      'fund',
      { cause: error },
    );
  }
}
