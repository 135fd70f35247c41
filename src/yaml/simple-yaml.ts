/**
 * A reader for the plain subset of YAML that release files are written in: block mappings and
 * sequences, one-line flow collections, one-line scalars. It exists for speed: a cold process reads
 * a release's files several times faster with it than with the general `yaml` package, which then
 * is not even loaded. Anything outside the subset, valid or not, is not judged here: the reader
 * answers `undefined` and the caller parses the text with `yaml` under the full safe-reading rules.
 *
 * The contract, checked by a differential test against the full path: whenever this reader
 * returns a document, the full path accepts the same text and yields the same value and the same
 * position for every node and key. So it may only return what it fully understands.
 */

/**
 * Where a node starts, as an offset into the text: a scalar is that offset alone; a mapping also
 * holds, in its keys' order, where each key starts and each value's node; a sequence each item's.
 * (Arrays rather than a Map and an object per entry: this is built for every node of every file.)
 */
export type NodeAt = number | { kind: 'map'; at: number; keys: string[]; keyAts: number[]; nodes: NodeAt[] } | { kind: 'seq'; at: number; items: NodeAt[] };

export interface SimpleDocument {
  value: unknown;
  root: NodeAt;
}

/** Thrown inside the reader when the text leaves the subset; never escapes it. */
class OutsideSubset {}
const OUTSIDE = new OutsideSubset();
function outside(): never {
  throw OUTSIDE;
}

/** Below the full path's limit (64, flow entries one deeper): at the limit, the full path decides. */
const MAX_DEPTH = 60;
/** YAML caps an implicit key at 1024 characters; stay well inside. */
const MAX_KEY = 1000;
/** A key the reader takes as plain text (and then only if it resolves to a string). */
const KEY = /[A-Za-z0-9_][A-Za-z0-9_.\-/+$]*/y;
const NOT_PLAIN_ASCII = /[^\n\x20-\x7e]/;
/** A plain scalar in a flow collection runs up to the next flow indicator (or the line's end). */
const FLOW_PLAIN = /[^,[\]{}\n]*/y;
/**
 * By character code, bit 1: an indicator that cannot start a plain scalar (`,[]{}#&*!|>'"%@` and the
 * backquote); bit 2: a flow indicator (`,[]{}`), which ends one in a flow collection.
 */
const INDICATOR = new Uint8Array(128);
for (const c of ',[]{}#&*!|>\'"%@`') INDICATOR[c.charCodeAt(0)] = 1;
for (const c of ',[]{}') INDICATOR[c.charCodeAt(0)] |= 2;

interface Line {
  /** Offset of the first non-space character. */
  start: number;
  /** Offset just past the last character (the newline is not part of the line). */
  end: number;
  indent: number;
}

/** Parse `text` if it is in the subset; `undefined` otherwise (including when it is invalid). */
export function parseSimpleYaml(text: string): SimpleDocument | undefined {
  try {
    const r = reader(text);
    const first = r.lines[0];
    if (first === undefined) outside(); // empty: the full path explains
    const value = block(r, first.indent, 0);
    if (r.i < r.lines.length) outside();
    if (typeof r.node === 'number' || r.node.kind !== 'map') outside();
    return { value, root: r.node };
  } catch (e) {
    if (e === OUTSIDE) return undefined;
    throw e;
  }
}

// The reader is a state record and plain functions rather than a class: V8 compiles class methods
// only at their first call, after a pre-parse at load, while the Action's build has these
// functions compiled once, when the bundle loads (see scripts/eager-functions.mjs).
interface Reader {
  readonly text: string;
  readonly lines: Line[];
  /** The current line. */
  i: number;
  /** Where the last inline value read ended (plain, quoted and flow set it). */
  end: number;
  /** The node of the value the last reading function returned. */
  node: NodeAt;
}

function reader(text: string): Reader {
  // Printable ASCII only, comments included: tabs, carriage returns (a line break of their own
  // in YAML), control and non-ASCII characters all have rules of their own. (Scanning with
  // regexes and indexOf rather than a loop per character: this runs cold, once per file.)
  if (NOT_PLAIN_ASCII.test(text)) outside();
  const lines: Line[] = [];
  for (let lineStart = 0; lineStart < text.length; ) {
    let nl = text.indexOf('\n', lineStart);
    if (nl < 0) nl = text.length;
    let p = lineStart;
    while (p < nl && text.charCodeAt(p) === 32) p++;
    const c = text.charCodeAt(p);
    if (p < nl && c !== 35) {
      // Directives and document markers: the full path.
      if (p === lineStart && (c === 37 || text.startsWith('---', p) || text.startsWith('...', p))) outside();
      lines.push({ start: p, end: nl, indent: p - lineStart });
    }
    lineStart = nl + 1;
  }
  return { text, lines, i: 0, end: 0, node: 0 };
}

