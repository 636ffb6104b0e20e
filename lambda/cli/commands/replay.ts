/**
 * `backstop replay [--fund ID|FILE] --as-of TIME [--json]`: recompute a stored run from its stored snapshot
 * and seed and check that every number matches the stored result (only the wall time may differ).
 * Exit 0 on MATCH, 1 on MISMATCH, 2 when there is no such run or the input is bad.
 */

import { InvalidInputError } from '../../model/validation.ts';
import { replayRun } from '../../pipeline/replay-run.ts';
import { formatCount } from '../../present/format.ts';
import { asOfOption } from '../dates.ts';
import { fundIdOption } from '../fund-option.ts';
import { type CommandIo, ExitCode, parseOptions } from '../io.ts';
import { openStore, STORE_OPTIONS, storeLocationFromOptions } from '../local-store.ts';

/** Differences listed in the text output before "… and N more". */
const SHOWN_DIFFERENCES = 20;

const USAGE = `usage: backstop replay [--fund ID|FILE] --as-of TIME [--json] [--store embedded|dynamodb] [--endpoint URL] [--table NAME]

Recomputes a stored run from its stored snapshot and seed and compares it with the stored result.
  --fund ID|FILE  fund id or fund config file (default: the fund of config/funds/demo.json)
  --as-of TIME    the run's valuation time as \`backstop history\` lists it (2026-11-22 04:15 UTC) or ISO
  --json          print {match, differences, ...} as JSON
Exit code 0 MATCH, 1 MISMATCH, 2 no such run.
`;

/** The `replay` command; returns the exit code. */
export async function replayCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseOptions(
    argv,
    {
      fund: { type: 'string' },
      'as-of': { type: 'string' },
      json: { type: 'boolean', default: false },
      ...STORE_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    },
    'replay',
  );
  if (values.help) {
    io.stdout(USAGE);
    return ExitCode.Ok;
  }
  if (values['as-of'] === undefined) {
    throw new InvalidInputError('--as-of: the run to replay is required (see `backstop history`)', 'as-of');
  }
  const asOf = asOfOption(values['as-of'], new Date());
  const location = storeLocationFromOptions(values, io.cwd, io.env);
  const opened = await openStore(location);
  try {
    const fundId = await fundIdOption(
      values.fund,
      io.cwd,
      async (id) => (await opened.store.latest(id)) !== null,
    );
    const run = await opened.store.get(fundId, asOf);
    if (run === null) {
      throw new InvalidInputError(
        `--as-of: no stored run of fund ${JSON.stringify(fundId)} at ${asOf} in the ${opened.description} store`,
        'as-of',
      );
    }
    const { match, differences, recomputed } = replayRun(run, () => performance.now() / 1000);
    if (values.json) {
      io.stdout(
        `${JSON.stringify({ fundId, asOf: run.asOf, runId: run.runId, match, differences }, null, 2)}\n`,
      );
    } else {
      const what = `${fundId} at ${run.asOf} (run ${run.runId}, ${formatCount(recomputed.monteCarlo.paths)} paths, seed ${recomputed.monteCarlo.seed})`;
      const lines = match
        ? [
            `MATCH ${what}: every number equals the stored result (wall time ignored: stored ${run.result.monteCarlo.seconds.toFixed(2)} s, now ${recomputed.monteCarlo.seconds.toFixed(2)} s)`,
          ]
        : [
            `MISMATCH ${what}: ${differences.length} field(s) differ from the stored result`,
            ...differences
              .slice(0, SHOWN_DIFFERENCES)
              .map(
                (d) =>
                  `  ${d.path}: stored ${JSON.stringify(d.stored)}, recomputed ${JSON.stringify(d.recomputed)}`,
              ),
            ...(differences.length > SHOWN_DIFFERENCES
              ? [`  … and ${differences.length - SHOWN_DIFFERENCES} more`]
              : []),
          ];
      io.stdout(`${lines.join('\n')}\n`);
    }
    return match ? ExitCode.Ok : ExitCode.Failure;
  } finally {
    await opened.close();
  }
}
