/**
 * A treasury-maintained SSM parameter as the fund balance: a plain number of USD (String or
 * SecureString). Anything else is unavailable, never zero.
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { type SecretRef, ssmNameOf } from '../../config/secret-ref.ts';
import { observation } from '../venues/venue-adapter.ts';
import { type BalanceReading, BalanceUnavailableError } from './balance-reading.ts';

/** Reads the balance parameter. @throws BalanceUnavailableError */
export async function readSsmBalance(
  client: SSMClient,
  parameterName: string,
  now: Date,
): Promise<BalanceReading> {
  let value: string | undefined;
  let modified: Date | undefined;
  try {
    const out = await client.send(new GetParameterCommand({ Name: parameterName, WithDecryption: true }));
    value = out.Parameter?.Value;
    modified = out.Parameter?.LastModifiedDate;
  } catch (error) {
    throw new BalanceUnavailableError(`ssm ${parameterName}`, (error as Error).message, { cause: error });
  }
  const amount = Number(value?.trim().replaceAll('_', ''));
  if (value === undefined || value.trim() === '' || !Number.isFinite(amount) || amount < 0) {
    throw new BalanceUnavailableError(
      `ssm ${parameterName}`,
      `expected a non-negative USD amount, got ${JSON.stringify(value)}`,
    );
  }
  return {
    amountUsd: amount,
    observations: [
      observation({
        marketId: null,
        venue: 'ssm',
        endpoint: parameterName,
        field: 'fundBalance',
        rawValue: value,
        rawUnit: 'USD',
        normalised: amount,
        fetchedAt: now.toISOString(),
        venueTimestamp: modified?.getTime() ?? null,
      }),
    ],
    flags: [],
  };
}

/**
 * Reads a secret (an RPC URL with an API key…) at run time: an SSM SecureString by name, or a
 * Secrets Manager secret through SSM's `/aws/reference/secretsmanager/` path — one client, one
 * action (`ssm:GetParameter`), and the value never passes through the environment or a config.
 *
 * @throws BalanceUnavailableError naming the reference (never the value)
 */
export async function readSecret(client: SSMClient, ref: SecretRef): Promise<string> {
  const name = ssmNameOf(ref);
  try {
    const out = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    const value = out.Parameter?.Value;
    if (value === undefined || value.trim() === '') throw new Error('the parameter is empty');
    return value.trim();
  } catch (error) {
    throw new BalanceUnavailableError(`secret ${name}`, (error as Error).message, { cause: error });
  }
}