/** The block node whose first line is the current one, at that line's indent: its value; its node in `r.node`. */
function block(r: Reader, indent: number, depth: number): unknown {
  if (depth > MAX_DEPTH) outside();
  const line = r.lines[r.i]!;
  if (isSeqEntry(r.text, line.start, line.end)) return sequence(r, indent, depth);
  if (keyAt(r.text, line.start, line.end) < 0) outside(); // a bare scalar on its own line, or a key form left to the full path
  return mapping(r, indent, line.start, depth);
}

function isSeqEntry(t: string, p: number, end: number): boolean {
  return t.charCodeAt(p) === 45 && (p + 1 === end || t.charCodeAt(p + 1) === 32);
}

/** If a plain key followed by `:` and a space (or the line's end) starts at `p`: the colon's offset. */
function keyAt(t: string, p: number, end: number): number {
  KEY.lastIndex = p;
  if (!KEY.test(t)) return -1;
  const colon = KEY.lastIndex;
  if (colon >= end || t.charCodeAt(colon) !== 58) return -1;
  if (colon + 1 < end && t.charCodeAt(colon + 1) !== 32) return -1;
  return colon;
}

/** A key's text, if the reader may take it: a string under the core schema, within the size limit. */
function key(t: string, p: number, colon: number): string {
  const k = t.slice(p, colon);
  if (k.length > MAX_KEY) outside();
  if (!isText(t.charCodeAt(p)) && typeof resolvePlain(k) !== 'string') outside();
  return k;
}

/**
 * Whether a plain scalar starting with character code `c` is text whatever follows: a letter, but
 * none of the first letters of null, true and false (the only other words the core schema knows).
 */
function isText(c: number): boolean {
  const l = c | 32;
  return l >= 97 && l <= 122 && l !== 110 && l !== 116 && l !== 102;
}

/**
 * A block mapping whose keys sit at column `indent`; its first key starts at `first` (on the
 * current line, possibly after a sequence entry's `- `).
 */
function mapping(r: Reader, indent: number, first: number, depth: number): unknown {
  const t = r.text;
  const value: Record<string, unknown> = {};
  const keys: string[] = [];
  const keyAts: number[] = [];
  const nodes: NodeAt[] = [];
  let p = first;
  for (;;) {
    const line = r.lines[r.i]!;
    const colon = keyAt(t, p, line.end);
    if (colon < 0) outside();
    const k = key(t, p, colon);
    if (Object.hasOwn(value, k)) outside(); // duplicate: the full path reports it
    setOwn(value, k, valueAfter(r, colon + 1, line.end, indent, depth + 1));
    keys.push(k);
    keyAts.push(p);
    nodes.push(r.node);
    const next = r.lines[r.i];
    if (next === undefined || next.indent < indent) break;
    if (next.indent > indent) outside();
    if (isSeqEntry(t, next.start, next.end)) {
      // A sequence at the key's own indent belongs to the key before it (handled in valueAfter);
      // here it would follow a mapping entry that already has a value.
      outside();
    }
    p = next.start;
  }
  r.node = { kind: 'map', at: first, keys, keyAts, nodes };
  return value;
}

/** A block sequence whose `-` entries sit at column `indent`. */
function sequence(r: Reader, indent: number, depth: number): unknown {
  const t = r.text;
  const value: unknown[] = [];
  const items: NodeAt[] = [];
  const at = r.lines[r.i]!.start;
  for (;;) {
    const line = r.lines[r.i]!;
    let p = line.start + 1;
    while (p < line.end && t.charCodeAt(p) === 32) p++;
    let child: unknown;
    if (p === line.end || t.charCodeAt(p) === 35) {
      // Nothing after the dash: the entry is the block on the following, deeper lines.
      r.i++;
      const next = r.lines[r.i];
      if (next === undefined || next.indent <= indent) outside(); // an empty entry (null)
      child = block(r, next.indent, depth + 1);
    } else if (keyAt(t, p, line.end) >= 0) {
      // `- key: value`: a mapping whose keys align with this first one.
      child = mapping(r, indent + (p - line.start), p, depth + 1);
    } else {
      if (isSeqEntry(t, p, line.end)) outside(); // `- - x`
      child = inlineThenNewline(r, p, line.end, indent, depth + 1);
    }
    value.push(child);
    items.push(r.node);
    const next = r.lines[r.i];
    if (next === undefined || next.indent < indent) break;
    if (next.indent > indent) outside();
    if (!isSeqEntry(t, next.start, next.end)) break; // the parent mapping's next key
  }
  r.node = { kind: 'seq', at, items };
  return value;
}

/**
 * The value of a mapping key whose colon ends at `p` on the current line: an inline value, or a
 * block on the following lines (deeper, or a sequence at the key's own indent).
 */
