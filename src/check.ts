import { posix } from 'node:path';
import { mapLimited, READ_CONCURRENCY } from './concurrency.js';
import { error, sortFindings, verdictOf, type Finding, type Verdict } from './findings.js';
import { judgeRelease, type ReleaseResult } from './evaluate.js';
import { expandGlob, globToRegExp } from './glob.js';
import type { Policy } from './policy.js';
import { DEFAULT_CAPS, type Caps } from './read-yaml.js';
import { loadRelease, type LoadedRelease } from './release.js';
import { SafeStat } from './safe-path.js';
import type { RepoSnapshot } from './snapshot/port.js';

export interface CheckOptions {
  /** The release files: a working tree (CLI, Action) or a commit (bot). */
  snapshot: RepoSnapshot;
  /** Config and pack, already loaded from the trusted side (the base branch for a PR). */
  policy: Policy;
  /** The day evaluations are judged on, YYYY-MM-DD (UTC). */
  today: string;
  /** Check exactly these declaration paths. */
  declarations?: string[];
  /**
   * Pull-request mode: the paths the change adds, modifies or removes (a rename: both). Only the releases they touch are
   * checked, and release-folder changes with no declaration are reported.
   */
  changedFiles?: string[];
  caps?: Caps;
}

export interface CheckReport {
  verdict: Verdict;
  releases: ReleaseResult[];
  /** Every finding, of every release and of the change as a whole. */
  findings: Finding[];
}

/** Find the releases to check, read them, judge them. Never throws on bad input. */
export async function checkRepository(opts: CheckOptions): Promise<CheckReport> {
  const caps = opts.caps ?? DEFAULT_CAPS;
  const safe = new SafeStat(opts.snapshot);
  const extra: Finding[] = [];
  let loaded: LoadedRelease[];
  if (opts.declarations) {
    loaded = await loadAll(opts, opts.declarations, caps, safe);
  } else if (opts.changedFiles) {
    loaded = await loadTouched(opts, opts.changedFiles, caps, safe, extra);
  } else {
    const { declarations, orphans } = await discover(opts.snapshot, opts.policy.settings.releases, safe);
    for (const dir of orphans) extra.push(missingDeclaration(dir, declarationNames(opts.policy.settings.releases)));
    loaded = await loadAll(opts, declarations, caps, safe);
  }
  const releases = loaded.map((r) => judgeRelease(r, opts.policy, opts.today));
  const findings = sortFindings([...extra, ...releases.flatMap((r) => r.findings)]);
  return { verdict: verdictOf(findings), releases, findings };
}

async function loadAll(opts: CheckOptions, declarations: string[], caps: Caps, safe: SafeStat): Promise<LoadedRelease[]> {
  return mapLimited(declarations, READ_CONCURRENCY, (d) => loadRelease(opts.snapshot, d, caps, safe));
}

interface ReleaseGlob {
  folder: RegExp;
  folderGlob: string;
  name: string;
}

function parseGlobs(globs: string[]): ReleaseGlob[] {
  return globs.map((g) => {
    const folderGlob = posix.dirname(g);
    return { folder: globToRegExp(folderGlob), folderGlob, name: posix.basename(g) };
  });
}

function declarationNames(globs: string[]): string {
  return [...new Set(parseGlobs(globs).map((g) => g.name))].join(' or ');
}

function missingDeclaration(where: string, name: string): Finding {
  return error('declaration.missing', `release files changed in ${where}/ but there is no ${name} declaring the release`, { file: where });
}

/**
 * Every declaration matching the globs, and release folders that have none. With a `**` glob a
 * release's own subfolders match too, so there a folder without a declaration is a release that
 * lost it only when it holds a file itself, lies below the glob's fixed base (`releases` of
 * `releases/**`), and lies neither inside nor above a declared release.
 */
