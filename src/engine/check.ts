import { posix } from 'node:path';
import { mapLimited, READ_CONCURRENCY } from '../load/concurrency.js';
import { error, sortFindings, verdictOf, type Finding, type Verdict } from '../findings.js';
import { judgeRelease, type ReleaseResult } from './evaluate.js';
import { expandGlob, globToRegExp } from '../load/glob.js';
import type { Policy } from '../load/policy.js';
import { DEFAULT_CONFIG_PATH } from '../constants.js';
import { DEFAULT_CAPS, type Caps } from '../load/read-yaml.js';
import { loadRelease, type LoadedRelease } from '../load/release.js';
import { SafeStat } from '../load/safe-path.js';
import type { RepoSnapshot } from '../snapshot/port.js';
import { touches, type ChangedFile, type ReleaseFiles } from './touches.js';

export interface CheckOptions {
  /** The release files: a working tree (CLI, Action) or a commit (bot). */
  snapshot: RepoSnapshot;
  /** Config and pack, already loaded from the trusted side (the base branch for a PR). */
  policy: Policy;
  /** The day evaluations are judged on, YYYY-MM-DD (UTC). */
  today: string;
  /** Check exactly these declaration paths. */
  declarations?: string[];
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
  } else {
    const { declarations, orphans } = await discover(opts.snapshot, opts.policy.settings.releases, safe);
    for (const dir of orphans) extra.push(missingDeclaration(dir, declarationNames(opts.policy.settings.releases)));
    loaded = await loadAll(opts, declarations, caps, safe);
  }
  const releases = loaded.map((r) => judgeRelease(r, opts.policy, opts.today));
  const findings = sortFindings([...extra, ...releases.flatMap((r) => r.findings)]);
  return { verdict: verdictOf(findings), releases, findings };
}

async function loadAll(
  opts: CheckOptions,
  declarations: string[],
  caps: Caps,
  safe: SafeStat,
): Promise<LoadedRelease[]> {
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
  return error(
    'declaration.missing',
    `release files changed in ${where}/ but there is no ${name} declaring the release`,
    { file: where },
  );
}

/**
 * Every declaration matching the globs, and release folders that have none. With a `**` glob a
 * release's own subfolders match too, so there a folder without a declaration is a release that
 * lost it only when it holds a file itself, lies below the glob's fixed base (`releases` of
 * `releases/**`), and lies neither inside nor above a declared release.
 */
