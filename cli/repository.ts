import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { BUILTIN_PACKS } from '../src/packs/builtin.generated.js';
import {
  DEFAULT_CONFIG_PATH,
  loadPack,
  loadPolicy,
  type PackIndex,
  type Policy,
  type PolicyResult,
} from '../src/load/policy.js';
import { SafeStat } from '../src/load/safe-path.js';
import { location } from '../src/report/text.js';
import type { Finding } from '../src/findings.js';
import { FsSnapshot } from '../src/snapshot/fs.js';
import { UsageError, type CliIO } from './command.js';
import { didYouMean } from '../src/suggest.js';

/**
 * The PATH arguments grouped by repository root, as `check` and `due` read them: a folder is a
 * root (every release its config finds), a file is a declaration in the nearest root above it;
 * with none, the repository around `cwd` (the nearest folder up with `.git` or a gate config).
 * `undefined` means the whole root.
 */
export function targetsOf(paths: readonly string[], cwd: string): Map<string, string[] | undefined> {
  const targets = new Map<string, string[] | undefined>();
  // No PATH: the repository around the working folder, as `init` finds it.
  if (paths.length === 0) return targets.set(findRoot(cwd, cwd), undefined);
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let st;
    try {
      st = statSync(abs);
    } catch {
      throw new UsageError(`${p}: no such file or folder`);
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

/** The nearest folder at or above `dir` that holds `.git` or a gate config; else `fallback`. */
export function findRoot(dir: string, fallback: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git')) || existsSync(join(d, DEFAULT_CONFIG_PATH))) return d;
    if (dirname(d) === d) break;
  }
  const rel = relative(fallback, dir);
  return rel.startsWith('..') || isAbsolute(rel) ? dir : fallback;
}

/**
 * The config and pack of the repository at `root`: from `--config FILE` when given (a file
 * outside the repository resolves its own pack path from its folder), else the default path.
 */
export async function policyOf(
  root: string,
  configOption: string | undefined,
  io: CliIO,
): Promise<{ result: PolicyResult; configPath: string }> {
  const snapshot = new FsSnapshot(root);
  let policySnapshot = snapshot;
  let configPath = DEFAULT_CONFIG_PATH;
  if (configOption !== undefined) {
    const abs = resolve(io.cwd, configOption);
    if (!existsSync(abs)) throw new UsageError(`--config ${configOption}: no such file`);
    const rel = relative(snapshot.root, abs);
    if (rel.startsWith('..') || isAbsolute(rel)) {
      policySnapshot = new FsSnapshot(dirname(abs));
      configPath = abs.slice(dirname(abs).length + 1);
    } else configPath = rel.split(sep).join('/');
  }
  return { result: await loadPolicy(policySnapshot, configPath), configPath };
}

/** Report a configuration error (exit 2): every finding, one a line, with its place. */
export function configError(io: CliIO, root: string, configPath: string, findings: Finding[]): number {
  io.stderr.write(
    `asl-gate: configuration error in ${relative(io.cwd, root) || '.'}:\n${findings.map((f) => `  ${location(f) || configPath}: ${f.code}: ${f.message}\n`).join('')}`,
  );
  return 2;
}

/** A path for messages: relative to the working folder when inside it. */
export function shown(io: CliIO, abs: string): string {
  const rel = relative(io.cwd, abs);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? abs : rel.split(sep).join('/');
}

/**
 * The pack a command talks about: `--pack ID|PATH` when given (a built-in id, or a pack file of
 * the repository at `root`), else the one the repository's config names (or the default).
 */
export async function packOf(
  root: string,
  packOption: string | undefined,
  configOption: string | undefined,
  io: CliIO,
): Promise<{ ok: true; index: PackIndex; policy?: Policy } | { ok: false; code: number }> {
  if (packOption !== undefined) {
    const snapshot = new FsSnapshot(root);
    const r = await loadPack(snapshot, new SafeStat(snapshot), packOption, { file: '--pack' });
    if (r.ok) return { ok: true, index: r.index };
    const f = r.findings[0];
    if (f.code === 'policy.unknown') {
      throw new UsageError(
        `--pack: no pack ${JSON.stringify(packOption)}${didYouMean(packOption, Object.keys(BUILTIN_PACKS))} (built-in: ${Object.keys(BUILTIN_PACKS).join(', ')}; or a path to a pack file)`,
      );
    }
    return { ok: false, code: configError(io, root, packOption, r.findings) };
  }
  const { result, configPath } = await policyOf(root, configOption, io);
  if (!result.ok) return { ok: false, code: configError(io, root, configPath, result.findings) };
  return { ok: true, index: result.policy.pack, policy: result.policy };
}
