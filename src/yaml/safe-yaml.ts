import type { Finding, Location } from '../findings.js';
import { parseSimpleYaml, type NodeAt } from './simple-yaml.js';

/** A path into a parsed document: map keys and sequence indexes. */
export type YamlPath = readonly (string | number)[];

export interface ParsedYaml {
  file: string;
  value: unknown;
  /** Position of the node at `path` (or of its key with `key: true`); the nearest existing ancestor otherwise. */
  locate(path: YamlPath, opts?: { key?: boolean }): Location;
}

export type ParseResult = { ok: true; parsed: ParsedYaml } | { ok: false; findings: Finding[] };

/**
 * Parse one plain YAML document under the rules of SPEC §2 "Safe reading": core schema pinned
 * (a `%YAML 1.1` directive does not bring back `yes`/`no` booleans), unique string keys, and no
 * aliases, anchors, explicit tags or merge keys. Never throws; problems become `yaml.invalid`.
 *
 * Release files are nearly always in a plain subset that a small reader handles several times
 * faster than the general parser; everything else, errors included, goes to the general parser,
 * which is loaded only then.
 */
export async function parseYaml(text: string, file: string): Promise<ParseResult> {
  // A byte-order mark is harmless; editors on Windows add one.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const simple = parseSimpleYaml(text);
  if (simple === undefined) return (await import('./full-yaml.js')).parseFullYaml(text, file);
  const { value, root } = simple;
  return { ok: true, parsed: { file, value, locate: (path, opts) => positionOf(text, file, offsetOf(root, path, opts?.key ?? false)) } };
}

/** Offset of the node at `path` (of its key with `key`), or of the nearest ancestor that exists. */
function offsetOf(root: NodeAt, path: YamlPath, key: boolean): number {
  let node = root;
  for (let i = 0; i < path.length; i++) {
    if (typeof node === 'number') return node;
    const seg = path[i]!;
    if (node.kind === 'map' && typeof seg === 'string') {
      const k = node.keys.indexOf(seg);
      if (k < 0) return node.at;
      if (key && i === path.length - 1) return node.keyAts[k]!;
      node = node.nodes[k]!;
    } else if (node.kind === 'seq' && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) return node.at;
      node = item;
    } else return node.at;
  }
  return typeof node === 'number' ? node : node.at;
}

/** 1-based line and column of `offset`. */
function positionOf(text: string, file: string, offset: number): Location {
  let line = 1;
  let lineStart = 0;
  for (let nl = text.indexOf('\n'); nl >= 0 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
    line++;
    lineStart = nl + 1;
  }
  return { file, line, column: offset - lineStart + 1 };
}
