/**
 * The secrets a fund's runs read, as the deployment must grant them: the EVM RPC URLs of its
 * balance sources and the secrets of its alert channels — every secret reference in its config.
 */
import { channelSecretRefs } from '../lambda/config/alert-channels.ts';
import type { BalanceSource, FundConfig } from '../lambda/config/fund-config.ts';
import type { SecretRef } from '../lambda/config/secret-ref.ts';

/** Every secret reference of `fund`, once each. */
export function secretRefsOf(fund: FundConfig): SecretRef[] {
  const refs = [...rpcUrlSecrets(fund.balance), ...channelSecretRefs(fund.alerts.channels)];
  const seen = new Set<string>();
  return refs.filter((ref) => {
    const key = JSON.stringify(ref);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function rpcUrlSecrets(balance: BalanceSource): SecretRef[] {
  if (balance.type === 'sum') return balance.sources.flatMap(rpcUrlSecrets);
  return balance.type === 'evm' && balance.rpcUrlSecret !== undefined ? [balance.rpcUrlSecret] : [];
}
