import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, realpathSync, type Stats } from 'node:fs';
import { join, sep } from 'node:path';
import { isNormalRelative } from '../load/safe-path.js';
import type { Entry, EntryType, RepoSnapshot } from './port.js';

/**
 * A working tree on disk. Synchronous calls under async signatures: for many small files this is
 * faster than the thread pool, and the engine awaits them anyway.
 */
export class FsSnapshot implements RepoSnapshot {
  readonly root: string;
  constructor(root: string) {
    this.root = realpathSync.native(root);
  }

  async stat(path: string): Promise<Entry | undefined> {
    let st: Stats | undefined;
    try {
      // A missing path is an answer, not an exception (cheaper, and the common case for probes).
      st = lstatSync(this.abs(path), { throwIfNoEntry: false });
    } catch {
      return undefined;
    }
    return st && { type: typeOf(st), size: st.isFile() ? st.size : 0 };
  }

  async readFile(path: string): Promise<string> {
    const abs = this.abs(path);
    // Defence in depth: the engine already refused symlinked components, but check the real
    // location too, so a race or a port misuse can never read outside the repository.
    const real = realpathSync.native(abs);
    if (real !== this.root && !real.startsWith(this.root + sep))
      throw new Error(`refusing to read outside the repository: ${path}`);
    return readFileSync(real, 'utf8');
  }

  /**
   * The file at `path` when it is a regular file inside the repository whose git blob id is `sha`
   * (and size `size`), else undefined. A checked-out commit holds most of the files its base holds,
   * byte for byte: a base read through the API (GitTreeSnapshot) takes those from here instead of
   * fetching their blobs. Only bytes with the base blob's id are ever returned, so the head cannot
   * change what the base says; a size that differs, a symlink, or a path outside the repository
   * is never read.
   */
  async readIfBlob(path: string, sha: string, size: number): Promise<string | undefined> {
    try {
      const abs = this.abs(path);
      const st = lstatSync(abs, { throwIfNoEntry: false });
      if (!st?.isFile() || st.size !== size) return undefined;
      const real = realpathSync.native(abs);
      if (!real.startsWith(this.root + sep)) return undefined;
      const bytes = readFileSync(real);
      const id = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
      return id === sha ? bytes.toString('utf8') : undefined;
    } catch {
      return undefined;
    }
  }

  async list(path: string): Promise<Array<{ name: string; type: EntryType }>> {
    try {
      return readdirSync(this.abs(path), { withFileTypes: true }).map((d) => ({
        name: d.name,
        type: d.isSymbolicLink() ? 'symlink' : d.isDirectory() ? 'dir' : d.isFile() ? 'file' : 'other',
      }));
    } catch {
      return [];
    }
  }

  private abs(path: string): string {
    if (path === '') return this.root;
    // The engine's paths are already normalised (see safe-path.ts): join only what is not, rather
    // than normalising every one of a run's many stats.
    return isNormalRelative(path) ? `${this.root}${sep}${path}` : join(this.root, path);
  }
}

function typeOf(st: Stats): EntryType {
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isDirectory()) return 'dir';
  if (st.isFile()) return 'file';
  return 'other';
}
