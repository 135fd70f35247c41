import { error, type Finding } from '../findings.js';
import { validate, type FileData, type FileKind } from './schemas/validate.js';
import type { RepoSnapshot } from '../snapshot/port.js';
import { parseYaml, type ParsedYaml } from './yaml/safe-yaml.js';

/** SPEC §2 caps, checked before any parsing. */
export interface Caps {
  fileBytes: number;
  releaseFiles: number;
  releaseBytes: number;
}
export const DEFAULT_CAPS: Caps = { fileBytes: 256 * 1024, releaseFiles: 500, releaseBytes: 16 * 1024 * 1024 };

/** On a schema failure, `parsed` is the document that failed it, so callers may still read its valid parts. */
export type Loaded<T> =
  { ok: true; data: T; parsed: ParsedYaml } | { ok: false; findings: Finding[]; parsed?: ParsedYaml };

/**
 * Read, parse and validate one YAML file whose path was already checked to be a regular file of
 * `size` bytes. Too large means not read at all.
 */
export async function loadYamlFile<K extends FileKind>(
  snapshot: RepoSnapshot,
  path: string,
  size: number,
  kind: K,
  caps: Caps,
): Promise<Loaded<FileData[K]>> {
  if (size > caps.fileBytes) return { ok: false, findings: [tooLarge(path, size, caps.fileBytes)] };
  let text: string;
  try {
    text = await snapshot.readFile(path);
  } catch (e) {
    return {
      ok: false,
      findings: [error('reference.missing', `could not read the file: ${(e as Error).message}`, { file: path })],
    };
  }
  // The port may not know sizes in advance (or may lie); check again before parsing.
  const bytes = Buffer.byteLength(text);
  if (bytes > caps.fileBytes) return { ok: false, findings: [tooLarge(path, bytes, caps.fileBytes)] };
  if (text.includes('\0'))
    return {
      ok: false,
      findings: [
        error('yaml.invalid', 'the file contains NUL bytes; expected YAML text', { file: path, line: 1, column: 1 }),
      ],
    };
  return await parseAndValidate(text, path, kind);
}

export async function parseAndValidate<K extends FileKind>(
  text: string,
  file: string,
  kind: K,
): Promise<Loaded<FileData[K]>> {
  const parsed = await parseYaml(text, file);
  if (!parsed.ok) return parsed;
  const v = await validate(kind, parsed.parsed);
  if (!v.ok) return { ok: false, findings: v.findings, parsed: parsed.parsed };
  return { ok: true, data: v.data, parsed: parsed.parsed };
}

function tooLarge(file: string, size: number, cap: number): Finding {
  return error('input.too_large', `file is ${kib(size)}, over the ${kib(cap)} cap; not read`, { file });
}

export function kib(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}
