import { describe, expect, it } from 'vitest';
import { configDrift } from '../../../lambda/cli/config-drift.ts';
import { asOfOption, checkCalendar } from '../../../lambda/cli/dates.ts';
import { failOnOption, failOnReason } from '../../../lambda/cli/fail-on.ts';
import { intOption, parseOptions } from '../../../lambda/cli/io.ts';
import { closest } from '../../../lambda/cli/suggest.ts';
import { FundConfigSchema } from '../../../lambda/config/fund-config.ts';
import type { MarketSnapshot } from '../../../lambda/model/schemas.ts';

const NOW = new Date('2026-11-22T04:15:30Z');

describe('dates in flags', () => {
  it.each([
    ['2026-02-30T12:00:00Z', 'as-of'],
    ['2024-02-30', 'from'],
    ['2026-13-01T00:00:00Z', 'as-of'],
    ['2026-11-22T24:30:00Z', 'as-of'],
  ])('refuses the impossible %s naming --%s', (value, flag) => {
    expect(() => checkCalendar(value, flag)).toThrow(`--${flag}: no such date or time, got "${value}"`);
  });

  it('accepts ISO with a zone, the printed form and a date, in canonical UTC', () => {
    expect(asOfOption('2024-02-29T23:00:00-01:00', NOW)).toBe('2024-03-01T00:00:00.000Z');
    expect(asOfOption('2026-11-22 04:15 UTC', NOW)).toBe('2026-11-22T04:15:00.000Z');
    expect(asOfOption('2026-11-22', NOW)).toBe('2026-11-22T00:00:00.000Z');
    expect(asOfOption(undefined, NOW)).toBe('2026-11-22T04:15:00.000Z');
    expect(() => asOfOption('2026-02-29T00:00:00Z', NOW)).toThrow('--as-of: no such date or time');
  });
});

describe('numbers in flags', () => {
  it('takes a negative number as the value of a string option, so its own check names it', () => {
    const { values } = parseOptions(['--paths', '-5'], { paths: { type: 'string' } }, 'run');
    expect(values.paths).toBe('-5');
    expect(() => intOption(values.paths, 'paths', 1)).toThrow('--paths: expected an integer >= 1, got "-5"');
  });

  it.each(['0x10', '1e3', '1,000', '2.5', ''])('refuses %j as an integer', (value) => {
    expect(() => intOption(value, 'paths', 1)).toThrow(
      `--paths: expected an integer >= 1, got ${JSON.stringify(value)}`,
    );
  });
});

describe('--fail-on', () => {
  it('exits at or beyond the level; UNKNOWN counts as a breach; DEGRADED by its coverage', () => {
    expect(failOnOption('warn')).toBe('warn');
    expect(() => failOnOption('error')).toThrow('--fail-on: expected warn or breach, got "error"');
    expect(failOnReason({ status: 'WARN', coverageStatus: 'WARN' }, 'warn')).toBe(
      'status WARN is at or beyond --fail-on warn',
    );
    expect(failOnReason({ status: 'WARN', coverageStatus: 'WARN' }, 'breach')).toBeUndefined();
    expect(failOnReason({ status: 'UNKNOWN', coverageStatus: 'UNKNOWN' }, 'breach')).toBe(
      'status UNKNOWN is at or beyond --fail-on breach',
    );
    expect(failOnReason({ status: 'DEGRADED', coverageStatus: 'BREACH' }, 'breach')).toBe(
      'status DEGRADED (coverage BREACH) is at or beyond --fail-on breach',
    );
    expect(failOnReason({ status: 'DEGRADED', coverageStatus: 'OK' }, 'warn')).toBeUndefined();
    expect(failOnReason({ status: 'BREACH', coverageStatus: 'BREACH' }, undefined)).toBeUndefined();
  });
});

describe('closest', () => {
  it('suggests a near miss and nothing for a different word', () => {
    expect(closest('maintenanceMargn', ['maintenanceMargin', 'leverageProfile'])).toBe('maintenanceMargin');
    expect(closest('histroy', ['history', 'report', 'replay'])).toBe('history');
    expect(closest('status', ['history', 'report', 'replay'])).toBeUndefined();
  });
});

describe('configDrift', () => {
  const config = FundConfigSchema.parse({
    fundId: 'f',
    balance: { type: 'static', amountUsd: 1e8 },
    markets: [
      {
        id: 'BTC',
        venue: 'binance',
        symbol: 'BTCUSDT',
        volSource: [{ type: 'realized' }],
        maintenanceMargin: 0.004,
      },
    ],
    model: { defaultLeverageProfile: [{ margin: 0.1, share: 1 }], stressScenarios: [] },
  });
  const stored = {
    markets: [{ id: 'BTC', maintenanceMargin: 0.004, leverageProfile: [{ margin: 0.1, share: 1 }] }],
    model: {
      horizonHours: 2,
      confidence: 0.999,
      tailDof: 3,
      paths: 1_000_000,
      seed: 99,
      impactCoefficient: 1,
      buffer: 0.25,
      stressScenarios: [],
      releaseMultiple: 1.5,
      thresholds: config.alerts.thresholds,
    },
  } as unknown as MarketSnapshot;

  it('finds nothing when the stored run was built from this config (a derived seed is not a change)', () => {
    expect(configDrift(config, stored)).toEqual([]);
  });

  it('names each changed field', () => {
    const edited = {
      ...config,
      model: { ...config.model, buffer: 0.3 },
      markets: [{ ...config.markets[0]!, leverageProfile: [{ margin: 0.2, share: 1 }] }],
    };
    expect(configDrift(edited, stored)).toEqual(['model.buffer', 'markets']);
  });
});
