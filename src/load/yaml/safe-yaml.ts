import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { error, type Finding, type Location } from '../../findings.js';

/** A path into a parsed document: map keys and sequence indexes. */
export type YamlPath = readonly (string | number)[];

export interface ParsedYaml {
  file: string;
  value: unknown;
  /** Position of the node at `path` (or of its key with `key: true`); the nearest existing ancestor otherwise. */
  locate(path: YamlPath, opts?: { key?: boolean }): Location;
  /**
   * Let go of the document `locate` keeps (it is ~40 times the text: 10 MB for a 256 KiB file of
   * short keys); a later `locate` parses again. For a caller that has placed a batch of findings.
   */
  forgetPositions(): void;
}

export type ParseResult = { ok: true; parsed: ParsedYaml } | { ok: false; findings: Finding[] };

/** Deeper than this is refused: no release file needs it, and it keeps recursion bounded. */
const MAX_DEPTH = 64;

/**
 * Parse one plain YAML document under the rules of SPEC §2 "Safe reading": core schema pinned
 * (a `%YAML 1.1` directive does not bring back `yes`/`no` booleans), unique string keys, and no
 * aliases, anchors, explicit tags or merge keys. Never throws; problems become `yaml.invalid`.
 */
export async function parseYaml(text: string, file: string): Promise<ParseResult> {
  // A byte-order mark is harmless; editors on Windows add one.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let parsed: { doc: Document.Parsed; lineCounter: LineCounter };
  try {
    parsed = parse(text);
  } catch {
    // The parser recurses; pathological nesting can exhaust the stack.
    return {
      ok: false,
      findings: [
        error('yaml.invalid', 'not valid YAML: the parser gave up (nested too deeply?)', { file, line: 1, column: 1 }),
      ],
    };
  }
  const { doc } = parsed;
  const at = positionIn(file, parsed.lineCounter);
  const findings: Finding[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    findings.push(error('yaml.invalid', describeYamlError(e.code, e.message), at(e.pos[0])));
  }
  if (findings.length > 0) return { ok: false, findings: emptyCollectionCause(dedupe(findings), text, file) };
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    return {
      ok: false,
      findings: [error('yaml.invalid', 'the file is empty; expected one YAML mapping', { file, line: 1, column: 1 })],
    };
  }

  const problems: Finding[] = [];
  const value = toPlain(doc.contents, 0, (msg, node) => {
    if (problems.length < 20) problems.push(error('yaml.invalid', msg, at(node?.range?.[0])));
  });
  if (problems.length > 0) return { ok: false, findings: problems };

  // The document is not kept: a release may hold thousands of files and findings are rare, so
  // positions are found by parsing the text again, once, when the first finding asks for one.
  let again: { doc: Document.Parsed; lineCounter: LineCounter } | undefined;
  return {
    ok: true,
    parsed: {
      file,
      value,
      locate: (path, opts) => {
        again ??= parse(text);
        return positionIn(file, again.lineCounter)(offsetOf(again.doc, path, opts?.key ?? false));
      },
      forgetPositions: () => (again = undefined),
    },
  };
}

function parse(text: string): { doc: Document.Parsed; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  // uniqueKeys off: yaml's own check compares each key with every earlier one of its mapping
  // (quadratic); toPlain finds duplicates with a Set instead.
  const doc = parseDocument(text, {
    version: '1.2',
    schema: 'core',
    merge: false,
    uniqueKeys: false,
    strict: true,
    prettyErrors: false,
    lineCounter,
  });
  return { doc, lineCounter };
}

function positionIn(file: string, lineCounter: LineCounter): (offset: number | undefined) => Location {
  return (offset) => {
    if (offset === undefined) return { file };
    const p = lineCounter.linePos(offset);
    return { file, line: p.line, column: p.col };
  };
}

function describeYamlError(code: string, message: string): string {
  switch (code) {
    case 'MULTIPLE_DOCS':
      return 'several YAML documents; expected exactly one';
    case 'TAG_RESOLVE_FAILED':
      return 'explicit tags are not allowed';
    default:
      // yaml's own messages name the problem without quoting the file (prettyErrors is off).
      return `not valid YAML: ${message.split('\n')[0]}`;
  }
}

