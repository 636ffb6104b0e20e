import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandIo } from '../../../lambda/cli/io.ts';
import { main } from '../../../lambda/cli/main.ts';
import { DEFAULT_LEVERAGE_PROFILE } from '../../../lambda/config/leverage-profile.ts';
import { loadEvents } from '../../../lambda/validate/event-library.ts';
import { type EventComparison, replayEvents } from '../../../lambda/validate/replay-event.ts';
import { buildEventPaths } from '../../../scripts/build-event-paths.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const EVENTS = join(ROOT, 'config', 'events');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backstop-events-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function capture(cwd = ROOT): CommandIo & { out: string; err: string } {
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
    cwd,
    env: {},
  };
  return io;
}

describe('the validation events', () => {
  let rows: EventComparison[];
  beforeAll(async () => {
    rows = replayEvents(await loadEvents(EVENTS), { leverageProfile: DEFAULT_LEVERAGE_PROFILE });
  });

  it('replays the six events with the calibrated defaults to these fund changes (USD) and ADL calls', () => {
    const got = rows.map((r) => [r.name, Math.round(r.predictedUsd / 1e3), r.predictedAdl]);
    expect(got).toEqual([
      ['binance-2025-10-10', -96_492, false],
      ['bitmex-2020-03-12', -9_029, false],
      ['bitmex-2020-03-13', 2_049, false],
      ['deribit-2020-03-12', -1_479, true],
      ['dydx-2023-11-18-yfi', -10_935, false],
      ['hyperliquid-2025-10-10', 54_485, true],
    ]);
  });

  it('meets the target on Binance, BitMEX 2020-03-12, dYdX YFI and Hyperliquid and misses the two it says it misses', () => {
    expect(rows.filter((r) => r.withinTarget).map((r) => r.name)).toEqual([
      'binance-2025-10-10',
      'bitmex-2020-03-12',
      'dydx-2023-11-18-yfi',
      'hyperliquid-2025-10-10',
    ]);
    expect(rows.find((r) => r.name === 'bitmex-2020-03-12')!.ratio).toBeCloseTo(0.8599, 4);
  });

  it('counts the fund’s revaluation apart on a coin-held fund: XBT at −48.5% costs BitMEX’s fund $135M', () => {
    expect(rows.find((r) => r.name === 'bitmex-2020-03-12')!.revaluationUsd).toBeCloseTo(135_069_171, -1);
  });

  it('keeps each path file exactly as scripts/build-event-paths.ts writes it', async () => {
    for (const [name, text] of Object.entries(buildEventPaths())) {
      expect(await readFile(join(EVENTS, name, 'path.csv'), 'utf8')).toBe(text);
    }
  });

  it('prints the table with the verdict line', async () => {
    const io = capture();
    expect(await main(['validate-events'], io)).toBe(0);
    expect(io.out).toContain(
      'bitmex-2020-03-12       liquidations    -$9.03M   -$10.5M  -$13.0M … -$8.10M   0.86   no',
    );
    expect(io.out).toContain(
      '4 of 6 within target (same sign, within a factor 2, ADL as reported where reported).',
    );
  });

  it('runs one event and the event its book is carried over from with --only', async () => {
    const io = capture();
    expect(await main(['validate-events', '--only', 'bitmex-2020-03-13', '--json'], io)).toBe(0);
    const json = JSON.parse(io.out) as EventComparison[];
    expect(json.map((c) => c.name)).toEqual(['bitmex-2020-03-12', 'bitmex-2020-03-13']);
    expect(Math.round(json[1]!.predictedUsd)).toBe(2_049_136);
  });

  it('refuses an unknown event name in one line with exit code 2', async () => {
    const io = capture();
    expect(await main(['validate-events', '--only', 'ftx-2022'], io)).toBe(2);
    expect(io.err).toMatch(/^error: --only: no event "ftx-2022" in .*config\/events \(binance-2025-10-10, /);
  });

  it('names the file and the field of a bad event', async () => {
    const events = join(dir, 'events');
    await mkdir(join(events, 'bad-event'), { recursive: true });
    const event = JSON.parse(await readFile(join(EVENTS, 'bitmex-2020-03-12', 'event.json'), 'utf8'));
    event.name = 'bad-event';
    event.book.markets[0].openInterestUsd = -1;
    await writeFile(join(events, 'bad-event', 'event.json'), JSON.stringify(event));
    const io = capture(dir);
    const code = await main(['validate-events', '--events', 'events'], io);
    expect(code).toBe(2);
    expect(io.err).toMatch(/bad-event\/event\.json: book\.markets\[0\]\.openInterestUsd: .*got -1/);
  });
});
