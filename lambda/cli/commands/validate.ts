/**
 * `backstop validate --fund FILE|ID`: checks a fund config and reports every problem at once (exit
 * 2), unknown keys first with a did-you-mean, so a new config is fixed in one pass rather than one
 * error per run. Reads nothing but the file: no venue, no store.
 */
import { parseFundConfig } from '../../config/fund-config-document.ts';
import { fundConfigProblems } from '../config-problems.ts';
import { readInputJson, STDIO } from '../files.ts';
import { DEFAULT_FUND_FILE, resolveFundPath } from '../fund-option.ts';
import { type CommandIo, ExitCode, parseOptions } from '../io.ts';

const USAGE = `usage: backstop validate [--fund FILE|ID]

Checks a fund config and lists every problem at once, unknown keys first (with the key you probably
meant). Fields and defaults: docs/CONFIG.md; a starter: backstop init.
  --fund FILE|ID   fund config file (- = stdin) or fund id under config/funds/ (default ${DEFAULT_FUND_FILE})
Exit codes: 0 valid, 2 any problem (or an unreadable file).
`;

/** The `validate` command; returns 0 for a valid config, 2 otherwise. */
export async function validateCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseOptions(
    argv,
    { fund: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    'validate',
  );
  if (values.help) {
    io.stdout(USAGE);
    return ExitCode.Ok;
  }
  const path = await resolveFundPath(values.fund, io.cwd);
  const label = path === STDIO ? 'standard input' : path;
  const doc = await readInputJson(io, 'fund', path);
  const problems = fundConfigProblems(doc);
  if (problems.length > 0) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    io.stderr(`${label}: ${count}\n${problems.map((p) => `  ${p}\n`).join('')}`);
    return ExitCode.BadInput;
  }
  const config = parseFundConfig(doc, `fund config ${label}`);
  const markets = config.markets.length === 1 ? '1 market' : `${config.markets.length} markets`;
  io.stdout(`${label}: valid fund config "${config.fundId}", ${markets}\n`);
  return ExitCode.Ok;
}
