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

/** Where a node (and each key of a mapping) starts, as offsets into the text. */
export type NodeAt =
  | { kind: 'map'; at: number; entries: Map<string, { keyAt: number; node: NodeAt }> }
  | { kind: 'seq'; at: number; items: NodeAt[] }
  | { kind: 'scalar'; at: number };

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
    return new Reader(text).document();
  } catch (e) {
    if (e === OUTSIDE) return undefined;
    throw e;
  }
}

class Reader {
  private readonly lines: Line[] = [];
  private i = 0;

  constructor(private readonly text: string) {
    // Printable ASCII only, comments included: tabs, carriage returns (a line break of their own
    // in YAML), control and non-ASCII characters all have rules of their own. (Scanning with
    // regexes and indexOf rather than a loop per character: this runs cold, once per file.)
    if (NOT_PLAIN_ASCII.test(text)) outside();
    for (let lineStart = 0; lineStart < text.length; ) {
      let nl = text.indexOf('\n', lineStart);
      if (nl < 0) nl = text.length;
      let p = lineStart;
      while (p < nl && text.charCodeAt(p) === 32) p++;
      const c = text.charCodeAt(p);
      if (p < nl && c !== 35) {
        // Directives and document markers: the full path.
        if (p === lineStart && (c === 37 || text.startsWith('---', p) || text.startsWith('...', p))) outside();
        this.lines.push({ start: p, end: nl, indent: p - lineStart });
      }
      lineStart = nl + 1;
    }
  }

  document(): SimpleDocument {
    const first = this.lines[0];
    if (first === undefined) outside(); // empty: the full path explains
    const doc = this.block(first.indent, 0);
    if (this.i < this.lines.length) outside();
    if (doc.root.kind !== 'map') outside();
    return doc;
  }

  /** The block node whose first line is the current one, at that line's indent. */
  private block(indent: number, depth: number): SimpleDocument {
    if (depth > MAX_DEPTH) outside();
    const line = this.lines[this.i]!;
    if (this.isSeqEntry(line.start, line.end)) return this.sequence(indent, depth);
    const keyEnd = this.keyAt(line.start, line.end);
    if (keyEnd < 0) outside(); // a bare scalar on its own line, or a key form left to the full path
    return this.mapping(indent, line.start, depth);
  }

  private isSeqEntry(p: number, end: number): boolean {
    return this.text.charCodeAt(p) === 45 && (p + 1 === end || this.text.charCodeAt(p + 1) === 32);
  }

  /** If a plain key followed by `:` and a space (or the line's end) starts at `p`: the colon's offset. */
  private keyAt(p: number, end: number): number {
    KEY.lastIndex = p;
    if (!KEY.test(this.text)) return -1;
    const colon = KEY.lastIndex;
    if (colon >= end || this.text.charCodeAt(colon) !== 58) return -1;
    if (colon + 1 < end && this.text.charCodeAt(colon + 1) !== 32) return -1;
    return colon;
  }

  /** A key's text, if the reader may take it: a string under the core schema, within the size limit. */
  private key(p: number, colon: number): string {
    const key = this.text.slice(p, colon);
    if (key.length > MAX_KEY || typeof resolvePlain(key) !== 'string') outside();
    return key;
  }

  /**
   * A block mapping whose keys sit at column `indent`; its first key starts at `first` (on the
   * current line, possibly after a sequence entry's `- `).
   */
  private mapping(indent: number, first: number, depth: number): SimpleDocument {
    const value: Record<string, unknown> = {};
    const entries = new Map<string, { keyAt: number; node: NodeAt }>();
    let p = first;
    for (;;) {
      const line = this.lines[this.i]!;
      const colon = this.keyAt(p, line.end);
      if (colon < 0) outside();
      const key = this.key(p, colon);
      if (entries.has(key)) outside(); // duplicate: the full path reports it
      const child = this.valueAfter(colon + 1, line.end, indent, depth + 1);
      setOwn(value, key, child.value);
      entries.set(key, { keyAt: p, node: child.root });
      const next = this.lines[this.i];
      if (next === undefined || next.indent < indent) break;
      if (next.indent > indent) outside();
      if (this.isSeqEntry(next.start, next.end)) {
        // A sequence at the key's own indent belongs to the key before it (handled in valueAfter);
        // here it would follow a mapping entry that already has a value.
        outside();
      }
      p = next.start;
    }
    return { value, root: { kind: 'map', at: first, entries } };
  }

