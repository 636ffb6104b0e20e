/**
 * The JSON Schema of a fund config file, generated from the zod schema the code validates with
 * (`z.toJSONSchema`, the input side: defaults are optional), with each field's description from
 * {@link FUND_CONFIG_FIELDS} and a `$comment` key admitted in every object. Shipped as
 * config/fund-config.schema.json (`npm run schema` regenerates it; a test fails when it is stale),
 * so an editor completes and checks a fund config while it is written.
 */
import { z } from 'zod';
import { FundConfigSchema } from './fund-config.ts';
import { COMMENT_KEY } from './fund-config-document.ts';
import { FUND_CONFIG_FIELDS } from './fund-config-fields.ts';

/** Where the schema is shipped, relative to the repository root. */
export const FUND_CONFIG_SCHEMA_FILE = 'config/fund-config.schema.json';

/** A node of a JSON Schema document (the subset the generator reads). */
export interface JsonSchemaNode {
  type?: string | string[];
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
  additionalProperties?: boolean | JsonSchemaNode;
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  [key: string]: unknown;
}

/** One field of the config as the docs list it. */
export interface ConfigField {
  /** `markets[].volSource[][atm-options].venue` (see {@link FUND_CONFIG_FIELDS}). */
  readonly path: string;
  readonly node: JsonSchemaNode;
  /** Required in its object (and without a default). */
  readonly required: boolean;
}

/** The branch label of a union member: its `type` (or `kind`) constant, if it has one. */
function branchTag(node: JsonSchemaNode): string | undefined {
  const tag = node.properties?.type?.const ?? node.properties?.kind?.const;
  return typeof tag === 'string' ? tag : undefined;
}

/** Where a field's description lives: a `sum`'s sources share those of the single sources. */
function docPath(path: string): string {
  const prefix = 'balance[sum].sources[]';
  return path.startsWith(prefix) ? `balance${path.slice(prefix.length)}` : path;
}

/**
 * Every field of the schema in document order, each path once (union branches without a `type`
 * tag share their field paths; the sources of a `sum` balance are listed once, as `balance[kind]`).
 */
export function configFields(root: JsonSchemaNode): ConfigField[] {
  const seen = new Set<string>();
  const fields: ConfigField[] = [];
  const walk = (node: JsonSchemaNode, path: string): void => {
    for (const branch of [...(node.anyOf ?? []), ...(node.oneOf ?? [])]) {
      const tag = branchTag(branch);
      walk(branch, tag === undefined ? path : `${path}[${tag}]`);
    }
    if (node.items !== undefined) walk(node.items, `${path}[]`);
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (key === COMMENT_KEY) continue;
      const childPath = path === '' ? key : `${path}.${key}`;
      const listed = docPath(childPath);
      if (!seen.has(listed)) {
        seen.add(listed);
        fields.push({ path: listed, node: child, required: (node.required ?? []).includes(key) });
      }
      walk(child, childPath);
    }
  };
  walk(root, '');
  return fields;
}

/** Adds descriptions and the `$comment` key to every object of the generated schema, in place. */
function annotate(node: JsonSchemaNode, path: string): void {
  for (const branch of [...(node.anyOf ?? []), ...(node.oneOf ?? [])]) {
    const tag = branchTag(branch);
    annotate(branch, tag === undefined ? path : `${path}[${tag}]`);
  }
  if (node.items !== undefined) annotate(node.items, `${path}[]`);
  if (node.properties === undefined) return;
  for (const [key, child] of Object.entries(node.properties)) {
    const childPath = path === '' ? key : `${path}.${key}`;
    const doc = FUND_CONFIG_FIELDS[docPath(childPath)];
    if (doc !== undefined) {
      child.description = doc.text;
      if (doc.example !== undefined) child.examples = [doc.example];
    }
    annotate(child, childPath);
  }
  if (node.additionalProperties === false) {
    node.properties[COMMENT_KEY] = { type: 'string', description: 'A note for people; Backstop ignores it.' };
  }
}

/** The JSON Schema of a fund config file, as shipped in {@link FUND_CONFIG_SCHEMA_FILE}. */
export function fundConfigJsonSchema(): JsonSchemaNode {
  const schema = z.toJSONSchema(FundConfigSchema, { io: 'input' }) as JsonSchemaNode;
  annotate(schema, '');
  return {
    $schema: schema.$schema,
    title: 'Backstop fund config',
    description:
      'One insurance fund: its balance source, markets, model, alerts and schedule. Generated from the code by `npm run schema`; the fields are explained in docs/CONFIG.md.',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}

/** The shipped file's text: the schema as two-space JSON with a final newline. */
export function fundConfigJsonSchemaText(): string {
  return `${JSON.stringify(fundConfigJsonSchema(), null, 2)}\n`;
}
