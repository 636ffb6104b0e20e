/**
 * Secrets in fund configs (an RPC URL with an API key, a webhook URL): never the value, only where
 * it is kept — an SSM SecureString parameter or a Secrets Manager secret — read at run time. So
 * neither the config in S3, the Lambda environment nor a stored snapshot ever holds the secret.
 */
import { z } from 'zod';

/** An AWS region name. */
const RegionSchema = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1');
/**
 * The customer-managed KMS key the secret is encrypted with, when it is not the AWS-managed one:
 * the deployment then grants `kms:Decrypt` on it (through SSM or Secrets Manager only).
 */
const KmsKeyArnSchema = z
  .string()
  .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[a-zA-Z0-9-]{1,128}$/, 'must be a KMS key ARN');

/** Where a secret is kept. */
export const SecretRefSchema = z.union([
  z.strictObject({
    /** An SSM parameter (SecureString), by name. */
    ssmParameter: z.string().regex(/^\/?[a-zA-Z0-9_.\-/]{1,2048}$/, 'must be an SSM parameter name'),
    region: RegionSchema.optional(),
    kmsKeyArn: KmsKeyArnSchema.optional(),
  }),
  z.strictObject({
    /** A Secrets Manager secret, by name or ARN; read through SSM's `/aws/reference/secretsmanager/`. */
    secretsManager: z.string().regex(/^[a-zA-Z0-9/_+=.@:-]{1,2048}$/, 'must be a secret name or ARN'),
    region: RegionSchema.optional(),
    kmsKeyArn: KmsKeyArnSchema.optional(),
  }),
]);
/** Where a secret is kept. */
export type SecretRef = z.infer<typeof SecretRefSchema>;

/** The SSM parameter name that reads `ref` (Secrets Manager secrets through SSM's reference path). */
export function ssmNameOf(ref: SecretRef): string {
  return 'ssmParameter' in ref ? ref.ssmParameter : `/aws/reference/secretsmanager/${ref.secretsManager}`;
}

/** A path segment or query value this long and key-like is an API key (Infura, Alchemy: 32). */
const KEY_LIKE = /^[A-Za-z0-9_-]{20,}$/;

/**
 * Why a plain URL looks like it carries a secret (a query string, or a key-like path segment), so
 * it belongs in a secret reference; undefined when it does not.
 *
 * @param where - what to do instead, the end of the message
 *
 * @example
 * secretInUrl('https://eth-mainnet.g.alchemy.com/v2/abcdefghijklmnopqrstuvwxyz012345') // 'looks like …'
 */
export function secretInUrl(url: string, where = 'name it in rpcUrlSecret'): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const keyLike =
    parsed.search !== '' || parsed.pathname.split('/').some((segment) => KEY_LIKE.test(segment));
  return keyLike
    ? `looks like it carries an API key (a query string or a key-like path segment): keep the URL in an SSM SecureString or Secrets Manager and ${where}`
    : undefined;
}