  /** A block sequence whose `-` entries sit at column `indent`. */
  private sequence(indent: number, depth: number): SimpleDocument {
    const value: unknown[] = [];
    const items: NodeAt[] = [];
    const at = this.lines[this.i]!.start;
    for (;;) {
      const line = this.lines[this.i]!;
      const p = skipSpaces(this.text, line.start + 1, line.end);
      let child: SimpleDocument;
      if (p === line.end || this.text.charCodeAt(p) === 35) {
        // Nothing after the dash: the entry is the block on the following, deeper lines.
        this.i++;
        const next = this.lines[this.i];
        if (next === undefined || next.indent <= indent) outside(); // an empty entry (null)
        child = this.block(next.indent, depth + 1);
      } else if (this.keyAt(p, line.end) >= 0) {
        // `- key: value`: a mapping whose keys align with this first one.
        child = this.mapping(indent + (p - line.start), p, depth + 1);
      } else {
        if (this.isSeqEntry(p, line.end)) outside(); // `- - x`
        child = this.inlineThenNewline(p, line.end, indent, depth + 1);
      }
      value.push(child.value);
      items.push(child.root);
      const next = this.lines[this.i];
      if (next === undefined || next.indent < indent) break;
      if (next.indent > indent) outside();
      if (!this.isSeqEntry(next.start, next.end)) break; // the parent mapping's next key
    }
    return { value, root: { kind: 'seq', at, items } };
  }

  /**
   * The value of a mapping key whose colon ends at `p` on the current line: an inline value, or a
   * block on the following lines (deeper, or a sequence at the key's own indent).
   */
  private valueAfter(p: number, end: number, indent: number, depth: number): SimpleDocument {
    p = skipSpaces(this.text, p, end);
    if (p < end && this.text.charCodeAt(p) !== 35) return this.inlineThenNewline(p, end, indent, depth);
    // Nothing but a comment on this line: the value is the block that follows.
    this.i++;
    const next = this.lines[this.i];
    if (next !== undefined && (next.indent > indent || (next.indent === indent && this.isSeqEntry(next.start, next.end)))) {
      return this.block(next.indent, depth);
    }
    outside(); // an empty value (null): its position rules are the full path's
  }

  /** An inline value at `p`, after which the current line must end and no deeper line follow. */
  private inlineThenNewline(p: number, end: number, indent: number, depth: number): SimpleDocument {
    if (depth > MAX_DEPTH) outside();
    const c = this.text.charCodeAt(p);
    let r: { doc: SimpleDocument; end: number };
    if (c === 91 || c === 123) r = this.flow(p, end);
    else if (c === 34 || c === 39) r = this.quoted(p, end);
    else {
      const v = this.plain(p, end, false);
      r = { doc: { value: resolvePlain(v.text), root: { kind: 'scalar', at: p } }, end: v.end };
    }
    this.restOfLine(r.end, end);
    this.i++;
    const next = this.lines[this.i];
    if (next !== undefined && next.indent > indent) outside(); // a multi-line scalar, or invalid
    return r.doc;
  }

  /** After a value only spaces and a comment may follow. */
  private restOfLine(p: number, end: number): void {
    const from = p;
    while (p < end && this.text.charCodeAt(p) === 32) p++;
    if (p < end && (this.text.charCodeAt(p) !== 35 || p === from)) outside();
  }

