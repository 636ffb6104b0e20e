/**
 * Every problem of a fund config document at once, for `backstop validate`: unknown keys first,
 * each with the key it was probably meant to be, then every other schema issue in document order.
 * A misspelt key is reported once, as the typo: the field it was meant to be, missing as a result,
 * is not reported a second time.
 */
import type { z } from 'zod';
import { FundConfigSchema } from '../config/fund-config.ts';
import { COMMENT_KEY, withoutComments } from '../config/fund-config-document.ts';
import { fundConfigJsonSchema, type JsonSchemaNode } from '../config/fund-config-json-schema.ts';
import { formatIssue, formatPath } from '../model/validation.ts';
import { closest } from './suggest.ts';

/** The schema nodes a document path can reach (every branch of a union). */
function nodesAt(root: JsonSchemaNode, path: readonly PropertyKey[]): JsonSchemaNode[] {
  const expand = (n: JsonSchemaNode): JsonSchemaNode[] => [
    n,
    ...[...(n.anyOf ?? []), ...(n.oneOf ?? [])].flatMap(expand),
  ];
  let nodes = expand(root);
  for (const key of path) {
    nodes = nodes
      .map((n) => (typeof key === 'number' ? n.items : n.properties?.[String(key)]))
      .filter((n): n is JsonSchemaNode => n !== undefined)
      .flatMap(expand);
  }
  return nodes;
}

/** The keys an object at `path` may have (any branch of a union), `$comment` left out. */
export function knownKeysAt(path: readonly PropertyKey[], schema = fundConfigJsonSchema()): string[] {
  const keys = new Set<string>();
  for (const node of nodesAt(schema, path)) {
    for (const key of Object.keys(node.properties ?? {})) if (key !== COMMENT_KEY) keys.add(key);
  }
  return [...keys];
}

function samePath(a: readonly PropertyKey[], b: readonly PropertyKey[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

/**
 * One line per problem of `doc` as a fund config (`[]` when it is valid), unknown keys first:
 * `markets[0].maintenanceMargn: unknown key (did you mean "maintenanceMargin"?)`.
 */
export function fundConfigProblems(doc: unknown): string[] {
  const input = withoutComments(doc);
  const parsed = FundConfigSchema.safeParse(input);
  if (parsed.success) return [];
  const schema = fundConfigJsonSchema();
  const unknown: string[] = [];
  const meant: PropertyKey[][] = [];
  const others: z.core.$ZodIssue[] = [];
  for (const issue of parsed.error.issues) {
    if (issue.code !== 'unrecognized_keys') {
      others.push(issue);
      continue;
    }
    const known = knownKeysAt(issue.path, schema);
    for (const key of issue.keys) {
      const guess = closest(key, known);
      const where = formatPath([...issue.path, key]);
      if (guess !== undefined) {
        unknown.push(`${where}: unknown key (did you mean "${guess}"?)`);
        meant.push([...issue.path, guess]);
      } else {
        unknown.push(`${where}: unknown key (allowed here: ${[...known].sort().join(', ')})`);
      }
    }
  }
  const rest = others
    .filter((issue) => !meant.some((path) => samePath(path, issue.path)))
    .map((issue) => describeIssue(issue, input));
  return [...unknown, ...rest];
}

/** One issue as a line: a missing field says so; zod's "Invalid option:"-style prefixes are dropped. */
function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) {
    return `${formatPath(issue.path)}: missing (expected ${issue.expected})`;
  }
  return formatIssue(issue, input).replace(/: (Invalid option|Too small|Too big): /, ': ');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}
