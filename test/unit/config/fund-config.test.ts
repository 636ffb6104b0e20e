import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FundConfigInput, FundConfigSchema } from '../../../lambda/config/fund-config.ts';
import { InvalidInputError, parseOrThrow } from '../../../lambda/model/validation.ts';

const DEMO = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../../config/funds/demo.json'), 'utf8'),
) as FundConfigInput;

function withModel(
  model: Partial<FundConfigInput['model']>,
  alerts?: FundConfigInput['alerts'],
): FundConfigInput {
  const { alerts: _ignored, ...rest } = DEMO;
  return { ...rest, model: { ...DEMO.model, ...model }, ...(alerts === undefined ? {} : { alerts }) };
}

describe('FundConfigSchema', () => {
  it('derives the BREACH threshold from the buffer when none is configured: the requirement without it', () => {
    expect(FundConfigSchema.parse(withModel({ buffer: 0.25 })).alerts.thresholds).toEqual({
      warnBelow: 1,
      breachBelow: 0.8,
    });
    expect(FundConfigSchema.parse(withModel({ buffer: 0.5 })).alerts.thresholds).toEqual({
      warnBelow: 1,
      breachBelow: 1 / 1.5,
    });
  });

  it('keeps configured thresholds whatever the buffer', () => {
    const config = FundConfigSchema.parse(
      withModel({ buffer: 0.5 }, { thresholds: { warnBelow: 1.1, breachBelow: 0.9 } }),
    );
    expect(config.alerts.thresholds).toEqual({ warnBelow: 1.1, breachBelow: 0.9 });
  });

  it('names the field and the bad value of an invalid config', () => {
    const [first, ...others] = DEMO.markets;
    const bad = { ...DEMO, markets: [{ ...first, maintenanceMargin: -0.1 }, ...others] };
    expect(() => parseOrThrow(FundConfigSchema, bad, 'fund config demo.json')).toThrow(
      new InvalidInputError(
        'fund config demo.json: markets[0].maintenanceMargin: Too small: expected number to be >=0, got -0.1',
        'markets[0].maintenanceMargin',
      ),
    );
  });
});