function valueAfter(r: Reader, p: number, end: number, indent: number, depth: number): unknown {
  const t = r.text;
  while (p < end && t.charCodeAt(p) === 32) p++;
  if (p < end && t.charCodeAt(p) !== 35) return inlineThenNewline(r, p, end, indent, depth);
  // Nothing but a comment on this line: the value is the block that follows.
  r.i++;
  const next = r.lines[r.i];
  if (next !== undefined && (next.indent > indent || (next.indent === indent && isSeqEntry(t, next.start, next.end)))) {
    return block(r, next.indent, depth);
  }
  outside(); // an empty value (null): its position rules are the full path's
}

/** An inline value at `p`, after which the current line must end and no deeper line follow. */
function inlineThenNewline(r: Reader, p: number, end: number, indent: number, depth: number): unknown {
  if (depth > MAX_DEPTH) outside();
  const t = r.text;
  const c = t.charCodeAt(p);
  let value: unknown;
  if (c === 91 || c === 123) value = flow(r, p, end);
  else if (c === 34 || c === 39) value = quoted(r, p, end);
  else {
    const raw = plain(r, p, end, false);
    value = isText(c) ? raw : resolvePlain(raw);
    r.node = p;
  }
  // After a value only spaces and a comment may follow.
  let q = r.end;
  while (q < end && t.charCodeAt(q) === 32) q++;
  if (q < end && (t.charCodeAt(q) !== 35 || q === r.end)) outside();
  r.i++;
  const next = r.lines[r.i];
  if (next !== undefined && next.indent > indent) outside(); // a multi-line scalar, or invalid
  return value;
}

/**
 * A plain scalar at `p`. In block context it runs to the line's end or a ` #` comment; in flow
 * context also to `,`, `]` or `}`. Returns the text (without trailing spaces); sets `r.end`.
 */
function plain(r: Reader, p: number, end: number, inFlow: boolean): string {
  const t = r.text;
  const c = t.charCodeAt(p);
  const next = p + 1 < end ? t.charCodeAt(p + 1) : -1;
  // Indicators cannot start a plain scalar; `-`, `?` and `:` can, when a safe character follows.
  if (INDICATOR[c]! & 1) outside();
  if ((c === 45 || c === 63 || c === 58) && (next === -1 || next === 32 || (inFlow && INDICATOR[next]! & 2))) outside();
  let stop = end;
  if (inFlow) {
    FLOW_PLAIN.lastIndex = p;
    FLOW_PLAIN.test(t);
    stop = Math.min(FLOW_PLAIN.lastIndex, end);
    if (stop < end && (t.charCodeAt(stop) === 91 || t.charCodeAt(stop) === 123)) outside();
  }
  let raw = t.slice(p, stop);
  const hash = raw.indexOf(' #');
  if (hash >= 0) {
    if (inFlow) outside(); // a comment inside an open flow collection
    raw = raw.slice(0, hash);
  }
  raw = raw.trimEnd();
  // `: ` (or a final `:`) would make it a mapping key: not a scalar.
  if (raw.includes(': ') || raw.endsWith(':')) outside();
  r.end = p + raw.length;
  return raw;
}

/** A quoted scalar on one line: `'…'` with `''` for a quote, or `"…"` with only `\"` and `\\`. Sets `r.end`. */
function quoted(r: Reader, p: number, end: number): unknown {
  const t = r.text;
  const quote = t.charCodeAt(p);
  let out = '';
  let from = p + 1;
  for (let q = p + 1; q < end; q++) {
    const c = t.charCodeAt(q);
    if (quote === 39 && c === 39) {
      if (t.charCodeAt(q + 1) === 39 && q + 1 < end) {
        out += t.slice(from, q + 1);
        from = ++q + 1;
        continue;
      }
    } else if (quote === 34 && c === 92) {
      const e = t.charCodeAt(q + 1);
      if (q + 1 >= end || (e !== 34 && e !== 92)) outside();
      out += t.slice(from, q) + t[q + 1];
      from = ++q + 1;
      continue;
    } else if (c !== quote) continue;
    out += t.slice(from, q);
    // A quoted key (`"a": b`) is left to the full path.
    let s = q + 1;
    while (s < end && t.charCodeAt(s) === 32) s++;
    if (s < end && t.charCodeAt(s) === 58) outside();
    r.end = q + 1;
    r.node = p;
    return out;
  }
  outside(); // not closed on this line
}

