import { lstatSync, readdirSync, readFileSync, realpathSync, type Stats } from 'node:fs';
import { join, sep } from 'node:path';
import { isNormalRelative } from '../safe-path.js';
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
    if (real !== this.root && !real.startsWith(this.root + sep)) throw new Error(`refusing to read outside the repository: ${path}`);
    return readFileSync(real, 'utf8');
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
