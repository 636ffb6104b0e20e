/**
 * `backstop report [--fund ID|FILE] [--out FILE|-]`: one self-contained HTML file charting the fund's
 * history and the latest run, written atomically (default `.backstop/report-<fund>.html`).
 */
import { join } from 'node:path';
import { InvalidInputError } from '../../model/validation.ts';
import { explainRun } from '../../present/explain.ts';
import { formatTime } from '../../present/format.ts';
import { renderHtmlReport } from '../../present/html-report.ts';
import { STDIO, writeOutput } from '../files.ts';
import { fundIdOption } from '../fund-option.ts';
import { type CommandIo, ExitCode, intOption, parseOptions } from '../io.ts';
import { LOCAL_STATE_DIR, openStore, STORE_OPTIONS, storeLocationFromOptions } from '../local-store.ts';

/** Runs charted when `--last` is absent: a week of 15-minute runs. */
export const DEFAULT_REPORT_RUNS = 672;

const USAGE = `usage: backstop report [--fund ID|FILE] [--out FILE|-] [--last N] [--store embedded|dynamodb] [--endpoint URL] [--table NAME]

Writes one self-contained HTML report (no external requests) of a fund's runs.
  --fund ID|FILE  fund id or fund config file (default: the fund of config/funds/demo.json)
  --out FILE|-    where to write it (default ${LOCAL_STATE_DIR}/report-<fund>.html; - = stdout)
  --last N        how many runs to chart (default ${DEFAULT_REPORT_RUNS})
`;

/** The `report` command; returns the exit code. */
export async function reportCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseOptions(
    argv,
    {
      fund: { type: 'string' },
      out: { type: 'string' },
      last: { type: 'string' },
      ...STORE_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    },
    'report',
  );
  if (values.help) {
    io.stdout(USAGE);
    return ExitCode.Ok;
  }
  const last = intOption(values.last, 'last', 1) ?? DEFAULT_REPORT_RUNS;
  const location = storeLocationFromOptions(values, io.cwd, io.env);
  const opened = await openStore(location);
  try {
    const fundId = await fundIdOption(
      values.fund,
      io.cwd,
      async (id) => (await opened.store.latest(id)) !== null,
    );
    const out = values.out ?? join(LOCAL_STATE_DIR, `report-${fundId}.html`);
    const latest = await opened.store.latest(fundId);
    if (latest === null) {
      throw new InvalidInputError(
        `--fund: no stored runs for fund ${JSON.stringify(fundId)} in the ${opened.description} store (run \`backstop run\` first)`,
        'fund',
      );
    }
    const runs = await opened.store.summaries(fundId, { limit: last });
    const html = renderHtmlReport({
      fundId,
      runs,
      latest,
      generatedAt: new Date().toISOString(),
      why: explainRun(latest),
    });
    await writeOutput(io, 'out', out, html);
    const what = `${runs.length} runs, latest ${formatTime(latest.asOf)} ${latest.result.status}`;
    if (out === STDIO) io.stderr(`wrote the report to stdout (${what})\n`);
    else io.stdout(`wrote ${out} (${what})\n`);
    return ExitCode.Ok;
  } finally {
    await opened.close();
  }
}
