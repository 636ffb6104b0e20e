/**
 * `backstop snapshot [--fund FILE|ID] [--source replay|live] [--as-of ISO] [--out FILE|-]`: builds a
 * MarketSnapshot from venue data (by default from the recorded venue responses served by the replay
 * server on 127.0.0.1, re-timed to the as-of) and writes it as JSON that `backstop reserve
 * --snapshot` accepts unchanged. `--out` is written atomically (temp file + rename) so no
 * half-written snapshot is ever left.
 */
import { startReplayServer } from '../../ingest/replay/replay-server.ts';
import { createVenueMarketSource } from '../../ingest/venue-market-source.ts';
import { InvalidInputError } from '../../model/validation.ts';
import { flagLines } from '../../present/data-quality.ts';
import { asOfOption } from '../dates.ts';
import { STDIO, writeOutput } from '../files.ts';
import { DEFAULT_FUND_FILE, resolveFundConfig } from '../fund-option.ts';
import { type CommandIo, ExitCode, parseOptions } from '../io.ts';

const USAGE = `usage: backstop snapshot [--fund FILE|ID] [--source replay|live] [--as-of ISO] [--out FILE|-]

  --fund FILE|ID    fund config file (- = stdin) or fund id under config/funds/ (default ${DEFAULT_FUND_FILE})
  --source SOURCE   replay (default: recorded venue responses re-timed to --as-of, offline) or live
  --as-of ISO       snapshot time (default: now, to the minute)
  --out FILE|-      write the snapshot here (default and -: stdout)
`;

/** The `snapshot` command. */
export async function snapshotCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseOptions(
    argv,
    {
      fund: { type: 'string' },
      source: { type: 'string', default: 'replay' },
      'as-of': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    'snapshot',
  );
  if (values.help === true) {
    io.stdout(USAGE);
    return ExitCode.Ok;
  }
  if (values.source !== 'replay' && values.source !== 'live') {
    throw new InvalidInputError(
      `--source: expected replay or live, got ${JSON.stringify(values.source)}`,
      'source',
    );
  }
  const asOf = asOfOption(values['as-of'], new Date());
  const { config } = await resolveFundConfig(values.fund, io);

  const replay = values.source === 'replay' ? await startReplayServer({ retimeTo: asOf }) : undefined;
  try {
    // Replay: the server's URLs override everything; live: env > config > live defaults.
    const source = createVenueMarketSource(
      replay === undefined ? { env: { ...io.env } } : { baseUrls: replay.baseUrls },
    );
    const outcome = await source.collect(config, asOf, null);
    const text = `${JSON.stringify(outcome.snapshot, null, 2)}\n`;
    await writeOutput(io, 'out', values.out ?? STDIO, text);
    for (const line of flagLines(outcome.flags)) io.stderr(`${line}\n`);
    if (values.out !== undefined && values.out !== STDIO) {
      const q = outcome.snapshot.dataQuality;
      io.stderr(
        `wrote ${values.out}: ${outcome.snapshot.markets.length} markets, balance ${outcome.snapshot.fundBalanceUsd ?? 'unknown'} USD${q?.degraded ? ', DEGRADED' : ''}\n`,
      );
    }
    return ExitCode.Ok;
  } finally {
    await replay?.close();
  }
}
