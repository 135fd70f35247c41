import { posix } from 'node:path';
import { error, type Finding, type Where } from '../findings.js';
import type { Entry, RepoSnapshot } from '../snapshot/port.js';

export const isLink = (ref: string): boolean => ref.startsWith('https://');

export type Resolved = { ok: true; path: string } | { ok: false; finding: Finding };

/**
 * Turn a reference written in a release file into a repository path, refusing anything that
 * could leave the repository (SPEC §2 "Paths"). `baseDir` is the declaration's folder.
 */
export function resolveReference(baseDir: string, ref: string, at: Where): Resolved {
  if (ref.includes('\0')) return unsafe(ref, 'contains a NUL character', at);
  if (ref.includes('\\')) return unsafe(ref, 'contains a backslash; use / between folders', at);
  if (ref.includes(':') && /^[a-z][a-z0-9+.-]*:/i.test(ref))
    return unsafe(ref, 'is a link or drive path; only https:// links and relative paths are accepted', at);
  if (ref.startsWith('/')) return unsafe(ref, 'is an absolute path; paths are relative to the declaration folder', at);
  // Most references are plain relative paths, which normalising would leave as they are.
  const joined =
    isNormalRelative(ref) && (baseDir === '' || isNormalRelative(baseDir))
      ? baseDir
        ? `${baseDir}/${ref}`
        : ref
      : posix.normalize(posix.join(baseDir || '.', ref));
  if (joined === '..' || joined.startsWith('../')) return unsafe(ref, 'leaves the repository', at);
  if (joined === '.' || joined.endsWith('/')) return unsafe(ref, 'names a folder; expected a file', at);
  return { ok: true, path: joined };
}

function unsafe(ref: string, why: string, at: Where): Resolved {
  return { ok: false, finding: error('reference.unsafe', `${JSON.stringify(ref)} ${why}`, at) };
}

/** A relative path with no empty, `.` or `..` segment: one that normalising or joining leaves as it is. */
export function isNormalRelative(path: string): boolean {
  // One native scan rather than a loop per character: this runs, cold, for every path a run reads.
  return !ABNORMAL_SEGMENT.test(path);
}
/** An empty, `.` or `..` segment (the empty path is one empty segment). */
const ABNORMAL_SEGMENT = /(?:^|\/)\.{0,2}(?:\/|$)/;

/**
 * Stat-through cache over a snapshot that checks every component of a path, so a symlinked
 * folder cannot smuggle a read out of the repository.
 */
export class SafeStat {
  private readonly cache = new Map<string, Promise<Entry | undefined>>();
  /** The answers that have arrived: a check of a path whose folders are known waits for nothing. */
  private readonly known = new Map<string, Entry | undefined>();
  constructor(private readonly snapshot: RepoSnapshot) {}

  stat(path: string): Promise<Entry | undefined> {
    let p = this.cache.get(path);
    if (!p) {
      p = this.snapshot.stat(path);
      this.cache.set(path, p);
      p.then(
        (st) => this.known.set(path, st),
        () => {},
      );
    }
    return p;
  }

  /** `undefined` when `path` is a regular file reached through real folders; else the finding. */
  async checkFile(path: string, ref: string, at: Where): Promise<{ entry: Entry } | { finding: Finding }> {
    // Each folder on the way, shortest first (a snapshot that resolves only real folders has
    // checked them itself).
    for (
      let slash = this.snapshot.resolvesOnlyRealFolders ? -1 : path.indexOf('/');
      slash >= 0;
      slash = path.indexOf('/', slash + 1)
    ) {
      const dir = path.slice(0, slash);
      const st = this.known.has(dir) ? this.known.get(dir) : await this.stat(dir);
      if (!st)
        return { finding: error('reference.missing', `${JSON.stringify(ref)} does not exist (no folder ${dir}/)`, at) };
      if (st.type === 'symlink')
        return {
          finding: error(
            'reference.unsafe',
            `${JSON.stringify(ref)} goes through a symlink (${dir}); symlinks are refused`,
            at,
          ),
        };
      if (st.type !== 'dir')
        return {
          finding: error('reference.missing', `${JSON.stringify(ref)} does not exist (${dir} is not a folder)`, at),
        };
    }
    const st = this.known.has(path) ? this.known.get(path) : await this.stat(path);
    if (!st) return { finding: error('reference.missing', `${JSON.stringify(ref)} does not exist`, at) };
    if (st.type === 'symlink')
      return { finding: error('reference.unsafe', `${JSON.stringify(ref)} is a symlink; symlinks are refused`, at) };
    if (st.type !== 'file')
      return {
        finding: error(
          'reference.unsafe',
          `${JSON.stringify(ref)} is not a regular file (found a ${st.type === 'dir' ? 'folder' : st.type})`,
          at,
        ),
      };
    return { entry: st };
  }
}
