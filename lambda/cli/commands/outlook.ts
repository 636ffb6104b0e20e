/**
 * `backstop outlook [--fund ID] [--json]`: the fund's one-year outlook from its latest stored run —
 * P(exhausted within a year), the balance after a year, the days to the required reserve, the inflow
 * assumed and the recommendation aimed at the fund config's target (docs/MANAGEMENT.md).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type FundManagement, FundManagementSchema } from '../../config/fund-config.ts';
import { loadFundConfig, readJsonFile } from '../../config/load-fund-config.ts';
import { fundOutlook } from '../../manage/fund-outlook.ts';
import { InvalidInputError } from '../../model/validation.ts';
import { dailyBalances } from '../../pipeline/outlook-step.ts';
import { outlookJson, renderOutlook } from '../../present/outlook-text.ts';
import { fundIdOption } from '../fund-option.ts';
import { type CommandIo, ExitCode, parseOptions } from '../io.ts';
import { openStore, STORE_OPTIONS, storeLocationFromOptions } from '../local-store.ts';

/** Where fund configs are looked up by id. */
const FUNDS_DIR = 'config/funds';

const USAGE = `usage: backstop outlook [--fund ID] [--json] [--store embedded|dynamodb] [--endpoint URL] [--table NAME]

The fund's one-year outlook from its latest stored run, and the recommendation aimed at the
required reserve and the target one-year exhaustion probability (management.* in the fund config):
the outlook stored with the run, or — for runs stored before it existed — one computed now.
  --fund ID   fund id (default: the fund of config/funds/demo.json); the settings of a computed
              outlook come from the config/funds/*.json with that fundId, defaults when there is none
  --json      print exactly {exhaustionProbability1y, fundAfter1y, daysToTarget, inflow, recommendation}
`;

/** The `outlook` command; returns the exit code. */
export async function outlookCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseOptions(
    argv,
    {
      fund: { type: 'string' },
      json: { type: 'boolean', default: false },
      ...STORE_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    },
    'outlook',
  );
  if (values.help) {
    io.stdout(USAGE);
    return ExitCode.Ok;
  }
  const location = storeLocationFromOptions(values, io.cwd, io.env);
  const fundId = await fundIdOption(values.fund, io.cwd);
  const settings = await managementOf(io.cwd, fundId);
  const opened = await openStore(location);
  try {
    const latest = await opened.store.latest(fundId);
    if (latest === null) {
      throw new InvalidInputError(
        `--fund: no stored runs for fund ${JSON.stringify(fundId)} in the ${opened.description} store (run \`backstop run\` first)`,
        'fund',
      );
    }
    // The outlook stored with the run is what the deployed function computed; older runs get one now.
    const outlook =
      latest.outlook ??
      fundOutlook({
        snapshot: latest.snapshot,
        result: latest.result,
        history: await dailyBalances(opened.store, fundId, latest.asOf),
        management: settings.management,
      });
    if (outlook === null) {
      io.stderr(
        `error: the latest run of ${fundId} (${latest.asOf}) has no fund balance: nothing to project\n`,
      );
      return ExitCode.Failure;
    }
    io.stdout(
      values.json
        ? `${JSON.stringify(outlookJson(outlook), null, 2)}\n`
        : renderOutlook(
            outlook,
            latest.outlook === undefined ? `${settings.note}, computed now` : 'stored with the run',
          ),
    );
    return ExitCode.Ok;
  } finally {
    await opened.close();
  }
}

/**
 * The management settings of `fundId`: those of the config file under config/funds/ whose fundId it
 * is, or the defaults. Only the matching file is validated: a broken config of another fund does not
 * stop this one.
 */
async function managementOf(
  cwd: string,
  fundId: string,
): Promise<{ management: FundManagement; note: string }> {
  const dir = join(cwd, FUNDS_DIR);
  let names: string[] = [];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch {
    // No config folder: defaults below.
  }
  for (const name of names) {
    const path = join(dir, name);
    const json = await readJsonFile(path, 'fund config');
    if ((json as { fundId?: unknown } | null)?.fundId === fundId) {
      return {
        management: (await loadFundConfig(path)).management,
        note: `settings from ${FUNDS_DIR}/${name}`,
      };
    }
  }
  return {
    management: FundManagementSchema.parse({}),
    note: `no ${FUNDS_DIR}/*.json for ${fundId}: default settings`,
  };
}
