import { error, type Finding } from '../../findings.js';
import { closest, editDistance } from '../../suggest.js';
import type { ParsedYaml, YamlPath } from '../yaml/safe-yaml.js';
import { DATE_FORMAT_MESSAGE, SCHEMAS, type Assessment, type Config, type Declaration, type Pack } from './index.js';

/** The file kinds of SPEC §1, by the name findings and `asl-gate schema` use. */
export const FILE_KINDS = ['declaration', 'assessment', 'config', 'pack'] as const;
export type FileKind = (typeof FILE_KINDS)[number];
export interface FileData {
  declaration: Declaration;
  assessment: Assessment;
  config: Config;
  pack: Pack;
}

/** Schema findings listed per file; the rest are counted in one more. */
export const MAX_SCHEMA_FINDINGS = 50;

export type Validated<T> = { ok: true; data: T } | { ok: false; findings: Finding[] };

/** Validate parsed YAML as a file of `kind`; every issue becomes a `schema.invalid` at its node. */
export async function validate<K extends FileKind>(kind: K, parsed: ParsedYaml): Promise<Validated<FileData[K]>> {
  const result = SCHEMAS[kind].safeParse(parsed.value);
  if (result.success) return { ok: true, data: result.data as FileData[K] };
  const findings: Finding[] = [];
  // A hostile file can hold tens of thousands of problems; past a screenful nobody reads them, and
  // placing each one costs a walk of the document. Count the rest in one closing finding.
  let beyond = 0;
  const add = (make: () => Finding) => {
    if (findings.length < MAX_SCHEMA_FINDINGS) findings.push(make());
    else beyond++;
  };
  const issues = result.error.issues.map((issue) => ({
    issue,
    path: issue.path.filter((p): p is string | number => typeof p !== 'symbol'),
  }));
  // One finding per root cause. A mistyped key (`releasedate`) is reported once, as the unknown key
  // with its suggestion, not again as the required key it misspells; a value that is not a date
  // at all is not also said to be no real calendar day.
  const missingAt = new Map<string, string[]>();
  const notDates = new Set<string>();
  for (const { issue, path } of issues) {
    if (issue.code === 'invalid_type' && path.length > 0 && valueAt(parsed.value, path) === undefined) {
      const at = JSON.stringify(path.slice(0, -1));
      missingAt.set(at, [...(missingAt.get(at) ?? []), String(path.at(-1))]);
    }
    if (issue.code === 'invalid_format' && issue.message === DATE_FORMAT_MESSAGE) notDates.add(JSON.stringify(path));
  }
  const misspelt = new Set<string>();
  for (const { issue, path } of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const missing = missingAt.get(JSON.stringify(path));
    if (!missing) continue;
    const known = knownKeys(kind, parsed, path);
    for (const key of issue.keys)
      for (const required of missing)
        // Only a key close to a missing one can misspell it: a hostile file's thousands of unknown
        // keys cost one distance each, not one per known key.
        if (
          (editDistance(key, required) <= 3 || required.toLowerCase().startsWith(key.toLowerCase())) &&
          closest(key, known) === required
        )
          misspelt.add(JSON.stringify([...path, required]));
  }
  for (const { issue, path } of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(kind, parsed, path);
      for (const key of issue.keys) {
        add(() =>
          schemaError(
            parsed,
            [...path, key],
            `unknown key ${quote(key)} in ${describePath(kind, path)}${suggestion(key, known)}`,
            true,
          ),
        );
      }
      continue;
    }
    const found = valueAt(parsed.value, path);
    let message: string;
    if (issue.code === 'invalid_type' && found === undefined) {
      if (misspelt.has(JSON.stringify(path))) continue;
      message = `${describePath(kind, path.slice(0, -1))} is missing required key ${quote(String(path.at(-1)))}`;
      add(() => schemaError(parsed, path.slice(0, -1), message, false));
      continue;
    }
    if (issue.code === 'invalid_format' && issue.message === DATE_FORMAT_MESSAGE) {
      message = `${quote(String(found))} is not a YYYY-MM-DD date (e.g. 2026-11-30)`;
    } else if (issue.code === 'custom' && notDates.has(JSON.stringify(path))) {
      continue;
    } else if (issue.code === 'invalid_type' && kind === 'assessment' && path.length === 1 && path[0] === 'result') {
      message = `expected a mapping of threshold to outcome, found ${kindOf(found)}, e.g. \`result: {CBRN-4: ruled_out}\``;
    } else if (issue.code === 'invalid_type') {
      message = `expected ${EXPECTED[issue.expected] ?? issue.expected}, found ${kindOf(found)}${hintFor(issue.expected, found)}`;
    } else if (issue.code === 'invalid_value') {
      message = `expected one of ${issue.values.map((v) => quote(String(v))).join(', ')}`;
      if (typeof found === 'string') message += suggestion(found, issue.values.map(String));
    } else {
      message = issue.message;
    }
    add(() => schemaError(parsed, path, `${describePath(kind, path)}: ${message}`, false));
  }
  if (beyond > 0) {
    findings.push(
      error(
        'schema.invalid',
        `${beyond} more schema ${beyond === 1 ? 'problem' : 'problems'} in this file, not listed: fix the ones above first`,
        { file: parsed.file },
      ),
    );
  }
  // Every finding is placed: the document that placed them need not outlive this check (the file
  // failed it, so few if any findings about it follow).
  parsed.forgetPositions();
  return { ok: false, findings };
}

