import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandIo } from '../../../lambda/cli/io.ts';
import { main } from '../../../lambda/cli/main.ts';
import type { MarketSnapshot } from '../../../lambda/model/schemas.ts';

const EXAMPLE = join(import.meta.dirname, '..', '..', '..', 'config', 'examples', 'snapshot.json');

let dir: string;
let v2: MarketSnapshot;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backstop-stress-'));
  const example = JSON.parse(await readFile(EXAMPLE, 'utf8')) as MarketSnapshot;
  // As schemaVersion 2: the example's SOL market keeps its 100x bucket (margin 1%) at a 1%
  // maintenance margin, which v2 refuses; 0.5% keeps it valid.
  v2 = {
    ...example,
    schemaVersion: 2,
    markets: example.markets.map((m) => ({ ...m, maintenanceMargin: Math.min(m.maintenanceMargin, 0.005) })),
    model: {
      ...example.model,
      liquidation: { throughputMultiple: 0, permanentImpactShare: 0, adl: { inventoryCapMultiple: null } },
    },
  };
  await writeFile(join(dir, 'v2.json'), JSON.stringify(v2));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function capture(): CommandIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout(text: string) {
      io.out += text;
    },
    stderr(text: string) {
      io.err += text;
    },
    stderrIsTty: false,
    cwd: dir,
    env: {},
  };
  return io;
}

async function write(name: string, text: string): Promise<string> {
  await writeFile(join(dir, name), text);
  return name;
}

async function writeSnapshot(name: string, change: (s: MarketSnapshot) => void): Promise<string> {
  const copy = structuredClone(v2);
  change(copy);
  return write(name, JSON.stringify(copy));
}

describe('backstop stress', () => {
  it('prints exactly the split with --json: an engine that cannot trade closes every position at the final move', async () => {
    // −60% for every market, no throughput: every long closes at −60%, owing 0.6 − d; the example's
    // buckets (1%…50%, spread ±50%) all lie below 0.75, so bad debt = OI·(0.6 − mean margin) where
    // every margin is below 0.6 — except the 50% bucket spread over [0.25, 0.75].
    const path = await write('fall.csv', 'minute,*\n0,0\n60,-0.3\n120,-0.6\n');
    const io = capture();
    expect(await main(['stress', '--snapshot', 'v2.json', '--path', path, '--json'], io)).toBe(0);
    const out = JSON.parse(io.out);
    expect(Object.keys(out)).toEqual([
      'badDebtUsd',
      'liquidationIncomeUsd',
      'netFundLossUsd',
      'fundAfterUsd',
      'adlLossUsd',
      'adlNotionalUsd',
      'liquidatedNotionalUsd',
      'byMarket',
    ]);
    // Per unit of OI: buckets 0.01…0.2 owe 0.6 − margin in full; the 0.5 bucket (uniform [0.25, 0.75])
    // owes ∫_{0.25}^{0.6} (0.6 − d)/0.5 dd = 0.35²/(2·0.5) = 0.1225.
    const perUnit = 0.02 * 0.59 + 0.05 * 0.58 + 0.13 * 0.56 + 0.3 * 0.5 + 0.25 * 0.4 + 0.25 * 0.1225;
    const oi = v2.markets.reduce((s, m) => s + m.openInterestUsd, 0);
    expect(out.badDebtUsd / (oi * perUnit) - 1).toBeCloseTo(0, 9);
    expect(out.netFundLossUsd).toBe(out.badDebtUsd - out.liquidationIncomeUsd);
    expect(out.adlLossUsd).toBeCloseTo(out.netFundLossUsd - v2.fundBalanceUsd!, 0);
    expect(out.fundAfterUsd).toBe(0);
    expect(out.byMarket).toHaveLength(2 * v2.markets.length);
    expect(out.byMarket[0]).toMatchObject({ marketId: 'BTC-PERP', side: 'long', maxAdverseMove: 0.6 });
  });

  it('prints a readable split by default', async () => {
    const path = await write('dip.csv', 'minute,BTC-PERP,*\n0,0,0\n30,-0.05,-0.08\n60,-0.02,-0.03\n');
    const io = capture();
    expect(await main(['stress', '--snapshot', 'v2.json', '--path', path, '--liquidity', '0.1'], io)).toBe(0);
    expect(io.out).toMatch(
      /^Stress replay of dip\.csv on demo-perps \(path engine, liquidity 10% of normal\)\n/,
    );
    expect(io.out).toMatch(/\n {2}Bad debt {13}\$/);
    expect(io.out).toMatch(/\n {2}BTC-PERP long /);
  });

  it.each([
    [
      'bad-header.csv',
      'time,*\n0,0\n',
      /^error: bad-header\.csv: header must be minute,<marketId>…,\* , got "time,\*"\n$/,
    ],
    [
      'unknown.csv',
      'minute,DOGE-PERP\n0,0\n',
      /^error: unknown\.csv: column "DOGE-PERP" is not a market of the snapshot \(BTC-PERP, ETH-PERP, SOL-PERP\)\n$/,
    ],
    [
      'order.csv',
      'minute,*\n0,0\n20,-0.1\n10,-0.2\n',
      /^error: order\.csv: row 4 minute: minutes must increase, got 10 after 20\n$/,
    ],
    ['start.csv', 'minute,*\n5,0\n', /^error: start\.csv: row 2 minute: the first row is minute 0, got 5\n$/],
    [
      'value.csv',
      'minute,*\n0,0\n10,-1.5\n',
      /^error: value\.csv: row 3 \*: expected a cumulative return > -1, got "-1\.5"\n$/,
    ],
  ])('rejects the path %s with exit 2 naming the row or column', async (name, text, message) => {
    await write(name, text);
    const io = capture();
    expect(await main(['stress', '--snapshot', 'v2.json', '--path', name], io)).toBe(2);
    expect(io.err).toMatch(message);
    expect(io.out).toBe('');
  });

  it('rejects a liquidity outside (0, 1] and missing arguments with exit 2', async () => {
    for (const [args, message] of [
      [
        ['--snapshot', 'v2.json', '--path', 'x.csv', '--liquidity', '0'],
        /^error: --liquidity: expected a number in \(0, 1\], got "0"\n$/,
      ],
      [['--path', 'x.csv'], /^error: backstop stress: --snapshot FILE is required\n$/],
      [['--snapshot', 'v2.json'], /^error: backstop stress: --path FILE\.csv is required\n$/],
    ] as const) {
      const io = capture();
      expect(await main(['stress', ...args], io)).toBe(2);
      expect(io.err).toMatch(message);
    }
  });
});