export async function discover(
  snapshot: RepoSnapshot,
  globs: string[],
  safe: SafeStat,
): Promise<{ declarations: string[]; orphans: string[] }> {
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
  const related = (a: string, b: string) =>
    a === b || a === '.' || b === '.' || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
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
    for (let up = posix.dirname(top); deepDirs.has(up) && !declared.some((d) => related(d, up)); up = posix.dirname(up))
      top = up;
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

/**
 * The outermost release folder a path lies in: under a `**` glob, the release that lost its
 * declaration, not each of its subfolders.
 */
export function releaseRootMatcher(globs: string[]): (path: string) => string | undefined {
  const parsed = parseGlobs(globs);
  return (path) => releaseFoldersOf(path, parsed).at(-1)?.dir;
}

/** A predicate for "this path lies in a release folder" under the config's `releases` globs. */
export function releasePathMatcher(globs: string[]): (path: string) => boolean {
  const parsed = parseGlobs(globs);
  return (path) => releaseFoldersOf(path, parsed).length > 0;
}

export interface ChangeOptions {
  /** The pull request's base commit: which releases existed there, and what they referenced. */
  base: RepoSnapshot;
  /** Its head: the releases judged. */
  head: RepoSnapshot;
  /** The change as GitHub lists it (removals, and renames with their old path). */
  changes: readonly ChangedFile[];
  /** Config and pack, loaded from the base. */
  policy: Policy;
  /** YYYY-MM-DD (UTC). */
  today: string;
  /** Folders whose every file is policy (`touches()`'s `policyFolders`); none by default. */
  policyFolders?: readonly string[];
  caps?: Caps;
  /**
   * Reads the releases at the base through `read`, or answers them from elsewhere (the App keeps
   * them per base commit). Only their declaration and references matter there.
   */
  baseReleases?: (read: () => Promise<ReleaseFiles[]>) => Promise<ReleaseFiles[]>;
}

export interface ChangeReport extends CheckReport {
  /**
   * Declarations of releases the change removes whole: declared at the base, and at the head
   * neither the declaration nor any other file of its folder is left. Nothing is left to judge;
   * removing a release is a release decision (the App asks the RSO), not a gate failure.
   */
  removed: string[];
  /** Changed paths of the gate's config or packs (see `touches()`). */
  policyChanged: string[];
}

/**
 * SPEC §4's pull-request check: every release the change touches (src/engine/touches.ts, at the base or
 * the head, removals and both paths of a rename included) is judged at the head. A release folder
 * the change touches that keeps files but has no declaration at the head is `declaration.missing`,
 * as is a changed release folder that no release declares on either side; a release whose folder is
 * gone is reported in `removed`. Reads every release on both sides (their references decide what
 * the change touches); never throws on bad input.
 */
export async function checkChange(opts: ChangeOptions): Promise<ChangeReport> {
  const caps = opts.caps ?? DEFAULT_CAPS;
  const globs = opts.policy.settings.releases;
  const headSafe = new SafeStat(opts.head);
  const readBase = async () =>
    (await releasesAt(opts.base, globs, caps)).map((r): ReleaseFiles => ({ file: r.file, referenced: r.referenced }));
  const [atBase, atHead] = await Promise.all([
    opts.baseReleases ? opts.baseReleases(readBase) : readBase(),
    releasesAt(opts.head, globs, caps, headSafe),
  ]);
  const packPath = opts.policy.pack.file.startsWith('built-in:') ? undefined : opts.policy.pack.file;
  const touched = touches({
    changes: opts.changes,
    base: atBase,
    head: atHead,
    policyFiles: [opts.policy.settings.file ?? DEFAULT_CONFIG_PATH, ...(packPath ? [packPath] : [])],
    policyFolders: opts.policyFolders ?? [],
    releaseFolderOf: releaseRootMatcher(globs),
  });
  const headByFile = new Map(atHead.map((r) => [r.file, r]));
  const headFolders = atHead.map((r) => folderOf(r.file));
  const name = declarationNames(globs);
  const extra: Finding[] = [];
  const missing = new Set(touched.undeclared);
  const removed: string[] = [];
  for (const file of touched.releases) {
    if (headByFile.has(file)) continue;
    const dir = folderOf(file);
    if (await holdsLooseFile(opts.head, dir, headFolders)) missing.add(dir);
    else removed.push(file);
  }
  for (const dir of [...missing].sort()) extra.push(missingDeclaration(dir, name));
  const releases = touched.releases
    .filter((f) => headByFile.has(f))
    .map((f) => judgeRelease(headByFile.get(f)!, opts.policy, opts.today));
  const findings = sortFindings([...extra, ...releases.flatMap((r) => r.findings)]);
  return { verdict: verdictOf(findings), releases, findings, removed, policyChanged: touched.policy };
}

/** Every release declared at one commit, read as the engine reads it (its references included). */
async function releasesAt(
  snapshot: RepoSnapshot,
  globs: string[],
  caps: Caps,
  safe = new SafeStat(snapshot),
): Promise<LoadedRelease[]> {
  const { declarations } = await discover(snapshot, globs, safe);
  return mapLimited(declarations, READ_CONCURRENCY, (d) => loadRelease(snapshot, d, caps, safe));
}

/**
 * Whether folder `dir` still holds a file (at any depth) that no other release's folder claims:
 * a release that lost its declaration, not one removed whole. Stops at the first such file.
 */
async function holdsLooseFile(snapshot: RepoSnapshot, dir: string, releaseFolders: string[]): Promise<boolean> {
  const claimed = (d: string) => releaseFolders.some((f) => f !== dir && (d === f || d.startsWith(`${f}/`)));
  const walk = async (d: string): Promise<boolean> => {
    if (claimed(d)) return false;
    for (const e of await snapshot.list(d)) {
      const p = d === '' ? e.name : `${d}/${e.name}`;
      if (e.type === 'dir' ? await walk(p) : true) return true;
    }
    return false;
  };
  return walk(dir);
}

function folderOf(file: string): string {
  const d = posix.dirname(file);
  return d === '.' ? '' : d;
}
