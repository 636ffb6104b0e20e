/**
 * The channels' secrets, read when a message is sent: through Powertools Parameters' SSM provider
 * (`GetParameter` with decryption — a Secrets Manager secret through SSM's
 * `/aws/reference/secretsmanager/` path, so one client and one action for both), cached for a few
 * minutes so a run with many messages reads each secret once, while a rotated secret is picked up
 * soon after. A failure names the reference, never a value.
 */
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { type SecretRef, ssmNameOf } from '../config/secret-ref.ts';
import type { SecretSource } from './http-channel.ts';

/** How long a read secret is reused. */
export const SECRET_MAX_AGE_SECONDS = 300;

/** A secret could not be read (the message names the reference and the reason). */
export class ChannelSecretError extends Error {
  /** Every message of the channel needs the secret: its later items wait for the next run. */
  readonly channelWide = true;

  constructor(name: string, reason: string, options?: ErrorOptions) {
    super(`secret ${name}: ${reason}`, options);
    this.name = 'ChannelSecretError';
  }
}

/** Turns secret references into {@link SecretSource}s. */
export type SecretReader = (ref: SecretRef) => SecretSource;

/**
 * A reader with one cached Powertools provider per region.
 *
 * @param ssm - the SSM client of a region (undefined = the function's own)
 * @example
 * const secrets = ssmSecretReader((region) => new SSMClient(region === undefined ? {} : { region }));
 * const routingKey = secrets({ ssmParameter: '/backstop/prod/pagerduty-routing-key' });
 */
export function ssmSecretReader(
  ssm: (region: string | undefined) => SSMClient,
  maxAgeSeconds = SECRET_MAX_AGE_SECONDS,
): SecretReader {
  const providers = new Map<string, SSMProvider>();
  const providerOf = (region: string | undefined): SSMProvider => {
    const key = region ?? '';
    let provider = providers.get(key);
    if (provider === undefined) {
      provider = new SSMProvider({ awsSdkV3Client: ssm(region) });
      providers.set(key, provider);
    }
    return provider;
  };
  return (ref) => async () => {
    const name = ssmNameOf(ref);
    let value: string | undefined;
    try {
      value = await providerOf(ref.region).get(name, { decrypt: true, maxAge: maxAgeSeconds });
    } catch (error) {
      throw new ChannelSecretError(name, (error as Error).message, { cause: error });
    }
    if (value === undefined || value.trim() === '')
      throw new ChannelSecretError(name, 'the parameter is empty');
    return value.trim();
  };
}
