/**
 * Turning schema failures into one clear line: `markets[3].impliedVol: expected number > 0, got -0.2`.
 * Used by every entry point (CLI, handler, config loader) so bad input always reads the same way.
 */
import type { z } from 'zod';

/** Bad input from a user: a document that fails its schema. CLIs map it to exit code 2. */
export class InvalidInputError extends Error {
  /** Dotted path of the first offending field, e.g. `markets[3].impliedVol`. */
  readonly field: string;

  constructor(message: string, field: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidInputError';
    this.field = field;
  }
}

/** Formats a zod path as `markets[3].impliedVol`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/** Reads the value at `path` inside `root`, for the "got …" part of a message. */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** One line for one zod issue: the path, what was expected, and the bad value. */
export function formatIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const path = formatPath(issue.path);
  const bad = 'input' in issue && issue.input !== undefined ? issue.input : valueAt(input, issue.path);
  const message = issue.message.replace(/^Invalid input: /, '');
  const got = message.includes('got ') ? '' : `, got ${show(bad)}`;
  return `${path}: ${message}${got}`;
}

/**
 * Parses `input` with `schema`, throwing an {@link InvalidInputError} whose message names the
 * document, the path of the first bad field and its value.
 *
 * @param what - a label for the document, e.g. `snapshot config/examples/snapshot.json`
 * @example
 * const snapshot = parseOrThrow(MarketSnapshotSchema, JSON.parse(text), 'snapshot');
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  if (first === undefined) throw new InvalidInputError(`${what}: invalid`, '(root)');
  const more = parsed.error.issues.length > 1 ? ` (+${parsed.error.issues.length - 1} more)` : '';
  throw new InvalidInputError(`${what}: ${formatIssue(first, input)}${more}`, formatPath(first.path), {
    cause: parsed.error,
  });
}
