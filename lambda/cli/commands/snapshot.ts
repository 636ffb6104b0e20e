/**
 * `backstop snapshot --fund FILE [--source replay|live] [--as-of ISO] [--out FILE]`: builds a
 * MarketSnapshot from venue data (by default from the recorded venue responses served by the replay
 * server on 127.0.0.1) and writes it as JSON that `backstop reserve --snapshot` accepts unchanged.
 * `--out` is written atomically (temp file + rename) so no half-written snapshot is ever left.
 */
import { resolve } from 'node:path';
import { loadFundConfig } from '../../config/load-fund-config.ts';
import { startReplayServer } from '../../ingest/replay/replay-server.ts';
import { createVenueMarketSource } from '../../ingest/venue-market-source.ts';
import { InvalidInputError } from '../../model/validation.ts';
import { type CommandIo, ExitCode, parseOptions } from '../io.ts';
import { writeFileAtomic } from '../write-atomic.ts';

const USAGE = `usage: backstop snapshot --fund FILE [--source replay|live] [--as-of ISO] [--out FILE]

  --fund FILE       fund config (JSON), e.g. config/funds/demo.json
  --source SOURCE   replay (default: recorded venue responses, offline) or live (public venue APIs)
  --as-of ISO       snapshot time (default: now)
  --out FILE        write the snapshot here (default: stdout)
`;

/** Parses `--as-of`, naming it when it is not an ISO-8601 timestamp; normalises to `…Z`. */
function parseAsOf(value: string | undefined, now: Date): string {
  if (value === undefined) return now.toISOString();
  const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)
    ? Date.parse(value)
    : Number.NaN;
  if (Number.isNaN(ms))
    throw new InvalidInputError(
      `--as-of: expected an ISO-8601 timestamp, got ${JSON.stringify(value)}`,
      'as-of',
    );
  return new Date(ms).toISOString();
}

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
  if (values.fund === undefined) throw new InvalidInputError('--fund: required (a fund config file)', 'fund');
  if (values.source !== 'replay' && values.source !== 'live') {
    throw new InvalidInputError(
      `--source: expected replay or live, got ${JSON.stringify(values.source)}`,
      'source',
    );
  }
  const asOf = parseAsOf(values['as-of'], new Date());
  const config = await loadFundConfig(resolve(io.cwd, values.fund));

  const replay = values.source === 'replay' ? await startReplayServer() : undefined;
  try {
    // Replay: the server's URLs override everything; live: env > config > live defaults.
    const source = createVenueMarketSource(
      replay === undefined ? { env: { ...io.env } } : { baseUrls: replay.baseUrls },
    );
    const outcome = await source.collect(config, asOf, null);
    const text = `${JSON.stringify(outcome.snapshot, null, 2)}\n`;
    if (values.out === undefined) io.stdout(text);
    else await writeFileAtomic(resolve(io.cwd, values.out), text);
    for (const flag of outcome.flags) {
      io.stderr(`${flag.code}${flag.marketId === undefined ? '' : ` ${flag.marketId}`}: ${flag.detail}\n`);
    }
    if (values.out !== undefined) {
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
