/**
 * A fund config file as people write it: plain JSON that may carry `"$comment"` keys in any object
 * (notes for the next reader, as `backstop init` writes them) and a top-level `"$schema"` (the JSON
 * Schema editors complete and check fields with). Comments are removed before validation, so they
 * never reach a run, a stored snapshot or the deployed config; `$schema` is accepted by the schema.
 */
import { parseOrThrow } from '../model/validation.ts';
import { type FundConfig, FundConfigSchema } from './fund-config.ts';

/** The key of a comment: allowed in every object of a fund config file, ignored by Backstop. */
export const COMMENT_KEY = '$comment';

/**
 * A copy of `doc` without any `"$comment"` key, at any depth (arrays included). Other values are
 * returned as they are.
 *
 * @example withoutComments({ $comment: 'why', model: { $comment: 'x', buffer: 0.3 } }) // { model: { buffer: 0.3 } }
 */
export function withoutComments(doc: unknown): unknown {
  if (Array.isArray(doc)) return doc.map(withoutComments);
  if (doc === null || typeof doc !== 'object') return doc;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    if (key !== COMMENT_KEY) out[key] = withoutComments(value);
  }
  return out;
}

/**
 * Validates a fund config document as read from a file (comments removed, defaults applied).
 *
 * @param what - the document's label in the error line, e.g. `fund config config/funds/demo.json`
 * @throws InvalidInputError naming the first bad field and its value
 */
export function parseFundConfig(doc: unknown, what: string): FundConfig {
  return parseOrThrow(FundConfigSchema, withoutComments(doc), what);
}
