/**
 * `--fund FILE|ID`, the same for every command: a fund config file (a path, or `-` for standard
 * input) or a fund id, looked up among the configs under config/funds/. An id that names no config
 * (and, for the read-side commands, has no stored runs) is bad input listing the funds that exist.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type FundConfig, FundIdSchema } from '../config/fund-config.ts';
import { parseFundConfig } from '../config/fund-config-document.ts';
import { loadFundConfig } from '../config/load-fund-config.ts';
import { InvalidInputError } from '../model/validation.ts';
import { readInputJson, STDIO } from './files.ts';
import type { CommandIo } from './io.ts';

/** The config whose fund is the default, relative to the working directory. */
export const DEFAULT_FUND_FILE = 'config/funds/demo.json';
/** Where fund configs are looked up by id, relative to the working directory. */
export const FUNDS_DIR = 'config/funds';

/** A fund config found under {@link FUNDS_DIR}. */
export interface KnownFund {
  readonly fundId: string;
  /** Relative to the working directory. */
  readonly path: string;
}

/** The fund ids of the configs under config/funds/ (files that are not fund configs are skipped). */
export async function knownFunds(cwd: string): Promise<KnownFund[]> {
  let names: string[];
  try {
    names = (await readdir(resolve(cwd, FUNDS_DIR))).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return [];
  }
  const found: KnownFund[] = [];
  for (const name of names) {
    try {
      const doc = JSON.parse(await readFile(resolve(cwd, FUNDS_DIR, name), 'utf8')) as { fundId?: unknown };
      if (typeof doc.fundId === 'string') found.push({ fundId: doc.fundId, path: join(FUNDS_DIR, name) });
    } catch {
      // Not JSON: not a fund config this lookup can name.
    }
  }
  return found;
}

/** True when `--fund` names a file (a path or `-`) rather than an id. */
export function isFundFile(value: string): boolean {
  return value === STDIO || value.includes('/') || value.includes('\\') || value.endsWith('.json');
}

/** `--fund: unknown fund "x"; known funds: demo-perps (config/funds/demo.json)`. */
async function unknownFund(value: string, cwd: string): Promise<InvalidInputError> {
  const known = await knownFunds(cwd);
  const list =
    known.length === 0
      ? `no fund configs under ${FUNDS_DIR}/`
      : `known funds: ${known.map((k) => `${k.fundId} (${k.path})`).join(', ')}`;
  return new InvalidInputError(`--fund: unknown fund ${JSON.stringify(value)}; ${list}`, 'fund');
}

/**
 * The file `--fund` names: the path itself (`-` = standard input), or the config under config/funds/
 * whose fundId is the given id; the demo config when absent. Relative to the working directory.
 *
 * @throws InvalidInputError naming `--fund` for a malformed or unknown id (listing the known funds)
 */
export async function resolveFundPath(value: string | undefined, cwd: string): Promise<string> {
  const given = value ?? DEFAULT_FUND_FILE;
  if (isFundFile(given)) return given;
  checkFundId(given);
  const match = (await knownFunds(cwd)).find((k) => k.fundId === given);
  if (match === undefined) throw await unknownFund(given, cwd);
  return match.path;
}

/**
 * The fund config `--fund` names: a file (`-` = standard input), or the config under config/funds/
 * whose fundId is the given id; the demo config when absent.
 *
 * @throws InvalidInputError naming `--fund` (unknown id, unreadable file) or the config's bad field
 */
export async function resolveFundConfig(
  value: string | undefined,
  io: CommandIo,
): Promise<{ config: FundConfig; path: string }> {
  const path = await resolveFundPath(value, io.cwd);
  if (path === STDIO) {
    const doc = await readInputJson(io, 'fund', STDIO);
    return { config: parseFundConfig(doc, 'fund config on standard input'), path: STDIO };
  }
  return { config: await loadFundConfig(resolve(io.cwd, path)), path };
}

function checkFundId(value: string): void {
  if (!FundIdSchema.safeParse(value).success) {
    throw new InvalidInputError(
      `--fund: expected a fund config file or a fund id (lower-case letters, digits and dashes), got ${JSON.stringify(value)}`,
      'fund',
    );
  }
}

/**
 * The fund id of the read-side commands (history, report, replay, outlook): a config file's fundId,
 * or the id itself when a config under config/funds/ has it or `hasRuns` finds stored runs of it (a
 * deployed fund needs no local config); the demo config's fundId when absent.
 *
 * @param hasRuns - whether the store holds runs of an id that no local config names
 * @throws InvalidInputError naming `--fund`, listing the known funds for an unknown id
 */
export async function fundIdOption(
  value: string | undefined,
  cwd: string,
  hasRuns?: (fundId: string) => Promise<boolean>,
): Promise<string> {
  if (value === undefined) {
    try {
      return (await loadFundConfig(resolve(cwd, DEFAULT_FUND_FILE))).fundId;
    } catch (error) {
      throw new InvalidInputError(
        `--fund: no fund given and the default ${DEFAULT_FUND_FILE} cannot be read (${(error as Error).message})`,
        'fund',
        { cause: error },
      );
    }
  }
  if (isFundFile(value) && value !== STDIO) return (await loadFundConfig(resolve(cwd, value))).fundId;
  checkFundId(value);
  if ((await knownFunds(cwd)).some((k) => k.fundId === value)) return value;
  if (hasRuns !== undefined && (await hasRuns(value))) return value;
  throw await unknownFund(value, cwd);
}