  /**
   * A plain scalar at `p`. In block context it runs to the line's end or a ` #` comment; in flow
   * context also to `,`, `]` or `}`. Returns the text (without trailing spaces) and its end.
   */
  private plain(p: number, end: number, inFlow: boolean): { text: string; end: number } {
    const t = this.text;
    const c = t[p]!;
    const next = t[p + 1];
    // Indicators cannot start a plain scalar; `-`, `?` and `:` can, when a safe character follows.
    if (',[]{}#&*!|>\'"%@`'.includes(c)) outside();
    if ((c === '-' || c === '?' || c === ':') && (p + 1 >= end || next === ' ' || (inFlow && ',[]{}'.includes(next!)))) outside();
    let stop = end;
    if (inFlow) {
      FLOW_PLAIN.lastIndex = p;
      FLOW_PLAIN.test(t);
      stop = Math.min(FLOW_PLAIN.lastIndex, end);
      if (stop < end && (t[stop] === '[' || t[stop] === '{')) outside();
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
    return { text: raw, end: p + raw.length };
  }

  /** A quoted scalar on one line: `'…'` with `''` for a quote, or `"…"` with only `\"` and `\\`. */
  private quoted(p: number, end: number): { doc: SimpleDocument; end: number } {
    const t = this.text;
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
      let r = q + 1;
      while (r < end && t.charCodeAt(r) === 32) r++;
      if (r < end && t.charCodeAt(r) === 58) outside();
      return { doc: { value: out, root: { kind: 'scalar', at: p } }, end: q + 1 };
    }
    outside(); // not closed on this line
  }

  /** A flow collection closed on the same line; entries are scalars, mapping keys are plain. */
  private flow(p: number, end: number): { doc: SimpleDocument; end: number } {
    const t = this.text;
    const isMap = t.charCodeAt(p) === 123;
    const close = isMap ? 125 : 93;
    const seqValue: unknown[] = [];
    const items: NodeAt[] = [];
    const mapValue: Record<string, unknown> = {};
    const entries = new Map<string, { keyAt: number; node: NodeAt }>();
    let q = skipSpaces(t, p + 1, end);
    if (t.charCodeAt(q) === close && q < end) {
      const root: NodeAt = isMap ? { kind: 'map', at: p, entries } : { kind: 'seq', at: p, items };
      return { doc: { value: isMap ? mapValue : seqValue, root }, end: q + 1 };
    }
    for (;;) {
      if (q >= end) outside();
      let keyAt = -1;
      let key = '';
      if (isMap) {
        keyAt = q;
        const colon = this.keyAt(q, end);
        if (colon < 0 || colon + 1 >= end) outside();
        key = this.key(q, colon);
        if (entries.has(key)) outside();
        q = skipSpaces(t, colon + 1, end);
      }
      const c = t.charCodeAt(q);
      let item: { doc: SimpleDocument; end: number };
      if (q >= end || c === 44 || c === close) outside(); // an empty entry or value
      if (c === 34 || c === 39) item = this.quoted(q, end);
      else if (c === 91 || c === 123) outside(); // nested flow collections: full path
      else {
        const v = this.plain(q, end, true);
        item = { doc: { value: resolvePlain(v.text), root: { kind: 'scalar', at: q } }, end: v.end };
      }
      if (isMap) {
        setOwn(mapValue, key, item.doc.value);
        entries.set(key, { keyAt, node: item.doc.root });
      } else {
        seqValue.push(item.doc.value);
        items.push(item.doc.root);
      }
      q = skipSpaces(t, item.end, end);
      const sep = t.charCodeAt(q);
      if (q < end && sep === close) {
        const root: NodeAt = isMap ? { kind: 'map', at: p, entries } : { kind: 'seq', at: p, items };
        return { doc: { value: isMap ? mapValue : seqValue, root }, end: q + 1 };
      }
      if (q >= end || sep !== 44) outside();
      q = skipSpaces(t, q + 1, end);
      if (t.charCodeAt(q) === close) outside(); // a trailing comma
    }
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
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.slice(2), 8);
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.slice(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) return /nan$/i.test(s) ? NaN : s.startsWith('-') ? -Infinity : Infinity;
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s)) return parseFloat(s);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return parseFloat(s);
  return s;
}