/** The keys the schema allows at `path` that the file does not already use: what an unknown key may misspell. */
function knownKeys(kind: FileKind, parsed: ParsedYaml, path: readonly (string | number)[]): string[] {
  const here = valueAt(parsed.value, path) ?? {};
  return keysAt(SCHEMAS[kind], path).filter((k) => !Object.hasOwn(here, k));
}

export function schemaError(parsed: ParsedYaml, path: YamlPath, message: string, key: boolean): Finding {
  return error('schema.invalid', message, parsed.locate(path, { key }));
}

export function describePath(what: string, path: readonly (string | number)[]): string {
  if (path.length === 0) return what;
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '');
}

/** The keys an object schema at `path` of `schema` allows (through optionals, nullables, lists and records). */
function keysAt(schema: unknown, path: readonly (string | number)[]): string[] {
  let def = defOf(schema);
  for (const p of path) {
    def = unwrap(def);
    if (def?.type === 'object' && typeof p === 'string') def = defOf(def.shape?.[p]);
    else if (def?.type === 'array' && typeof p === 'number') def = defOf(def.element);
    else if (def?.type === 'record') def = defOf(def.valueType);
    else return [];
  }
  def = unwrap(def);
  return def?.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}

interface SchemaDef {
  type: string;
  shape?: Record<string, unknown>;
  element?: unknown;
  valueType?: unknown;
  innerType?: unknown;
}

function defOf(schema: unknown): SchemaDef | undefined {
  return (schema as { _zod?: { def: SchemaDef } } | undefined)?._zod?.def;
}

function unwrap(def: SchemaDef | undefined): SchemaDef | undefined {
  while (def && (def.type === 'optional' || def.type === 'nullable')) def = defOf(def.innerType);
  return def;
}

/** `; did you mean "status"?` when an allowed key is a plausible typo of `key`. */
function suggestion(key: string, known: readonly string[]): string {
  const near = closest(key, known);
  return near === undefined ? '' : `; did you mean ${quote(near)}?`;
}

function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let v = value;
  for (const p of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, p)) return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${typeof v} ${String(v)}`;
  // Parsed YAML holds no other kind of value (and `found` is never undefined here).
  return typeof v;
}

/** Zod's names for the expected kinds, in the words the rest of the messages use. */
const EXPECTED: Record<string, string> = { record: 'a mapping', object: 'a mapping', array: 'a list' };

function hintFor(expected: string, found: unknown): string {
  if (expected === 'string' && (typeof found === 'number' || typeof found === 'boolean'))
    return ' (quote it to keep it as text)';
  return '';
}

export function quote(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}...` : s);
}
