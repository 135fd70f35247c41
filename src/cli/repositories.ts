import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DEFAULT_CONFIG_PATH, loadPolicy, type PolicyResult } from '../policy.js';
import { FsSnapshot } from '../snapshot/fs.js';

/**
 * The command line's PATH arguments grouped by repository root, the way `check` reads them: a
 * folder is a root (every release its config finds), a file is a declaration in the nearest root
 * above it. `undefined` means the whole root. Throws PathError for a path that does not exist.
 */
export function groupByRoot(paths: string[], cwd: string): Map<string, string[] | undefined> {
  const targets = new Map<string, string[] | undefined>();
  for (const p of paths.length > 0 ? paths : ['.']) {
    const abs = resolve(cwd, p);
    let st;
    try {
      st = statSync(abs);
    } catch {
      throw new PathError(`${p}: no such file or folder`);
    }
    if (st.isDirectory()) {
      targets.set(abs, undefined);
    } else {
      const root = findRoot(dirname(abs), cwd);
      const list = targets.get(root);
      if (targets.has(root) && list === undefined) continue; // the whole root is read anyway
      targets.set(root, [...(list ?? []), relative(root, abs).split(sep).join('/')]);
    }
  }
  return targets;
}

export class PathError extends Error {}

/**
 * The config (`--config`, else `<root>/.github/asl-gate.yml` when it exists) and pack of one root.
 * A config outside the repository is read from its own folder, where its pack path is resolved.
 */
export async function loadRootPolicy(root: string, config: string | undefined, cwd: string): Promise<{ snapshot: FsSnapshot; configPath: string; policy: PolicyResult }> {
  const snapshot = new FsSnapshot(root);
  let policySnapshot = snapshot;
  let configPath = DEFAULT_CONFIG_PATH;
  if (config !== undefined) {
    const abs = resolve(cwd, config);
    if (!existsSync(abs)) throw new PathError(`--config ${config}: no such file`);
    const rel = relative(snapshot.root, abs);
    if (rel.startsWith('..') || isAbsolute(rel)) {
      policySnapshot = new FsSnapshot(dirname(abs));
      configPath = abs.slice(dirname(abs).length + 1);
    } else configPath = rel.split(sep).join('/');
  }
  return { snapshot, configPath, policy: await loadPolicy(policySnapshot, configPath) };
}

/** The nearest folder at or above `dir` that holds `.git` or a gate config; else `fallback`. */
function findRoot(dir: string, fallback: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git')) || existsSync(join(d, DEFAULT_CONFIG_PATH))) return d;
    if (dirname(d) === d) break;
  }
  const rel = relative(fallback, dir);
  return rel.startsWith('..') || isAbsolute(rel) ? dir : fallback;
}
