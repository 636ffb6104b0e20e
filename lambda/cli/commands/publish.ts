/**
 * `backstop publish [--fund ID] --out DIR`: the fund's public transparency site — `DIR/index.html`
 * (self-contained) and `DIR/feed.json` — from its latest stored run and a year of stored history,
 * the same files the deployed function publishes to S3 after every run (docs/MANAGEMENT.md §5).
 */
import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { InvalidInputError } from '../../model/validation.ts';
import { publishSite, type SiteFile, type SiteStore } from '../../present/transparency/site.ts';
import { fundIdOption } from '../fund-option.ts';
import { type CommandIo, ExitCode, parseOptions } from '../io.ts';
import { openStore, STORE_OPTIONS, storeLocationFromOptions } from '../local-store.ts';
import { writeFileAtomic } from '../write-atomic.ts';

const USAGE = `usage: backstop publish [--fund ID] --out DIR [--store embedded|dynamodb] [--endpoint URL] [--table NAME]

Writes the fund's public transparency site: DIR/index.html (one self-contained page, no external
requests) and DIR/feed.json (the same facts as JSON). Only public facts: no account-level data,
no identifiers of runs or tables, nothing from the fund config.
  --fund ID   fund id (default: the fund of config/funds/demo.json)
  --out DIR   the folder to write (created if missing; the two files are replaced atomically)
`;

/** A local folder as a site: each file written atomically. */
class DirectorySiteStore implements SiteStore {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  async read(path: string): Promise<string | null> {
    try {
      return await readFile(join(this.#dir, path), 'utf8');
    } catch {
      return null;
    }
  }

  async write(files: readonly SiteFile[]): Promise<void> {
    for (const file of files) await writeFileAtomic(join(this.#dir, file.path), file.body);
  }
}

/** The `publish` command; returns the exit code. */
export async function publishCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseOptions(
    argv,
    {
      fund: { type: 'string' },
      out: { type: 'string' },
      ...STORE_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    },
    'publish',
  );
  if (values.help) {
    io.stdout(USAGE);
    return ExitCode.Ok;
  }
  if (values.out === undefined || values.out === '') {
    throw new InvalidInputError('--out: a folder to write the site to is required, got nothing', 'out');
  }
  const out = resolve(io.cwd, values.out);
  const location = storeLocationFromOptions(values, io.cwd, io.env);
  const fundId = await fundIdOption(values.fund, io.cwd);
  const opened = await openStore(location);
  try {
    const run = await opened.store.latest(fundId);
    if (run === null) {
      throw new InvalidInputError(
        `--fund: no stored runs for fund ${JSON.stringify(fundId)} in the ${opened.description} store (run \`backstop run\` first)`,
        'fund',
      );
    }
    const feed = await publishSite({
      run,
      store: opened.store,
      site: new DirectorySiteStore(out),
      now: new Date().toISOString(),
      history: 'store',
    });
    const where = relative(io.cwd, out) || '.';
    io.stdout(
      `wrote ${join(where, 'index.html')} and ${join(where, 'feed.json')} (${feed.fundId}, last run ${feed.lastRunAt} ${feed.status}, ${feed.history.length} day${feed.history.length === 1 ? '' : 's'} of history)\n`,
    );
    return ExitCode.Ok;
  } finally {
    await opened.close();
  }
}
