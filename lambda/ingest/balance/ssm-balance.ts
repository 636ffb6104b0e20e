/**
 * A treasury-maintained SSM parameter as the fund balance: a plain number of USD (String or
 * SecureString). Anything else is unavailable, never zero.
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
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
