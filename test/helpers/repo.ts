import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './temp.js';

/** The project root, whether this runs from test/ (vitest) or from its build in lib/test/ (benchmarks, demo). */
export const ROOT = (() => {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json'))) d = dirname(d);
  return d;
})();
export const EXAMPLES = join(ROOT, 'examples');

/** A repository as a map of path → contents (or a symlink target). */
export type Files = Record<string, string | { symlink: string } | { dir: true }>;

/** Every file below `dir` of the examples repository, as Files keyed relative to `prefix`. */
export function readTree(dir: string, base = dir): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) Object.assign(out, readTree(p, base));
    else out[relative(base, p)] = readFileSync(p, 'utf8');
  }
  return out;
}

/** The examples' config plus the named example releases. */
export function exampleRepo(...releases: string[]): Record<string, string> {
  const files: Record<string, string> = {
    '.github/asl-gate.yml': readFileSync(join(EXAMPLES, '.github/asl-gate.yml'), 'utf8'),
  };
  for (const r of releases) {
    for (const [p, text] of Object.entries(readTree(join(EXAMPLES, 'releases', r)))) files[`releases/${r}/${p}`] = text;
  }
  return files;
}

/** Write files to a fresh temporary folder (with a .git marker so it is a repository root). */
export function writeRepo(files: Files): string {
  const root = tempDir('repo');
  mkdirSync(join(root, '.git'));
  for (const [path, content] of Object.entries(files)) {
    const abs = join(root, path);
    mkdirSync(dirname(abs), { recursive: true });
    if (typeof content === 'string') writeFileSync(abs, content);
    else if ('symlink' in content) symlinkSync(content.symlink, abs);
    else mkdirSync(abs, { recursive: true });
  }
  return root;
}

/** Replace exactly one occurrence of `from` in `files[path]` (fails loudly if absent). */
export function edit(
  files: Record<string, string>,
  path: string,
  from: string | RegExp,
  to: string,
): Record<string, string> {
  const text = files[path];
  if (text === undefined) throw new Error(`no file ${path}`);
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit: ${String(from)} not found in ${path}`);
  return { ...files, [path]: next };
}

/** 1-based line of the first occurrence of `needle` (fails loudly if absent). */
export function lineOf(text: string, needle: string, from = 0): number {
  const i = text.indexOf(needle, from);
  if (i < 0) throw new Error(`lineOf: ${needle} not found`);
  return text.slice(0, i).split('\n').length;
}
