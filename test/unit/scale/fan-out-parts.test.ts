/** The fan-out's small parts: the mode decision, its events, the stored-partials runner, its environment. */
import { describe, expect, it } from 'vitest';
import { batchSimulator } from '../../../lambda/model/engines/path/path-monte-carlo.ts';
import { simulationOfSnapshot } from '../../../lambda/model/engines/path/path-simulation.ts';
import { executionModeOf, FAN_OUT_ABOVE_MARKETS } from '../../../lambda/scale/execution-mode.ts';
import { readBatchEnvironment } from '../../../lambda/scale/fan-out/fan-out-environment.ts';
import { parseBatchTask, parseCoordinateEvent } from '../../../lambda/scale/fan-out/fan-out-events.ts';
import {
  PathsNeeded,
  pathsNeededIn,
  storedPartialsRunner,
} from '../../../lambda/scale/fan-out/stored-runner.ts';
import { market, snapshot } from '../model/snapshot-builder.ts';

const markets = (n: number) => Array.from({ length: n }, () => ({}));

describe('executionModeOf', () => {
  it('fans out above 150 markets on auto, and does what the config says otherwise', () => {
    expect(FAN_OUT_ABOVE_MARKETS).toBe(150);
    expect(executionModeOf({ markets: markets(150) } as never)).toBe('single');
    expect(executionModeOf({ markets: markets(151) } as never)).toBe('fan-out');
    expect(executionModeOf({ markets: markets(500), execution: { mode: 'single' } } as never)).toBe('single');
    expect(executionModeOf({ markets: markets(2), execution: { mode: 'fan-out' } } as never)).toBe('fan-out');
  });
});

describe('fan-out events', () => {
  const now = new Date('2026-11-22T04:15:42Z');
  it('reads a Scheduler tick as the first coordination, and {run} as a continuation', () => {
    expect(parseCoordinateEvent({ fundId: 'big-venue', scheduledTime: '2026-11-22T04:15:00Z' }, now)).toEqual(
      {
        first: true,
        fundId: 'big-venue',
        asOf: '2026-11-22T04:15:00.000Z',
      },
    );
    const run = { fundId: 'big-venue', asOf: '2026-11-22T04:15:00.000Z', runId: 'a1-b2' };
    expect(parseCoordinateEvent({ status: 'paths', run, batches: [] }, now)).toEqual({ first: false, run });
  });

  it('refuses a bad continuation or batch naming the field', () => {
    expect(() =>
      parseCoordinateEvent({ run: { fundId: 'big-venue', asOf: 'yesterday', runId: 'x' } }, new Date()),
    ).toThrow(/run\.asOf/);
    expect(() =>
      parseBatchTask({ fundId: 'big-venue', asOf: '2026-11-22T04:15:00.000Z', runId: 'x', from: 10, to: 10 }),
    ).toThrow(/to.*to must exceed from/);
  });
});

describe('storedPartialsRunner', () => {
  const s = snapshot([market('A'), market('B')], { windowHours: 1, stepMinutes: 30, paths: 100 });
  s.schemaVersion = 2;
  const simulate = batchSimulator(simulationOfSnapshot(s));

  it('serves a round its stored batches tile, and names a round they do not', () => {
    const stored = [
      simulate({ from: 50, to: 100 }),
      simulate({ from: 0, to: 50 }),
      simulate({ from: 100, to: 120 }),
    ];
    const runner = storedPartialsRunner(stored);
    expect(runner({ from: 0, to: 100 }, () => {}).map((p) => p.from)).toEqual([50, 0]);
    const error = (() => {
      try {
        runner({ from: 100, to: 200 }, () => {});
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(PathsNeeded);
    expect((error as PathsNeeded).round).toEqual({ from: 100, to: 200 });
    expect(pathsNeededIn(new Error('reserve failed', { cause: error }))).toBe(error);
    expect(pathsNeededIn(new Error('other'))).toBeNull();
  });

  it('refuses two stored batches for the same paths, even when their count adds up', () => {
    const runner = storedPartialsRunner([simulate({ from: 0, to: 60 }), simulate({ from: 40, to: 80 })]);
    expect(() => runner({ from: 0, to: 100 }, () => {})).toThrow(
      'mergePartials: paths [60, 40) overlap before [40, 80)',
    );
  });
});

describe('the batch worker environment', () => {
  it('names a missing scratch bucket', () => {
    expect(() => readBatchEnvironment({})).toThrow(/BACKSTOP_SCRATCH_BUCKET/);
    expect(readBatchEnvironment({ BACKSTOP_SCRATCH_BUCKET: 'backstop-scratch-1' })).toEqual({
      scratchBucket: 'backstop-scratch-1',
    });
  });
});
