import { describe, expect, it } from 'vitest';
import { renderHistory } from '../../../lambda/present/history-text.ts';
import type { RunSummary } from '../../../lambda/run/stored-run.ts';

const run = (asOf: string, coverageRatio: number | null, status: RunSummary['status']): RunSummary => ({
  fundId: 'demo-perps',
  asOf,
  runId: `run-${asOf}`,
  status,
  fundBalanceUsd: coverageRatio === null ? null : 150e6,
  requiredReserveUsd: coverageRatio === null ? 200e6 : 150e6 / coverageRatio,
  coverageRatio,
});

describe('renderHistory', () => {
  it('lists runs newest first under a sparkline drawn oldest to newest', () => {
    const text = renderHistory('demo-perps', [
      run('2026-11-22T02:00:00.000Z', 1.2, 'OK'),
      run('2026-11-22T01:00:00.000Z', null, 'UNKNOWN'),
      run('2026-11-22T00:00:00.000Z', 0.6, 'BREACH'),
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toBe('demo-perps: 3 runs, newest first');
    expect(lines[1]).toBe('coverage ▁ █  (oldest → newest; min 60.0%, max 120.0%)');
    expect(lines[3]).toMatch(/^asOf\s+status\s+balance\s+required\s+coverage$/);
    expect(lines[5]).toMatch(/^2026-11-22T02:00:00.000Z\s+OK\s+\$150M\s+\$125M\s+120.0%$/);
    expect(lines[6]).toMatch(/^2026-11-22T01:00:00.000Z\s+UNKNOWN\s+unknown\s+\$200M\s+unknown$/);
    expect(lines[7]).toMatch(/^2026-11-22T00:00:00.000Z\s+BREACH\s+\$150M\s+\$250M\s+60.0%$/);
  });

  it('says how to get runs when there are none', () => {
    expect(renderHistory('demo-perps', [])).toBe(
      'demo-perps: no stored runs yet (run `backstop run` first)\n',
    );
  });
});
