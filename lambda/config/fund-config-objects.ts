/**
 * How a deployed stage stores its fund configs: one JSON object per fund, the config as written plus
 * the stage's overrides, at `funds/<fundId>.json` in the stage's fund-config bucket. The CDK app
 * writes them and the function reads them, both through these names, so the two cannot disagree.
 */
import type { FundConfig } from './fund-config.ts';

/** Key prefix of the fund config objects. */
export const FUND_CONFIG_PREFIX = 'funds/';

/** The object key of a fund's config: `funds/demo-perps.json`. */
export function fundConfigKey(fundId: string): string {
  return `${FUND_CONFIG_PREFIX}${fundId}.json`;
}

/** Where the function gets a fund's validated config from. */
export interface FundConfigSource {
  /**
   * The config of `fundId`, validated, defaults applied.
   *
   * @throws InvalidInputError when no config is deployed for the fund, or it is not a valid config
   */
  get(fundId: string): Promise<FundConfig>;
}
