import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../lambda/model/validation.ts';
import { resolveDeployment } from '../../lib/deployment-config.ts';
import { fundInput, TWO_FUNDS } from './support/fixtures.ts';

function errorOf(fn: () => unknown): InvalidInputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return error as InvalidInputError;
  }
  throw new Error('expected an InvalidInputError');
}

describe('resolveDeployment', () => {
  it('deploys every fund file as written when the stage file is empty', () => {
    const deployment = resolveDeployment('prod', {}, TWO_FUNDS);
    expect(deployment.stage).toBe('prod');
    expect(deployment.logRetentionDays).toBe(90);
    expect(deployment.env).toBeUndefined();
    expect(deployment.funds.map((f) => [f.config.fundId, f.config.schedule.intervalMinutes])).toEqual([
      ['alpha-perps', 15],
      ['beta-lending', 60],
    ]);
    // What the function receives is the file as written: defaults are applied once, by the handler.
    expect(deployment.funds[0]?.input).toEqual(TWO_FUNDS[0]?.json);
  });

  it('applies a stage schedule, notifications and path count to every fund, and selects funds by id', () => {
    const stage = {
      funds: ['beta-lending'],
      schedule: { expression: 'rate(5 minutes)', intervalMinutes: 5 },
      notifications: { emails: ['dev@example.com'] },
      paths: 20_000,
      logRetentionDays: 14,
      env: { account: '123456789012', region: 'eu-west-1' },
    };
    const deployment = resolveDeployment('staging', stage, TWO_FUNDS);
    expect(deployment.funds).toHaveLength(1);
    const [beta] = deployment.funds;
    expect(beta?.config.fundId).toBe('beta-lending');
    expect(beta?.config.schedule).toEqual({
      expression: 'rate(5 minutes)',
      timeZone: 'UTC',
      intervalMinutes: 5,
    });
    expect(beta?.config.notifications).toEqual({ emails: ['dev@example.com'] });
    expect(beta?.config.model.paths).toBe(20_000);
    expect(beta?.input.model.paths).toBe(20_000);
    // The override must not leak into the file's own object.
    expect((TWO_FUNDS[1]!.json as { model: { paths?: number } }).model.paths).toBeUndefined();
    expect(deployment.logRetentionDays).toBe(14);
    expect(deployment.env).toEqual({ account: '123456789012', region: 'eu-west-1' });
  });

  it('names the file and the field of an invalid fund config', () => {
    const bad = { path: 'config/funds/bad.json', json: fundInput('bad', { markets: [] }) };
    expect(errorOf(() => resolveDeployment('prod', {}, [bad])).message).toBe(
      'fund config config/funds/bad.json: markets: Too small: expected array to have >=1 items, got []',
    );
  });

  it('names the stage field and the value CloudWatch would refuse', () => {
    expect(errorOf(() => resolveDeployment('prod', { logRetentionDays: 10 }, TWO_FUNDS)).message).toMatch(
      /^stage config prod: logRetentionDays: must be one of 1, 3, 5, 7, 14, 30, .*, got 10$/,
    );
  });

  it('refuses a stage naming a fund that has no config, listing the known ones', () => {
    expect(errorOf(() => resolveDeployment('prod', { funds: ['gamma'] }, TWO_FUNDS)).message).toBe(
      'stage config prod: funds[0]: no fund config with this fundId (known: alpha-perps, beta-lending), got "gamma"',
    );
  });

  it('refuses two files with the same fundId', () => {
    const twin = { path: 'config/funds/alpha-copy.json', json: fundInput('alpha-perps') };
    expect(errorOf(() => resolveDeployment('prod', {}, [...TWO_FUNDS, twin])).message).toBe(
      'fund config config/funds/alpha-copy.json: fundId: already used by config/funds/alpha.json, got "alpha-perps"',
    );
  });

  it('refuses a rate whose interval disagrees with intervalMinutes (the no-run alarm is sized from it)', () => {
    const file = {
      path: 'config/funds/x.json',
      json: fundInput('x', { schedule: { expression: 'rate(2 hours)', intervalMinutes: 60 } }),
    };
    expect(errorOf(() => resolveDeployment('prod', {}, [file])).message).toBe(
      'fund config config/funds/x.json: schedule.intervalMinutes: must equal the rate of rate(2 hours) (120), got 60',
    );
  });

  it('refuses a stage name that cannot be part of a stack name', () => {
    expect(errorOf(() => resolveDeployment('Prod_1', {}, TWO_FUNDS)).field).toBe('stage');
  });

  it('refuses a stage with no fund configs at all', () => {
    expect(errorOf(() => resolveDeployment('prod', {}, [])).message).toBe(
      'stage config prod: no fund configs found under config/funds',
    );
  });
});
