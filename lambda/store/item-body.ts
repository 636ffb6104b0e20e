/** Reading the gzipped JSON body of an item back, checked against its schema. */
import type { z } from 'zod';
import { CorruptItemError } from './errors.ts';
import type { Item } from './table-client.ts';

/** The binary `body` attribute of an item, or a CorruptItemError. */
export function bodyBytes(item: Item): Uint8Array {
  if (item.body instanceof Uint8Array) return item.body;
  throw new CorruptItemError(String(item.pk), String(item.sk), 'no binary body');
}

/** Runs `read` (decompress + JSON) and validates its value; any failure names the item. */
export function decodeBody<S extends z.ZodType>(item: Item, read: () => unknown, schema: S): z.output<S> {
  const pk = String(item.pk);
  const sk = String(item.sk);
  let raw: unknown;
  try {
    raw = read();
  } catch (error) {
    if (error instanceof CorruptItemError) throw error;
    throw new CorruptItemError(pk, sk, `body does not decompress to JSON (${String(error)})`, {
      cause: error,
    });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CorruptItemError(pk, sk, `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}
