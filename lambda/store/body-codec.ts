/**
 * The compressed body of large items: JSON, gzip, and — when it is still too large for one DynamoDB
 * item — split into parts. A 500-market snapshot carries a 500×500 correlation matrix of full-precision
 * doubles: about 4.8 MB of JSON and 2.1 MB gzipped (doubles' mantissas do not compress), so no
 * lossless encoding fits one 400 KB item; rounding would break bit-identical replay. Bodies up to
 * {@link INLINE_BODY_MAX_BYTES} stay inline (every ordinary fund); larger ones are split into parts
 * named by the body's digest, so a retried run can never overwrite the parts of a stored one.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';

/** Largest compressed body stored inside its item (leaves room for keys and summary attributes). */
export const INLINE_BODY_MAX_BYTES = 350_000;
/** Size of each overflow part. */
export const PART_BYTES = 350_000;

/** Gzips the JSON of `value` (a plain Uint8Array, which the DocumentClient stores as binary). */
export function compressJson(value: unknown): Uint8Array {
  return Uint8Array.from(gzipSync(Buffer.from(JSON.stringify(value), 'utf8')));
}

/** Inverse of {@link compressJson}. */
export function decompressJson(bytes: Uint8Array): unknown {
  return JSON.parse(gunzipSync(bytes).toString('utf8'));
}

/** Short content digest (SHA-256, 16 hex digits) naming a body's parts. */
export function bodyDigest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

/** Splits `bytes` into consecutive parts of at most `size` bytes (copies, so each is its own buffer). */
export function splitBytes(bytes: Uint8Array, size = PART_BYTES): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.byteLength; offset += size) {
    parts.push(new Uint8Array(bytes.subarray(offset, Math.min(offset + size, bytes.byteLength))));
  }
  return parts;
}

/** Concatenates parts back into one body. */
export function joinBytes(parts: readonly Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}
