import type { Entry, EntryType, RepoSnapshot } from './port.js';

/** Files held in memory: `{path: contents}`; a value `{symlink: target}` is a symlink. For tests and benchmarks. */
export type MemoryFiles = Record<string, string | { symlink: string }>;

export class MemorySnapshot implements RepoSnapshot {
  private readonly files = new Map<string, string | { symlink: string }>();
  private readonly dirs = new Map<string, Map<string, EntryType>>();

  constructor(files: MemoryFiles) {
    this.dirs.set('', new Map());
    for (const [path, content] of Object.entries(files)) {
      this.files.set(path, content);
      const parts = path.split('/');
      let dir = '';
      for (let i = 0; i < parts.length; i++) {
        const name = parts[i];
        const isLast = i === parts.length - 1;
        const type: EntryType = isLast ? (typeof content === 'string' ? 'file' : 'symlink') : 'dir';
        this.dirs.get(dir)!.set(name, type);
        dir = dir ? `${dir}/${name}` : name;
        if (!isLast && !this.dirs.has(dir)) this.dirs.set(dir, new Map());
      }
    }
  }

  async stat(path: string): Promise<Entry | undefined> {
    if (this.dirs.has(path)) return { type: 'dir', size: 0 };
    const f = this.files.get(path);
    if (f === undefined) return undefined;
    return typeof f === 'string' ? { type: 'file', size: Buffer.byteLength(f) } : { type: 'symlink', size: 0 };
  }

  async readFile(path: string): Promise<string> {
    const f = this.files.get(path);
    if (typeof f !== 'string') throw new Error(`not a regular file: ${path}`);
    return f;
  }

  async list(path: string): Promise<Array<{ name: string; type: EntryType }>> {
    return [...(this.dirs.get(path) ?? new Map<string, EntryType>()).entries()].map(([name, type]) => ({ name, type }));
  }
}
