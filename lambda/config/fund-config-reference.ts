/**
 * The field reference of docs/CONFIG.md, generated from the same JSON Schema and descriptions as
 * config/fund-config.schema.json: one table per top-level key with each field's type, default,
 * meaning and an example, so the docs list exactly the fields the code accepts.
 */
import { FUND_CONFIG_FIELDS } from './fund-config-fields.ts';
import {
  type ConfigField,
  configFields,
  fundConfigJsonSchema,
  type JsonSchemaNode,
} from './fund-config-json-schema.ts';

/** `\|` inside a table cell. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function code(value: unknown): string {
  return `\`${JSON.stringify(value)}\``;
}

/** "number > 0, ≤ 168": the type with its bounds. */
function typeLabel(node: JsonSchemaNode): string {
  if (node.const !== undefined) return code(node.const);
  if (node.enum !== undefined) return node.enum.map(code).join(' or ');
  if (node.oneOf !== undefined) return 'object, by `type`';
  if (node.anyOf !== undefined) return [...new Set(node.anyOf.map(typeLabel))].join(' or ');
  const type = Array.isArray(node.type) ? node.type.join(' or ') : (node.type ?? 'any');
  const bounds: string[] = [];
  if (typeof node.exclusiveMinimum === 'number') bounds.push(`> ${node.exclusiveMinimum}`);
  if (typeof node.minimum === 'number') bounds.push(`≥ ${node.minimum}`);
  if (typeof node.exclusiveMaximum === 'number') bounds.push(`< ${node.exclusiveMaximum}`);
  if (typeof node.maximum === 'number' && node.maximum < 1e12) bounds.push(`≤ ${node.maximum}`);
  const min = typeof node.minItems === 'number' ? node.minItems : 0;
  if (typeof node.maxItems === 'number') bounds.push(`of ${min}–${node.maxItems} items`);
  else if (min > 0) bounds.push(`of ${min}+ items`);
  return bounds.length === 0 ? type : `${type} ${bounds.join(', ')}`;
}

function defaultLabel(field: ConfigField): string {
  const doc = FUND_CONFIG_FIELDS[field.path];
  if (doc?.defaultText !== undefined) return doc.defaultText;
  if (field.node.default !== undefined) {
    const text = JSON.stringify(field.node.default);
    return text.length > 40 ? "each field's own" : `\`${text}\``;
  }
  return field.required ? '**required**' : '—';
}

function row(field: ConfigField): string {
  const doc = FUND_CONFIG_FIELDS[field.path];
  const example = doc?.example === undefined ? '' : code(doc.example);
  return `| \`${field.path}\` | ${cell(typeLabel(field.node))} | ${cell(defaultLabel(field))} | ${cell(doc?.text ?? '')} | ${cell(example)} |`;
}

/** The generated reference section of docs/CONFIG.md (Markdown, without the surrounding markers). */
export function fundConfigReferenceMarkdown(): string {
  const fields = configFields(fundConfigJsonSchema()).filter((f) => f.path !== '$schema');
  // One table per top-level key with fields inside it; the plain top-level fields share the first.
  const groups = new Map<string, ConfigField[]>([['Top-level fields', []]]);
  for (const field of fields) {
    const top = field.path.split(/[.[]/)[0]!;
    const nested = fields.some((f) => f.path !== top && f.path.split(/[.[]/)[0] === top);
    const key = nested ? `\`${top}\`` : 'Top-level fields';
    groups.set(key, [...(groups.get(key) ?? []), field]);
  }
  const out: string[] = [];
  for (const [title, group] of groups) {
    out.push(`### ${title}`, '', '| field | type | default | meaning | example |', '|---|---|---|---|---|');
    out.push(...group.map(row), '');
  }
  return out.join('\n');
}
