/**
 * `backstop stress --snapshot FILE --path FILE.csv [--liquidity λ] [--json]`: replays a price path
 * through the snapshot's book with its loss engine and the fund limited to its balance, and prints
 * the split: bad debt, liquidation income, net fund loss, fund after, ADL, liquidated notional, by
 * market and side. `--json` prints exactly that object.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readJsonFile } from '../../config/load-fund-config.ts';
import { lossEngineFor } from '../../model/engines/select-engine.ts';
import { MarketSnapshotSchema } from '../../model/schemas.ts';
import { validateSnapshot } from '../../model/validate-snapshot.ts';
import { InvalidInputError, parseOrThrow } from '../../model/validation.ts';
import { renderStressReplay, type StressReplay } from '../../present/stress-replay-text.ts';
import { type CommandIo, ExitCode, parseOptions } from '../io.ts';
import { parsePathCsv } from '../path-csv.ts';

const USAGE = `usage: backstop stress --snapshot FILE --path FILE.csv [--liquidity λ] [--json]

Replays a price path through a MarketSnapshot's book (the fund limited to its balance).
  --snapshot FILE   the snapshot (JSON)
  --path FILE.csv   header minute,<marketId>…,* ; cumulative simple returns from the first row;
                    * for markets without a column; the window is the path's length
  --liquidity λ     liquidity factor in (0, 1] scaling throughput and depth (default 1)
  --json            print exactly the replay's split as JSON
`;

/** The `stress` command; returns the exit code (0 ok, 2 bad input, 1 failure). */
export async function stressCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseOptions(
    argv,
    {
      snapshot: { type: 'string' },
      path: { type: 'string' },
      liquidity: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    'stress',
  );
  if (values.help) {
    io.stdout(USAGE);
    return ExitCode.Ok;
  }
  if (values.snapshot === undefined)
    throw new InvalidInputError('backstop stress: --snapshot FILE is required', 'snapshot');
  if (values.path === undefined)
    throw new InvalidInputError('backstop stress: --path FILE.csv is required', 'path');
  const liquidity = values.liquidity === undefined ? 1 : Number(values.liquidity);
  if (!(liquidity > 0 && liquidity <= 1)) {
    throw new InvalidInputError(
      `--liquidity: expected a number in (0, 1], got ${JSON.stringify(values.liquidity)}`,
      'liquidity',
    );
  }
  const { snapshot } = validateSnapshot(
    await readJsonFile(resolve(io.cwd, values.snapshot), 'snapshot'),
    `snapshot ${values.snapshot}`,
  );
  const pathFile = resolve(io.cwd, values.path);
  let text: string;
  try {
    text = await readFile(pathFile, 'utf8');
  } catch (error) {
    throw new InvalidInputError(
      `--path: cannot read ${values.path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      'path',
      {
        cause: error,
      },
    );
  }
  const scenario = parsePathCsv(text, values.path, liquidity);
  const ids = new Set(snapshot.markets.map((m) => m.id));
  const unknown = Object.keys(scenario.path?.[0]?.[1] ?? {}).find((c) => c !== '*' && !ids.has(c));
  if (unknown !== undefined) {
    throw new InvalidInputError(
      `${values.path}: column ${JSON.stringify(unknown)} is not a market of the snapshot (${[...ids].join(', ')})`,
      'path.header',
    );
  }
  // The snapshot's own schema checks the path: its minutes and that every column is a market.
  parseOrThrow(
    MarketSnapshotSchema,
    { ...snapshot, model: { ...snapshot.model, stressScenarios: [scenario] } },
    `path ${values.path}`,
  );
  const replay = lossEngineFor(snapshot).replay(scenario, { limited: true });
  const result: StressReplay = {
    ...replay.outcome,
    byMarket: replay.bySide.map((s) => ({ ...s })),
  };
  io.stdout(
    values.json
      ? `${JSON.stringify(result)}\n`
      : renderStressReplay(snapshot, values.path, liquidity, result),
  );
  return ExitCode.Ok;
}
