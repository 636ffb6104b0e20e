/**
 * Single Lambda or fan-out, decided per fund at synth time from its config: `execution.mode`, and
 * for `"auto"` (the default) its size. The sizing behind the threshold is docs/OPERATIONS.md's
 * table: above ~150 markets an adaptive run can need more than one function's timeout.
 */
import type { FundConfig } from '../config/fund-config.ts';

/** `execution.mode: "auto"` fans out funds of more markets than this. */
export const FAN_OUT_ABOVE_MARKETS = 150;

/** How `config`'s runs execute on AWS. */
export function executionModeOf(config: Pick<FundConfig, 'markets' | 'execution'>): 'single' | 'fan-out' {
  const mode = config.execution?.mode ?? 'auto';
  if (mode !== 'auto') return mode;
  return config.markets.length > FAN_OUT_ABOVE_MARKETS ? 'fan-out' : 'single';
}
