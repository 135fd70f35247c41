/**
 * The engine's only window on a repository. Paths are repository-relative, '/'-separated and
 * already normalised by the engine (see safe-path.ts); ports never follow symlinks.
 * Implementations: the file system (CLI, Action), memory (tests, benchmarks) and the GitHub API
 * at one commit (bot).
 */
export type EntryType = 'file' | 'dir' | 'symlink' | 'other';

export interface Entry {
  type: EntryType;
  /** Size in bytes; 0 for directories. */
  size: number;
}

export interface RepoSnapshot {
  /**
   * True when a path can only resolve through real folders (git trees), so checking each folder
   * of a path for a symlink would only cost requests.
   */
  readonly resolvesOnlyRealFolders?: boolean;
  /** Describe `path` without following a symlink; `undefined` when nothing is there. '' is the root. */
  stat(path: string): Promise<Entry | undefined>;
  /** Contents of a regular file as UTF-8. Only called after `stat` said `file`. */
  readFile(path: string): Promise<string>;
  /** Entries of a directory, or `[]` when it does not exist. */
  list(path: string): Promise<Array<{ name: string; type: EntryType }>>;
}
