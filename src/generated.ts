import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { indexPack } from './policy.js';
import { parseAndValidate } from './read-yaml.js';
import { isIsoDate } from './dates.js';
import { renderFastValidators } from './schemas/fast-codegen.js';
import { SCHEMAS, type Pack } from './schemas/index.js';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; items?: JsonSchema; anyOf?: JsonSchema[]; additionalProperties?: unknown };

/**
 * JSON Schema of one file kind, generated from its zod schema (what `asl-gate schema` prints).
 *
 * The general schema holds for every pack, so it cannot list level, standard, threshold or
 * safeguard names (a lab's own pack has others): descriptions name the built-in pack's. Given a
 * pack, the schema is narrowed to it: those names become enums, so an editor flags `ASL3` or a
 * mistyped threshold id as the CLI would.
 */
export function jsonSchemaOf(kind: keyof typeof SCHEMAS, pack?: Pack): string {
  const schema = z.toJSONSchema(SCHEMAS[kind], { target: 'draft-2020-12', unrepresentable: 'any' }) as JsonSchema;
  const $id = pack ? `urn:asl-gate:schema:${kind}:${pack.id}` : `urn:asl-gate:schema:${kind}`;
  const title = pack ? `asl-gate ${kind} (${pack.id})` : `asl-gate ${kind}`;
  const { $schema, ...rest } = schema;
  if (pack) narrowToPack(kind, rest, pack);
  return `${JSON.stringify({ $schema, $id, title, ...rest }, null, 2)}\n`;
}

/** The pack-specific names of a file kind, as enums (see jsonSchemaOf). */
function narrowToPack(kind: keyof typeof SCHEMAS, schema: JsonSchema, pack: Pack): void {
  const prop = (s: JsonSchema | undefined, ...keys: string[]): JsonSchema => {
    let at = s!;
    for (const k of keys) {
      at = k === '[]' ? at.items! : at.properties![k]!;
      const nonNull = at.anyOf?.find((a) => a.type !== 'null');
      if (nonNull) at = nonNull;
    }
    return at;
  };
  const levels = { enum: [...pack.levels] };
  const thresholdIds = pack.thresholds.map((t) => t.id);
  if (kind === 'declaration') {
    prop(schema, 'policy').const = pack.id;
    const declared = prop(schema, 'declared');
    declared.properties = {
      ...Object.fromEntries(pack.standards.map((s) => [s, { ...levels, description: `The declared ${s} level` }])),
      basis: { enum: ['determined', 'precautionary'], description: 'How the level was determined (optional)' },
    };
    declared.required = [...pack.standards];
    declared.additionalProperties = false;
    prop(schema, 'thresholds', '[]', 'id').enum = thresholdIds;
    prop(schema, 'safeguards', '[]', 'id').enum = pack.safeguards.map((g) => g.id);
    prop(schema, 'reports', 'safeguards').propertyNames = { enum: [...pack.standards] };
  } else if (kind === 'assessment') {
    prop(schema, 'thresholds', '[]').enum = thresholdIds;
    prop(schema, 'result').propertyNames = { enum: thresholdIds };
  } else if (kind === 'config') {
    prop(schema, 'approval', 'from_level').enum = [...pack.levels];
  }
}

/**
 * Every generated file of the repository, keyed by path: the JSON Schemas under schema/ and the
 * built-in packs embedded as text (so the bundled Action needs no asset files).
 */
export async function renderGenerated(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const kind of Object.keys(SCHEMAS) as Array<keyof typeof SCHEMAS>) out[`schema/${kind}.schema.json`] = jsonSchemaOf(kind);
  out['src/schemas/fast.generated.ts'] = renderFastValidators(
    { declaration: SCHEMAS.declaration, assessment: SCHEMAS.assessment, config: SCHEMAS.config, pack: SCHEMAS.pack },
    { source: 'src/schemas/index.ts', refinements: [{ fn: isIsoDate, name: 'isIsoDate', from: '../dates.js' }] },
  );
  const packs: Record<string, unknown> = {};
  for (const name of readdirSync(join(root, 'packs')).filter((n) => n.endsWith('.yml')).sort()) {
    // Parsed and checked here, once, with the same safe reader, schema and cross-checks as a
    // repository's own pack, so the CLI and the Action do neither for the built-in pack at start.
    const file = `packs/${name}`;
    const loaded = await parseAndValidate(readFileSync(join(root, file), 'utf8'), file, 'pack');
    const indexed = loaded.ok ? indexPack(loaded) : loaded;
    if (!indexed.ok) throw new Error(`${file} is invalid: ${indexed.findings.map((f) => `${f.line}:${f.column} ${f.message}`).join('; ')}`);
    packs[indexed.index.pack.id] = indexed.index.pack;
  }
  // Narrowed to each built-in pack (see jsonSchemaOf); a pack file itself has no pack-specific form.
  for (const pack of Object.values(packs) as Pack[]) {
    for (const kind of ['declaration', 'assessment', 'config'] as const) out[`schema/${pack.id}/${kind}.schema.json`] = jsonSchemaOf(kind, pack);
  }
  // The version `asl-gate --version` prints: a constant, so the bundle reads no package.json at run time.
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  out['src/cli/version.generated.ts'] = `// Generated by \`npm run generate\` from package.json. Do not edit.\nexport const VERSION = ${JSON.stringify(version)};\n`;
  out['src/packs/builtin.generated.ts'] =
    '// Generated by `npm run generate` from packs/*.yml (parsed, validated and cross-checked). Do not edit.\n' +
    "import type { Pack } from '../schemas/index.js';\n\n" +
    `export const BUILTIN_PACKS: Readonly<Record<string, Pack>> = ${JSON.stringify(packs, null, 2)};\n`;
  return out;
}
