/**
 * `npm run schema`: regenerates what is derived from the fund-config schema — the JSON Schema
 * config/fund-config.schema.json, and in docs/CONFIG.md the starter config and the field reference
 * (between their `<!-- generated:… -->` markers). `--check` writes nothing and exits 1 naming the
 * stale files; test/unit/config/fund-config-schema.test.ts runs the same comparison, so whoever
 * changes the schema is told to run this.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  FUND_CONFIG_SCHEMA_FILE,
  fundConfigJsonSchemaText,
} from '../lambda/config/fund-config-json-schema.ts';
import { fundConfigReferenceMarkdown } from '../lambda/config/fund-config-reference.ts';
import { starterFundConfigText } from '../lambda/config/starter-config.ts';

/** The config reference doc, relative to the repository root. */
export const CONFIG_DOC = 'docs/CONFIG.md';

const ROOT = join(import.meta.dirname, '..');

/** Replaces the text between `<!-- generated:name -->` and `<!-- /generated:name -->`. */
function fill(doc: string, name: string, body: string): string {
  const start = `<!-- generated:${name} -->`;
  const end = `<!-- /generated:${name} -->`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i < 0 || j < i) throw new Error(`${CONFIG_DOC}: markers ${start} … ${end} missing`);
  return `${doc.slice(0, i + start.length)}\n${body.trimEnd()}\n${doc.slice(j)}`;
}

/** Each generated file with its current and expected text. */
export async function generatedFiles(
  root = ROOT,
): Promise<{ path: string; actual: string; expected: string }[]> {
  const read = (p: string) => readFile(join(root, p), 'utf8').catch(() => '');
  const doc = await read(CONFIG_DOC);
  const starter = `\`\`\`json\n${starterFundConfigText('../fund-config.schema.json')}\`\`\``;
  return [
    {
      path: FUND_CONFIG_SCHEMA_FILE,
      actual: await read(FUND_CONFIG_SCHEMA_FILE),
      expected: fundConfigJsonSchemaText(),
    },
    {
      path: CONFIG_DOC,
      actual: doc,
      expected: fill(fill(doc, 'starter', starter), 'fields', fundConfigReferenceMarkdown()),
    },
  ];
}

if (import.meta.main) {
  const check = process.argv.includes('--check');
  const stale = (await generatedFiles()).filter((f) => f.actual !== f.expected);
  if (check) {
    for (const f of stale) process.stderr.write(`stale: ${f.path} (run npm run schema)\n`);
    process.exit(stale.length === 0 ? 0 : 1);
  }
  for (const f of stale) {
    await writeFile(join(ROOT, f.path), f.expected);
    process.stdout.write(`wrote ${f.path}\n`);
  }
  if (stale.length === 0) process.stdout.write('up to date\n');
}