describe('schemaVersion 2 snapshots: bad input names the field', () => {
  it.each([
    [
      'a bucket at the maintenance margin',
      (s: MarketSnapshot) => {
        s.markets[0]!.leverageProfile[0]!.margin = s.markets[0]!.maintenanceMargin;
      },
      /markets\[0\]\.leverageProfile\[0\]\.margin: must exceed the maintenance margin 0\.005 .*got 0\.005/,
    ],
    [
      'short shares that do not sum to 1',
      (s: MarketSnapshot) => {
        s.markets[1]!.leverageProfileShort = [{ margin: 0.1, share: 0.5 }];
      },
      /markets\[1\]\.leverageProfileShort: shares must sum to 1, got 0\.5/,
    ],
    [
      'negative depth',
      (s: MarketSnapshot) => {
        s.markets[0]!.depthUsd = [{ distance: 0.01, bidUsd: -5, askUsd: 1e6 }];
      },
      /markets\[0\]\.depthUsd\[0\]\.bidUsd: .*got -5/,
    ],
    [
      'depth that shrinks with distance',
      (s: MarketSnapshot) => {
        s.markets[0]!.depthUsd = [
          { distance: 0.01, bidUsd: 2e6, askUsd: 2e6 },
          { distance: 0.02, bidUsd: 1e6, askUsd: 3e6 },
        ];
      },
      /markets\[0\]\.depthUsd\[1\]\.bidUsd: resting size must not decrease with distance, got 1000000 after 2000000/,
    ],
    [
      'a composition that does not sum to the balance',
      (s: MarketSnapshot) => {
        s.fundComposition = [{ asset: 'BTC', amountUsd: 1e8, priceMarketId: 'BTC-PERP' }];
      },
      /fundComposition: amounts must sum to fundBalanceUsd 250000000, got 100000000/,
    ],
    [
      'a composition priced by an unknown market',
      (s: MarketSnapshot) => {
        s.fundComposition = [{ asset: 'BNB', amountUsd: 2.5e8, priceMarketId: 'BNB-PERP' }];
      },
      /fundComposition\[0\]\.priceMarketId: unknown market id, got "BNB-PERP"/,
    ],
    [
      'a stress path with an unknown market',
      (s: MarketSnapshot) => {
        s.model.stressScenarios = [{ name: 'p', liquidityFactor: 0.1, path: [[0, { 'DOGE-PERP': 0 }]] }];
      },
      /model\.stressScenarios\[0\]\.path\[0\]\[1\]\.DOGE-PERP: unknown market id, got "DOGE-PERP"/,
    ],
    [
      'a stress path whose minutes go back',
      (s: MarketSnapshot) => {
        s.model.stressScenarios = [
          {
            name: 'p',
            liquidityFactor: 0.1,
            path: [
              [0, { '*': 0 }],
              [30, { '*': -0.1 }],
              [20, { '*': -0.2 }],
            ],
          },
        ];
      },
      /model\.stressScenarios\[0\]\.path\[2\]\[0\]: minutes must increase, got 20 after 30/,
    ],
  ])('rejects %s with exit 2', async (name, change, message) => {
    const file = await writeSnapshot(`${name.replaceAll(/\W+/g, '-')}.json`, change);
    const io = capture();
    expect(await main(['reserve', '--snapshot', file, '--paths', '1000'], io)).toBe(2);
    expect(io.err).toMatch(message);
    expect(io.err.split('\n')).toHaveLength(2);
    expect(io.out).toBe('');
  });
});