export async function discover(snapshot: RepoSnapshot, globs: string[], safe: SafeStat): Promise<{ declarations: string[]; orphans: string[] }> {
  const declarations = new Set<string>();
  const candidates: Array<{ dir: string; deepBase?: string }> = [];
  for (const g of parseGlobs(globs)) {
    const segs = g.folderGlob.split('/');
    const deep = segs.indexOf('**');
    const deepBase = deep < 0 ? undefined : segs.slice(0, deep).join('/') || '.';
    for (const dir of await expandGlob(snapshot, g.folderGlob, 'dir')) {
      const decl = dir === '.' ? g.name : `${dir}/${g.name}`;
      if (await safe.stat(decl)) declarations.add(decl);
      else if (dir !== deepBase) candidates.push({ dir, ...(deepBase !== undefined ? { deepBase } : {}) });
    }
  }
  const declared = [...declarations].map((d) => posix.dirname(d));
  const related = (a: string, b: string) => a === b || a === '.' || b === '.' || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
  const orphans = new Set<string>();
  const deepDirs = new Set(candidates.filter((c) => c.deepBase !== undefined).map((c) => c.dir));
  for (const { dir, deepBase } of candidates) {
    if (declared.includes(dir) || orphans.has(dir)) continue;
    const entries = await snapshot.list(dir === '.' ? '' : dir);
    if (deepBase === undefined) {
      if (entries.length > 0) orphans.add(dir);
      continue;
    }
    if (!entries.some((e) => e.type !== 'dir') || declared.some((d) => related(d, dir))) continue;
    // One finding per lost release: its topmost folder below the base, not one per subfolder.
    let top = dir;
    for (let up = posix.dirname(top); deepDirs.has(up) && !declared.some((d) => related(d, up)); up = posix.dirname(up)) top = up;
    orphans.add(top);
  }
  return { declarations: [...declarations].sort(), orphans: [...orphans].sort() };
}

/** The release folders a path lies in, per the globs, innermost first (several only under a `**` glob). */
function releaseFoldersOf(path: string, globs: ReleaseGlob[]): Array<{ dir: string; name: string }> {
  const out: Array<{ dir: string; name: string }> = [];
  // Each folder of the path, longest first.
  for (let slash = path.lastIndexOf('/'); slash >= 0; slash = slash === 0 ? -1 : path.lastIndexOf('/', slash - 1)) {
    const dir = path.slice(0, slash);
    const g = globs.find((x) => x.folder.test(dir));
    if (g) out.push({ dir, name: g.name });
  }
  return out;
}

/** The innermost release folder (per the config's `releases` globs) a path lies in, if any. */
export function releaseFolderMatcher(globs: string[]): (path: string) => string | undefined {
  const parsed = parseGlobs(globs);
  return (path) => releaseFoldersOf(path, parsed)[0]?.dir;
}

/** A predicate for "this path lies in a release folder" under the config's `releases` globs. */
export function releasePathMatcher(globs: string[]): (path: string) => boolean {
  const parsed = parseGlobs(globs);
  return (path) => releaseFoldersOf(path, parsed).length > 0;
}

async function loadTouched(opts: CheckOptions, changed: string[], caps: Caps, safe: SafeStat, extra: Finding[]): Promise<LoadedRelease[]> {
  const globs = parseGlobs(opts.policy.settings.releases);
  const declarations = new Set<string>();
  const missing = new Set<string>();
  const outside: string[] = [];
  for (const path of changed) {
    const folders = releaseFoldersOf(path, globs);
    if (folders.length === 0) {
      outside.push(path);
      continue;
    }
    // The innermost folder with a declaration is the release; a file under a `**` glob lies in
    // its release's subfolders too. With none, the outermost folder is the release that lost it.
    let declared = false;
    for (const f of folders) {
      const decl = `${f.dir}/${f.name}`;
      declared = declarations.has(decl) || (await safe.stat(decl)) !== undefined;
      if (declared) {
        declarations.add(decl);
        break;
      }
    }
    const outermost = folders.at(-1)!;
    if (!declared && !missing.has(outermost.dir)) {
      missing.add(outermost.dir);
      extra.push(missingDeclaration(outermost.dir, outermost.name));
    }
  }
  const loaded = await loadAll(opts, [...declarations].sort(), caps, safe);
  if (outside.length === 0) return loaded;
  // A change outside every release folder may still be evidence a release cites (a shared report):
  // check each other release that references one of those files.
  const outsideSet = new Set(outside);
  const others = (await discover(opts.snapshot, opts.policy.settings.releases, safe)).declarations.filter((d) => !declarations.has(d));
  const candidates = await loadAll(opts, others, caps, safe);
  return [...loaded, ...candidates.filter((r) => r.referenced.some((p) => outsideSet.has(p)))].sort((a, b) => (a.file < b.file ? -1 : 1));
}
