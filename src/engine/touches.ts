import { posix } from 'node:path';

/**
 * One entry of a pull request's changed files, in the shape GitHub lists them
 * (`GET /repos/{owner}/{repo}/pulls/{pull_number}/files`): a rename carries its old path in
 * `previous_filename`.
 */
export interface ChangedFile {
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  filename: string;
  previous_filename?: string;
}

/** What the rule needs of a release as loaded on one side of the change. */
export interface ReleaseFiles {
  /** The declaration's repository path; the release's folder is its folder. */
  file: string;
  /** Repository paths its declaration, assessments and reports reference (see release.ts). */
  referenced: readonly string[];
}

export interface TouchInput {
  /** The change, as GitHub lists it. */
  changes: readonly ChangedFile[];
  /** Every release as loaded at the base commit and at the head commit. */
  base: readonly ReleaseFiles[];
  head: readonly ReleaseFiles[];
  /** Paths of the gate's own policy: the config file and a repository pack file. */
  policyFiles: readonly string[];
  /** Folders whose every file is policy (a folder of packs), each ending in `/`. */
  policyFolders?: readonly string[];
  /** The release folder a path lies in per the config's `releases` globs (to find folders with no declaration). */
  releaseFolderOf?: (path: string) => string | undefined;
}

export interface Touched {
  /** Declaration paths of the releases the change touches, at the base or at the head, sorted. */
  releases: string[];
  /** Changed paths of the gate's config or packs (removed and renamed ones included), sorted. */
  policy: string[];
  /** Release folders with changed files that no release declares at the base or at the head, sorted. */
  undeclared: string[];
}

/** Every path a change speaks of: each file's path, and the old path of a rename or copy. */
export function changedPaths(changes: readonly ChangedFile[]): string[] {
  const out = new Set<string>();
  for (const c of changes) {
    out.add(c.filename);
    if (c.previous_filename) out.add(c.previous_filename);
  }
  return [...out].sort();
}

/**
 * SPEC §4's "touches", the one rule the App and the Action share. A file touches a release when it
 * is added, modified, removed, or renamed from or to a path that lies in the release's folder or
 * that the release's declaration, assessments or reports reference, at the base or at the head,
 * wherever that path lives (another release's folder included). A change to the config or a pack
 * (deleting or renaming one included) is reported in `policy`. Pure: the caller loads the releases.
 */
export function touches(input: TouchInput): Touched {
  const paths = changedPaths(input.changes);
  const releases = new Set<string>();
  const declaredFolders = new Set<string>();
  for (const r of [...input.base, ...input.head]) {
    const dir = folderOf(r.file);
    declaredFolders.add(dir);
    const inFolder = (p: string) => dir === '' || p.startsWith(`${dir}/`);
    const refs = new Set(r.referenced);
    if (paths.some((p) => p === r.file || inFolder(p) || refs.has(p))) releases.add(r.file);
  }
  const policyFiles = new Set(input.policyFiles);
  const policy = paths.filter((p) => policyFiles.has(p) || (input.policyFolders ?? []).some((f) => p.startsWith(f)));
  const undeclared = new Set<string>();
  for (const p of paths) {
    const dir = input.releaseFolderOf?.(p);
    // Under a `**` glob a declared release's subfolders match too: they are not undeclared.
    if (dir === undefined || [...declaredFolders].some((d) => d === '' || d === dir || p.startsWith(`${d}/`))) continue;
    undeclared.add(dir);
  }
  return { releases: [...releases].sort(), policy, undeclared: [...undeclared].sort() };
}

function folderOf(file: string): string {
  const d = posix.dirname(file);
  return d === '.' ? '' : d;
}