/** A flow collection closed on the same line; entries are scalars, mapping keys are plain. Sets `r.end`. */
function flow(r: Reader, p: number, end: number): unknown {
  const t = r.text;
  const isMap = t.charCodeAt(p) === 123;
  const close = isMap ? 125 : 93;
  const seqValue: unknown[] = [];
  const items: NodeAt[] = [];
  const mapValue: Record<string, unknown> = {};
  const keys: string[] = [];
  const keyAts: number[] = [];
  let q = skipSpaces(t, p + 1, end);
  if (t.charCodeAt(q) === close && q < end) {
    r.end = q + 1;
    r.node = isMap ? { kind: 'map', at: p, keys, keyAts, nodes: items } : { kind: 'seq', at: p, items };
    return isMap ? mapValue : seqValue;
  }
  for (;;) {
    if (q >= end) outside();
    let kAt = -1;
    let k = '';
    if (isMap) {
      kAt = q;
      const colon = keyAt(t, q, end);
      if (colon < 0 || colon + 1 >= end) outside();
      k = key(t, q, colon);
      if (Object.hasOwn(mapValue, k)) outside();
      q = skipSpaces(t, colon + 1, end);
    }
    const c = t.charCodeAt(q);
    let item: unknown;
    if (q >= end || c === 44 || c === close) outside(); // an empty entry or value
    if (c === 34 || c === 39) item = quoted(r, q, end);
    else if (c === 91 || c === 123) outside(); // nested flow collections: full path
    else item = isText(c) ? plain(r, q, end, true) : resolvePlain(plain(r, q, end, true));
    // A scalar's node is where it starts (quoted() says the same).
    items.push(q);
    if (isMap) {
      setOwn(mapValue, k, item);
      keys.push(k);
      keyAts.push(kAt);
    } else seqValue.push(item);
    q = skipSpaces(t, r.end, end);
    const sep = t.charCodeAt(q);
    if (q < end && sep === close) {
      r.end = q + 1;
      r.node = isMap ? { kind: 'map', at: p, keys, keyAts, nodes: items } : { kind: 'seq', at: p, items };
      return isMap ? mapValue : seqValue;
    }
    if (q >= end || sep !== 44) outside();
    q = skipSpaces(t, q + 1, end);
    if (t.charCodeAt(q) === close) outside(); // a trailing comma
  }
}

function skipSpaces(t: string, p: number, end: number): number {
  while (p < end && t.charCodeAt(p) === 32) p++;
  return p;
}

/** A key named __proto__ stays an ordinary own property, as on the full path. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** The YAML 1.2 core schema's resolution of a plain scalar (tag resolution in spec §10.3.2). */
export function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0);
  // Only scalars starting with a digit, a sign or a dot can be numbers; of the rest only these
  // few words are not strings. (No regexes on the common paths: each costs a cold process a
  // compilation.)
  const numeric = (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
  if (!numeric) {
    switch (s) {
      case '':
      case '~':
      case 'null':
      case 'Null':
      case 'NULL':
        return null;
      case 'true':
      case 'True':
      case 'TRUE':
        return true;
      case 'false':
      case 'False':
      case 'FALSE':
        return false;
      default:
        return s;
    }
  }
  // A number has a sign only in front or right after its exponent's e: a date, a version or a
  // range with one anywhere else is text.
  for (let i = 1; i < s.length; i++) {
    const d = s.charCodeAt(i);
    if ((d === 45 || d === 43) && (s.charCodeAt(i - 1) | 32) !== 101) return s;
  }
  // Decimal numbers, the only kind release files hold, without a regex (each costs a cold process a
  // compilation); only the other forms (0o, 0x, .inf, .nan) go on to the regexes.
  const decimal = decimalKind(s);
  if (decimal === 1) return parseInt(s, 10);
  if (decimal === 2) return parseFloat(s);
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.slice(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) return /nan$/i.test(s) ? NaN : s.startsWith('-') ? -Infinity : Infinity;
  return s;
}

/**
 * 1 if `s` is a core-schema decimal integer (`[-+]?[0-9]+`), 2 if a decimal float
 * (`[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, with a point or an exponent), else 0.
 */
function decimalKind(s: string): 0 | 1 | 2 {
  const n = s.length;
  let i = 0;
  let c = s.charCodeAt(0);
  if (c === 43 || c === 45) c = s.charCodeAt(++i);
  const intStart = i;
  while (c >= 48 && c <= 57) c = s.charCodeAt(++i);
  const intDigits = i - intStart;
  if (i === n) return intDigits > 0 ? 1 : 0;
  let fracDigits = 0;
  const point = c === 46;
  if (point) {
    c = s.charCodeAt(++i);
    const fracStart = i;
    while (c >= 48 && c <= 57) c = s.charCodeAt(++i);
    fracDigits = i - fracStart;
  }
  if (intDigits === 0 && fracDigits === 0) return 0;
  if (i === n) return point ? 2 : 0;
  if (c !== 101 && c !== 69) return 0;
  c = s.charCodeAt(++i);
  if (c === 43 || c === 45) c = s.charCodeAt(++i);
  const expStart = i;
  while (c >= 48 && c <= 57) c = s.charCodeAt(++i);
  return i === n && i > expStart ? 2 : 0;
}
