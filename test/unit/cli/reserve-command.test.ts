import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandIo } from '../../../lambda/cli/io.ts';
import { main } from '../../../lambda/cli/main.ts';
import { FundManagementSchema } from '../../../lambda/config/fund-config.ts';
import { fundOutlook } from '../../../lambda/manage/fund-outlook.ts';
import { computeReserve } from '../../../lambda/model/reserve.ts';
import { type MarketSnapshot, ReserveResultSchema } from '../../../lambda/model/schemas.ts';
import { validateSnapshot } from '../../../lambda/model/validate-snapshot.ts';
import { formatUsd } from '../../../lambda/present/format.ts';

const EXAMPLE = join(import.meta.dirname, '..', '..', '..', 'config', 'examples', 'snapshot.json');

let dir: string;
let example: MarketSnapshot;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backstop-reserve-'));
  example = JSON.parse(await readFile(EXAMPLE, 'utf8')) as MarketSnapshot;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function capture(stderrIsTty = false): CommandIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout(text: string) {
      io.out += text;
    },
    stderr(text: string) {
      io.err += text;
    },
    stderrIsTty,
    cwd: dir,
    env: {},
  };
  return io;
}

async function writeSnapshot(name: string, doc: unknown): Promise<string> {
  await writeFile(join(dir, name), typeof doc === 'string' ? doc : JSON.stringify(doc));
  return name;
}

/** The shipped example with a mutation applied to a deep copy. */
function mutated(change: (s: MarketSnapshot) => void): MarketSnapshot {
  const copy = structuredClone(example);
  change(copy);
  return copy;
}