/**
 * Entries under a key whose line ends with `[]` or `{}` (say, a template's `internal: []` with the
 * example below it uncommented) make the parser report the entries' line in its own words, never the
 * `[]`. Such errors become one finding at the line with the empty collection, saying what to remove.
 */
function emptyCollectionCause(findings: Finding[], text: string, file: string): Finding[] {
  const lines = text.split(/\r?\n/);
  const causes = new Set<number>();
  const out: Finding[] = [];
  for (const f of findings) {
    let n = (f.line ?? 1) - 2; // the line before, 0-based
    while (n >= 0 && /^\s*(?:#.*)?$/.test(lines[n])) n--;
    const m = n >= 0 ? /:\s*(\[\]|\{\})\s*(?:#.*)?$/.exec(lines[n]) : null;
    if (!m) {
      out.push(f);
      continue;
    }
    if (causes.has(n)) continue;
    causes.add(n);
    const what = m[1] === '[]' ? 'an empty list' : 'an empty mapping';
    out.push(
      error(
        'yaml.invalid',
        `not valid YAML: line ${n + 1} ends with \`${m[1]}\` (${what}), so nothing may follow under it: remove the \`${m[1]}\` to start the ${m[1] === '[]' ? 'list' : 'mapping'} below`,
        { file, line: n + 1, column: lines[n].lastIndexOf(m[1]) + 1 },
      ),
    );
  }
  return out;
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.line}:${f.column}:${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const DUPLICATE_KEY = 'duplicate key: each key may appear once in a mapping';

type Report = (message: string, node: Node | null | undefined) => void;

/** Convert the document to plain data, refusing every construct safe reading forbids. */
function toPlain(node: unknown, depth: number, report: Report): unknown {
  if (depth > MAX_DEPTH) {
    report(`nested deeper than ${MAX_DEPTH} levels`, node as Node);
    return null;
  }
  if (isAlias(node)) {
    report('aliases (*name) are not allowed; write the value out', node);
    return null;
  }
  const n = node as Node;
  if (n && (n as { anchor?: string }).anchor) report('anchors (&name) are not allowed', n);
  if (n && (n as { tag?: string }).tag) report('explicit tags (!tag) are not allowed', n);
  if (isScalar(node)) return node.value;
  if (isSeq(node)) return node.items.map((item) => toPlain(item, depth + 1, report));
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    const seen = new Set<string>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = pair.key;
      if (isAlias(key)) {
        report('aliases (*name) are not allowed; write the value out', key);
        continue;
      }
      if (!isScalar(key) || typeof key.value !== 'string') {
        report('keys must be plain strings', key as Node);
        continue;
      }
      if ((key as { anchor?: string }).anchor) report('anchors (&name) are not allowed', key);
      if (key.tag) report('explicit tags (!tag) are not allowed', key);
      if (key.value === '<<') report('merge keys (<<) are not allowed', key);
      if (seen.has(key.value)) {
        report(DUPLICATE_KEY, key);
        continue;
      }
      seen.add(key.value);
      const value = toPlain(pair.value, depth + 1, report);
      // A key named __proto__ must stay an ordinary own property, not replace the prototype;
      // every other key takes the fast path.
      if (key.value === '__proto__')
        Object.defineProperty(out, key.value, { value, enumerable: true, writable: true, configurable: true });
      else out[key.value] = value;
    }
    return out;
  }
  report('unsupported YAML node', n);
  return null;
}

/** Offset of the node at `path`, or of the nearest ancestor that exists. */
function offsetOf(doc: Document.Parsed, path: YamlPath, key: boolean): number | undefined {
  let node: unknown = doc.contents;
  let best = (node as Node | null)?.range?.[0];
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === seg);
      if (!pair) return best;
      const keyNode = pair.key as Node;
      if (last && key) return keyNode.range?.[0];
      node = pair.value ?? keyNode;
      best = (node as Node).range?.[0] ?? keyNode.range?.[0] ?? best;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) return best;
      node = item;
      best = item.range?.[0] ?? best;
    } else {
      return best;
    }
  }
  return best;
}
