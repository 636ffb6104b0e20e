/**
 * `backstop init [--out FILE|-] [--fund-id ID]`: writes the starter fund config — the smallest
 * config that runs, each part commented with what to change — so a new fund starts from a file
 * `backstop validate` accepts and `backstop run` runs, rather than from a blank page.
 */
import { access } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FundIdSchema } from '../../config/fund-config.ts';
import { FUND_CONFIG_SCHEMA_FILE } from '../../config/fund-config-json-schema.ts';
import { starterFundConfig } from '../../config/starter-config.ts';
import { InvalidInputError } from '../../model/validation.ts';
import { STDIO, writeOutput } from '../files.ts';
import { FUNDS_DIR } from '../fund-option.ts';
import { type CommandIo, ExitCode, parseOptions } from '../io.ts';

const DEFAULT_FUND_ID = 'my-fund';

const USAGE = `usage: backstop init [--out FILE|-] [--fund-id ID]

Writes a starter fund config: two Binance perps, a fixed balance, the calibrated leverage profile
and the shipped stress library, each part with a "$comment" saying what to change. It runs as it is
(backstop run --fund FILE); every field is in docs/CONFIG.md.
  --out FILE|-     where to write (- = stdout; default ${FUNDS_DIR}/<fund id>.json); never overwrites
  --fund-id ID     the fund id (lower-case letters, digits and dashes; default ${DEFAULT_FUND_ID})
Exit codes: 0 written, 2 bad input (an existing file, a bad id, an unwritable path).
`;

/** The shipped JSON Schema, wherever this package is installed. */
const SCHEMA_PATH = fileURLToPath(new URL(`../../../${FUND_CONFIG_SCHEMA_FILE}`, import.meta.url));

/** The `"$schema"` reference of a file written into `dir`: relative, with forward slashes. */
export function schemaReference(dir: string): string {
  const rel = relative(dir, SCHEMA_PATH).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** The `init` command; returns 0 when the starter is written. */
export async function initCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseOptions(
    argv,
    {
      out: { type: 'string' },
      'fund-id': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    'init',
  );
  if (values.help) {
    io.stdout(USAGE);
    return ExitCode.Ok;
  }
  const fundId = values['fund-id'] ?? DEFAULT_FUND_ID;
  if (!FundIdSchema.safeParse(fundId).success) {
    throw new InvalidInputError(
      `--fund-id: expected lower-case letters, digits and dashes, got ${JSON.stringify(fundId)}`,
      'fund-id',
    );
  }
  const out = values.out ?? `${FUNDS_DIR}/${fundId}.json`;
  const target = resolve(io.cwd, out);
  if (out !== STDIO && (await exists(target))) {
    throw new InvalidInputError(`--out: ${out} already exists; choose another file or remove it`, 'out');
  }
  const config = { ...starterFundConfig(schemaReference(out === STDIO ? io.cwd : dirname(target))), fundId };
  await writeOutput(io, 'out', out, `${JSON.stringify(config, null, 2)}\n`);
  if (out !== STDIO) {
    io.stdout(
      `wrote ${out} (fund "${fundId}")\nnext: backstop validate --fund ${out}\n      backstop run --fund ${out}\n`,
    );
  }
  return ExitCode.Ok;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
