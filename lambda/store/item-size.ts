/**
 * DynamoDB's size of an item, computed on the plain JavaScript values the DocumentClient marshals.
 * Why: the 400 KB item limit is what decides whether a snapshot body is stored inline or split into
 * parts, and the tests assert it on real items.
 *
 * Rules (AWS "Item sizes and formats"): attribute names count their UTF-8 bytes; strings their UTF-8
 * bytes; binary its length; numbers about one byte per two significant digits plus one; null and
 * booleans one byte; lists and maps 3 bytes plus one byte per element on top of their contents.
 */

/** Size in bytes of one attribute value. */
export function attributeSizeBytes(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') return numberSize(value);
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + 1 + attributeSizeBytes(v), 3);
  return itemSizeBytes(value as Record<string, unknown>) + 3 + Object.keys(value).length;
}

/** Size in bytes of an item (or map): names plus values. */
export function itemSizeBytes(item: Readonly<Record<string, unknown>>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    size += Buffer.byteLength(name, 'utf8') + attributeSizeBytes(value);
  }
  return size;
}

function numberSize(n: number): number {
  const digits = String(n)
    .replace(/^-/, '')
    .replace(/e.*$/i, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.min(21, Math.ceil(Math.max(digits.length, 1) / 2) + 1);
}