describe('backstop reserve', () => {
  it('prints exactly the ReserveResult with --json', async () => {
    const io = capture();
    const code = await main(
      ['reserve', '--snapshot', EXAMPLE, '--paths', '20000', '--seed', '9', '--json'],
      io,
    );
    expect(code).toBe(0);
    expect(io.err).toBe('');
    expect(io.out.endsWith('\n')).toBe(true);
    expect(io.out.trimEnd().split('\n')).toHaveLength(1);
    const printed = ReserveResultSchema.parse(JSON.parse(io.out));
    const { snapshot } = validateSnapshot(example, 'example');
    const expected = computeReserve({ ...snapshot, model: { ...snapshot.model, paths: 20000, seed: 9 } });
    expect({ ...printed, monteCarlo: { ...printed.monteCarlo, seconds: 0 } }).toEqual(expected);
    expect(printed.monteCarlo.seconds).toBeGreaterThan(0);
  });

  it('prints a readable summary: verdict first, why, markets, stress, precision, next steps', async () => {
    const io = capture();
    expect(await main(['reserve', '--snapshot', EXAMPLE, '--paths', '5000'], io)).toBe(0);
    const { snapshot } = validateSnapshot(example, 'example');
    const result = computeReserve({ ...snapshot, model: { ...snapshot.model, paths: 5000 } });
    const lines = io.out.split('\n');
    expect(lines[0]).toBe('Backstop reserve — demo-perps as of 2026-11-22 00:00 UTC');
    const worstStress = Math.max(...result.stress.map((s) => s.lossUsd));
    expect(lines[2]).toBe(
      `  Required reserve  ${formatUsd(result.requiredReserveUsd)}  = (1 + 25% buffer) × ${formatUsd(worstStress)}, set by the worst stress scenario`,
    );
    expect(lines[3]).toBe('  Fund balance      $250M');
    expect(lines[5]).toBe(`  Status            ${result.status}`);
    expect(lines[7]).toBe('Why this number');
    expect(io.out).toContain(
      '  If an assumption moved ±50% (7 runs of 5,000 paths, seed 42; ratios to the unperturbed run at the same paths):',
    );
    for (const id of ['BTC-PERP', 'ETH-PERP', 'SOL-PERP'])
      expect(io.out).toMatch(new RegExp(`^ {2}${id} +\\$`, 'm'));
    expect(io.out).toContain('2020-03-12 worst hour');
    expect(io.out).toMatch(/5,000 paths \(5 in the tail\), seed 42, Student-t ν=3 shocks/);
    // The recommendation is the one aimed at a target (default settings, no inflow), not a 30-day fee.
    const outlook = fundOutlook({
      snapshot: { ...snapshot, model: { ...snapshot.model, paths: 5000 } },
      result,
      history: [],
      management: FundManagementSchema.parse({}),
    });
    expect(io.out).toContain(
      'One-year outlook (target: P(exhausted within 1 year) <= 1.0% and the required reserve)\n',
    );
    expect(io.out).toContain(`Next steps\n  1. ${outlook?.recommendation.text}\n`);
    expect(io.out).not.toContain('to collect it in 30 days');
    expect(io.err).toBe('');
  });

  it('reads the snapshot from standard input with --snapshot - and gates on --fail-on', async () => {
    const io = Object.assign(capture(), { readStdin: async () => JSON.stringify(example) });
    const code = await main(
      ['reserve', '--snapshot', '-', '--paths', '2000', '--json', '--fail-on', 'breach'],
      io,
    );
    expect(JSON.parse(io.out).status).toBe('BREACH');
    expect(io.err).toBe('backstop reserve: status BREACH is at or beyond --fail-on breach (exit 3)\n');
    expect(code).toBe(3);
    const covered = Object.assign(capture(), {
      readStdin: async () => JSON.stringify({ ...example, fundBalanceUsd: 1e11 }),
    });
    expect(
      await main(['reserve', '--snapshot', '-', '--paths', '2000', '--json', '--fail-on', 'warn'], covered),
    ).toBe(0);
    expect(covered.err).toBe('');
  });

  it('shows progress on a terminal for long runs only', async () => {
    const small = await writeSnapshot(
      'one.json',
      mutated((s) => {
        s.markets = [s.markets[0]!];
        s.correlation = [[1]];
        s.model.stressScenarios = [];
        delete s.model.largestAccounts;
      }),
    );
    const tty = capture(true);
    expect(await main(['reserve', '--snapshot', small, '--paths', '200000', '--json'], tty)).toBe(0);
    expect(tty.err).toMatch(/Monte Carlo 100% \(200,000 \/ 200,000 paths\)\n$/);
    expect(JSON.parse(tty.out).monteCarlo.paths).toBe(200000);
    const pipe = capture(false);
    expect(await main(['reserve', '--snapshot', small, '--paths', '200000', '--json'], pipe)).toBe(0);
    expect(pipe.err).toBe('');
  });

  const badSnapshots: [string, (s: MarketSnapshot) => void, RegExp][] = [
    [
      'leverage shares that do not sum to 1',
      (s) => {
        s.markets[1]!.leverageProfile[0]!.share = 0.5;
      },
      /markets\[1\]\.leverageProfile: shares must sum to 1, got 1\.48/,
    ],
    [
      'tailDof ≤ 2',
      (s) => {
        s.model.tailDof = 2;
      },
      /model\.tailDof: .*>2.*got 2/,
    ],
    [
      'confidence ≥ 1',
      (s) => {
        s.model.confidence = 1;
      },
      /model\.confidence: .*<1.*got 1/,
    ],
    [
      'confidence ≤ 0',
      (s) => {
        s.model.confidence = 0;
      },
      /model\.confidence: .*>0.*got 0/,
    ],
    [
      'a non-square correlation',
      (s) => {
        s.correlation[2] = [0.7, 0.7];
      },
      /correlation\[2\]: must have 3 entries \(square matrix\), got 2/,
    ],
    [
      'a correlation with a missing row',
      (s) => {
        s.correlation.pop();
      },
      /correlation: must be 3x3 \(one row per market\), got 2 rows/,
    ],
    [
      'a non-symmetric correlation',
      (s) => {
        s.correlation[0]![1] = 0.5;
      },
      /correlation\[0\]\[1\]: must be symmetric: \[0\]\[1\]=0\.5 but \[1\]\[0\]=0\.8/,
    ],
    [
      'an unknown market id in a stress shock',
      (s) => {
        s.model.stressScenarios[0]!.shocks!['DOGE-PERP'] = -0.3;
      },
      /model\.stressScenarios\[0\]\.shocks\.DOGE-PERP: unknown market id, got "DOGE-PERP"/,
    ],
    [
      'a duplicate market id',
      (s) => {
        s.markets[2]!.id = 'BTC-PERP';
      },
      /markets\[2\]\.id: duplicate market id, got "BTC-PERP"/,
    ],
    [
      'a correlation far from PSD',
      (s) => {
        s.correlation = [
          [1, 0.9, -0.9],
          [0.9, 1, 0.9],
          [-0.9, 0.9, 1],
        ];
      },
      /correlation: not positive semi-definite, smallest eigenvalue -0\.8 is below -0\.05/,
    ],
    [
      'a negative implied vol',
      (s) => {
        s.markets[0]!.impliedVol = -0.2;
      },
      /markets\[0\]\.impliedVol: .*got -0\.2/,
    ],
  ];

  it.each(badSnapshots)(
    'rejects %s with exit 2 and one line naming the field',
    async (name, change, message) => {
      const file = await writeSnapshot(`${name.replaceAll(/\W+/g, '-')}.json`, mutated(change));
      const io = capture();
      expect(await main(['reserve', '--snapshot', file, '--paths', '1000'], io)).toBe(2);
      expect(io.out).toBe('');
      expect(io.err).toMatch(new RegExp(`^error: snapshot ${file}: `));
      expect(io.err).toMatch(message);
      expect(io.err.split('\n')).toHaveLength(2);
    },
  );

  it.each([
    [['--snapshot', 'missing.json'], /^error: --snapshot: cannot read missing\.json \(ENOENT\)\n$/],
    [['--snapshot', 'x.json', '--paths', '-5'], /^error: --paths: expected an integer >= 1, got "-5"\n$/],
    [['--snapshot', 'x.json', '--fail-on', 'ok'], /^error: --fail-on: expected warn or breach, got "ok"\n$/],
    [[], /^error: backstop reserve: --snapshot FILE is required\n$/],
    [['--snapshot', 'x.json', '--paths', '10'], /^error: --paths: .*100.*got 10\n$/],
    [['--snapshot', 'x.json', '--seed=-3'], /^error: --seed: expected an integer >= 0, got "-3"\n$/],
    [['--snapshot', 'x.json', '--seed', '1.5'], /^error: --seed: expected an integer >= 0, got "1.5"\n$/],
    [['--snapshot', 'x.json', '--fast'], /^error: backstop reserve: Unknown option '--fast'/],
    [
      ['--snapshot', 'x.json', '--workers', '0'],
      /^error: --workers: expected an integer from 1 to 256, got "0"\n$/,
    ],
    [
      ['--snapshot', 'x.json', '--workers', 'all'],
      /^error: --workers: expected an integer from 1 to 256, got "all"\n$/,
    ],
  ])('rejects bad arguments %j with exit 2', async (args, message) => {
    const io = capture();
    expect(await main(['reserve', ...args], io)).toBe(2);
    expect(io.err).toMatch(message);
    expect(io.out).toBe('');
  });

  it('rejects a file that is not JSON with exit 2', async () => {
    const file = await writeSnapshot('broken.json', '{"schemaVersion": 1,');
    const io = capture();
    expect(await main(['reserve', '--snapshot', file], io)).toBe(2);
    expect(io.err).toMatch(/^error: --snapshot: broken\.json is not valid JSON/);
  });

  it('prints the same ReserveResult for --workers 1 and 3 on a path-engine snapshot', async () => {
    const v2 = mutated((s) => {
      s.schemaVersion = 2;
      for (const m of s.markets) m.maintenanceMargin = Math.min(m.maintenanceMargin, 0.005);
    });
    const file = await writeSnapshot('v2.json', v2);
    const results = [];
    for (const workers of ['1', '3']) {
      const io = capture();
      expect(
        await main(['reserve', '--snapshot', file, '--paths', '6000', '--workers', workers, '--json'], io),
      ).toBe(0);
      const result = JSON.parse(io.out);
      expect(result.engine).toBe('path');
      // Wall time is the one field that may differ.
      result.monteCarlo.seconds = 0;
      results.push(result);
    }
    expect(results[1]).toEqual(results[0]);
  });
});
