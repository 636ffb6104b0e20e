/**
 * `backstop <command>`: dispatches to one module per command under ./commands/. Every command
 * returns its exit code: 0 success, 1 failure, 2 bad input, 3 status at or beyond `--fail-on`.
 */
import { readFileSync } from 'node:fs';
import { type CommandIo, ExitCode, errorLine, exitCodeFor, processIo } from './io.ts';
import { closest } from './suggest.ts';

/** A CLI command: parses its own arguments and returns an exit code. */
export type Command = (argv: string[], io: CommandIo) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  init: {
    summary: 'write a starter fund config (commented; runs as it is)',
    load: async () => (await import('./commands/init.ts')).initCommand,
  },
  validate: {
    summary: 'check a fund config and list every problem at once',
    load: async () => (await import('./commands/validate.ts')).validateCommand,
  },
  reserve: {
    summary: 'compute the required reserve of a MarketSnapshot file',
    load: async () => (await import('./commands/reserve.ts')).reserveCommand,
  },
  stress: {
    summary: "replay a price path (CSV) through a snapshot's book: bad debt, income, ADL",
    load: async () => (await import('./commands/stress.ts')).stressCommand,
  },
  snapshot: {
    summary: 'build a MarketSnapshot from venue data for a fund config',
    load: async () => (await import('./commands/snapshot.ts')).snapshotCommand,
  },
  run: {
    summary: 'one full recalibration: ingest, recalibrate, reserve, persist, alert',
    load: async () => (await import('./commands/run.ts')).runCommand,
  },
  history: {
    summary: 'list stored runs, newest first',
    load: async () => (await import('./commands/history.ts')).historyCommand,
  },
  report: {
    summary: 'write a self-contained HTML report of a fund',
    load: async () => (await import('./commands/report.ts')).reportCommand,
  },
  replay: {
    summary: 'recompute a stored run and check it matches',
    load: async () => (await import('./commands/replay.ts')).replayCommand,
  },
  outlook: {
    summary: 'project the fund one year ahead and recommend a contribution, fee or release',
    load: async () => (await import('./commands/outlook.ts')).outlookCommand,
  },
  publish: {
    summary: "write the fund's public transparency page and JSON feed to a folder",
    load: async () => (await import('./commands/publish.ts')).publishCommand,
  },
  export: {
    summary: 'export the stored runs of a fund to CSV or Parquet (runs and per-market rows)',
    load: async () => (await import('./commands/export.ts')).exportCommand,
  },
  backtest: {
    summary: 'backtest the model on price history (VaR/ES exceedances, Kupiec, Christoffersen)',
    load: async () => (await import('./commands/backtest.ts')).backtestCommand,
  },
  'validate-events': {
    summary: 'replay the real fund outcomes (config/events/) and compare: predicted vs reported, ADL',
    load: async () => (await import('./commands/validate-events.ts')).validateEventsCommand,
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(15)} ${c.summary}`);
  return `usage: backstop <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'backstop <command> --help' for a command's options; 'backstop --version' for the version.\nExit codes: 0 done, 1 failure, 2 bad input, 3 status at or beyond --fail-on.\n`;
}

/** The package version, from package.json beside the code. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], io: CommandIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name === undefined ? ExitCode.BadInput : ExitCode.Ok;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout(`backstop ${version()}\n`);
    return ExitCode.Ok;
  }
  const entry = COMMANDS[name];
  if (entry === undefined) {
    const guess = closest(name, Object.keys(COMMANDS));
    io.stderr(
      `backstop: unknown command '${name}'${guess === undefined ? '' : ` (did you mean '${guess}'?)`}; see backstop --help\n`,
    );
    return ExitCode.BadInput;
  }
  try {
    const command = await entry.load();
    return await command(rest, io);
  } catch (error) {
    io.stderr(`${errorLine(error)}\n`);
    return exitCodeFor(error);
  }
}
