/**
 * `backstop history [--fund ID|FILE] [--last N] [--json]`: the stored runs of a fund, newest first, with
 * balance, required reserve, coverage and status, under a coverage sparkline.
 */

import { renderHistory } from '../../present/history-text.ts';
import { fundIdOption } from '../fund-option.ts';
import { type CommandIo, ExitCode, intOption, parseOptions } from '../io.ts';
import { openStore, STORE_OPTIONS, storeLocationFromOptions } from '../local-store.ts';

/** Runs listed when `--last` is absent. */
export const DEFAULT_LAST = 20;

const USAGE = `usage: backstop history [--fund ID|FILE] [--last N] [--json] [--store embedded|dynamodb] [--endpoint URL] [--table NAME]

Stored runs of a fund, newest first.
  --fund ID|FILE  fund id or fund config file (default: the fund of config/funds/demo.json)
  --last N        how many runs (default ${DEFAULT_LAST})
  --json          print the run summaries as JSON (newest first)
  --store         embedded (default, .backstop/dynamo) or dynamodb (--table, --endpoint)
`;

/** The `history` command; returns the exit code. */
export async function historyCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseOptions(
    argv,
    {
      fund: { type: 'string' },
      last: { type: 'string' },
      json: { type: 'boolean', default: false },
      ...STORE_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    },
    'history',
  );
  if (values.help) {
    io.stdout(USAGE);
    return ExitCode.Ok;
  }
  const last = intOption(values.last, 'last', 1) ?? DEFAULT_LAST;
  const location = storeLocationFromOptions(values, io.cwd, io.env);
  const opened = await openStore(location);
  try {
    const fundId = await fundIdOption(
      values.fund,
      io.cwd,
      async (id) => (await opened.store.latest(id)) !== null,
    );
    const runs = await opened.store.summaries(fundId, { limit: last });
    io.stdout(values.json ? `${JSON.stringify(runs, null, 2)}\n` : renderHistory(fundId, runs));
    return ExitCode.Ok;
  } finally {
    await opened.close();
  }
}
