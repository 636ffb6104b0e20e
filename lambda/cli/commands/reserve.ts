/**
 * `backstop reserve --snapshot FILE [--paths N] [--seed S] [--workers N] [--json]`: the reserve of
 * a stored or hand-written MarketSnapshot. `--json` prints exactly the ReserveResult; otherwise a
 * summary. `--workers` changes how fast, never what.
 */
import type { z } from 'zod';
import { FundManagementSchema } from '../../config/fund-config.ts';
import { fundOutlook } from '../../manage/fund-outlook.ts';
import { computeReserve, engineOf } from '../../model/reserve.ts';
import { ModelParamsSchema } from '../../model/schemas.ts';
import { computeSensitivity } from '../../model/sensitivity.ts';
import { validateSnapshot } from '../../model/validate-snapshot.ts';
import { InvalidInputError } from '../../model/validation.ts';
import { renderReserveSummary } from '../../present/reserve-summary.ts';
import { WORKERS_USAGE, withPathWorkers, workersOption } from '../../scale/workers-option.ts';
import { failOnOption, failOnReason } from '../fail-on.ts';
import { readInputJson, STDIO } from '../files.ts';
import { type CommandIo, ExitCode, intOption, parseOptions } from '../io.ts';
import { progressLine } from '../render/progress.ts';

/** Runs shorter than this many paths finish too fast to need a progress indicator. */
const PROGRESS_MIN_PATHS = 200_000;

const USAGE = `usage: backstop reserve --snapshot FILE|- [--paths N] [--seed S] [--workers N] [--fail-on warn|breach] [--json]

Computes the required reserve of a MarketSnapshot (docs/MODEL.md), e.g. one written by
\`backstop snapshot\`: backstop snapshot --out - | backstop reserve --snapshot -
  --snapshot FILE|-  the snapshot (JSON; - = stdin)
  --paths N          Monte Carlo paths (overrides model.paths)
  --seed S           generator seed (overrides model.seed)
${WORKERS_USAGE.replace('--workers N      ', '--workers N        ')}
  --fail-on LEVEL    exit 3 when the status is at or beyond warn or breach (UNKNOWN counts as breach)
  --json             print exactly the ReserveResult as JSON
`;

/** The `reserve` command; returns the exit code (0 ok, 1 failure, 2 bad input, 3 --fail-on). */
export async function reserveCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseOptions(
    argv,
    {
      snapshot: { type: 'string' },
      paths: { type: 'string' },
      seed: { type: 'string' },
      'fail-on': { type: 'string' },
      workers: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    'reserve',
  );
  if (values.help) {
    io.stdout(USAGE);
    return ExitCode.Ok;
  }
  if (values.snapshot === undefined) {
    throw new InvalidInputError('backstop reserve: --snapshot FILE is required', 'snapshot');
  }
  const paths = checkedOverride(
    'paths',
    intOption(values.paths, 'paths', 1),
    ModelParamsSchema.shape.paths.unwrap(),
  );
  const seed = checkedOverride('seed', intOption(values.seed, 'seed', 0), ModelParamsSchema.shape.seed);
  const failOn = failOnOption(values['fail-on']);
  const workers = workersOption(values.workers);

  const { snapshot: parsed } = validateSnapshot(
    await readInputJson(io, 'snapshot', values.snapshot),
    values.snapshot === STDIO ? 'snapshot on standard input' : `snapshot ${values.snapshot}`,
  );
  const snapshot = {
    ...parsed,
    model: {
      ...parsed.model,
      ...(paths === undefined ? {} : { paths }),
      ...(seed === undefined ? {} : { seed }),
    },
  };

  const showProgress = io.stderrIsTty && (snapshot.model.paths ?? 0) >= PROGRESS_MIN_PATHS;
  // Only the path engine's Monte Carlo runs on workers: a v1 (gap) snapshot needs none.
  const result = await withPathWorkers(engineOf(snapshot) === 'path' ? workers : 1, async (pathRunner) =>
    computeReserve(snapshot, {
      timer: () => performance.now() / 1000,
      ...(showProgress ? { onProgress: progressLine((t) => io.stderr(t)) } : {}),
      ...(pathRunner === undefined ? {} : { pathRunner }),
    }),
  );
  if (values.json) io.stdout(`${JSON.stringify(result)}\n`);
  else {
    // The text's recommendation is the one aimed at a target, on default settings and no inflow (a
    // snapshot alone knows neither); `backstop outlook` uses the fund's own.
    const outlook = fundOutlook({
      snapshot,
      result,
      history: [],
      management: FundManagementSchema.parse({}),
    });
    io.stdout(
      renderReserveSummary(snapshot, result, {
        sensitivity: computeSensitivity(snapshot),
        ...(outlook === null ? {} : { outlook }),
      }),
    );
  }
  const gate = failOnReason(result, failOn);
  if (gate !== undefined) {
    io.stderr(`backstop reserve: ${gate} (exit 3)\n`);
    return ExitCode.StatusGate;
  }
  return ExitCode.Ok;
}

/** Checks an option override against the snapshot field's own rule, naming the option. */
function checkedOverride(
  name: string,
  value: number | undefined,
  rule: z.ZodType<number>,
): number | undefined {
  if (value === undefined) return undefined;
  const parsed = rule.safeParse(value);
  if (!parsed.success) {
    const problem = parsed.error.issues[0]?.message ?? 'out of range';
    throw new InvalidInputError(`--${name}: ${problem}, got ${value}`, name);
  }
  return value;
}
