import { MAX_PULL_FILES } from '../constants.js';
import type { Entry, EntryType, RepoSnapshot } from './port.js';

/**
 * The one Octokit method the engine's GitHub port needs (`octokit.request` has this shape).
 * Errors carry the HTTP `status`, as Octokit's RequestError does.
 */
export interface Requester {
  request(route: string, params?: Record<string, unknown>): Promise<{ status: number; data: unknown }>;
}

interface ContentItem {
  type: string;
  size: number;
  path: string;
  name: string;
  content?: string;
  encoding?: string;
}

type Fetched = { kind: 'missing' } | { kind: 'file' | 'symlink' | 'other'; item: ContentItem } | { kind: 'dir'; items: ContentItem[] };

/**
 * A repository at one commit, read through the REST contents API. One request per path, cached:
 * `stat` and `readFile` of the same file cost one call.
 */
export class GitHubSnapshot implements RepoSnapshot {
  /**
   * Git trees cannot be walked through a symlinked folder, so a path the API resolves never
   * passed through one: the engine may skip its per-folder symlink checks.
   */
  readonly resolvesOnlyRealFolders = true;
  private readonly cache = new Map<string, Promise<Fetched>>();

  constructor(
    private readonly api: Requester,
    readonly owner: string,
    readonly repo: string,
    readonly ref: string,
  ) {}

  async stat(path: string): Promise<Entry | undefined> {
    const f = await this.fetch(path);
    if (f.kind === 'missing') return undefined;
    if (f.kind === 'dir') return { type: 'dir', size: 0 };
    return { type: f.kind, size: f.item.size };
  }

  async readFile(path: string): Promise<string> {
    const f = await this.fetch(path);
    if (f.kind !== 'file') throw new Error(`not a regular file at ${this.ref.slice(0, 7)}: ${path}`);
    if (f.item.encoding === 'base64' && typeof f.item.content === 'string') return Buffer.from(f.item.content, 'base64').toString('utf8');
    // Over 1 MB the contents API omits the content; the engine never reads files that large
    // (its cap is 256 KiB and it checks sizes first), so this is a bug if it happens.
    throw new Error(`the contents API sent no content for ${path} (${f.item.size} bytes)`);
  }

  async list(path: string): Promise<Array<{ name: string; type: EntryType }>> {
    const f = await this.fetch(path);
    if (f.kind !== 'dir') return [];
    return f.items.map((i) => ({ name: i.name, type: toType(i.type) }));
  }

  private fetch(path: string): Promise<Fetched> {
    let p = this.cache.get(path);
    if (!p) {
      p = this.load(path);
      this.cache.set(path, p);
    }
    return p;
  }

  private async load(path: string): Promise<Fetched> {
    let data: unknown;
    try {
      ({ data } = await this.api.request('GET /repos/{owner}/{repo}/contents/{path}', { owner: this.owner, repo: this.repo, path, ref: this.ref }));
    } catch (e) {
      if ((e as { status?: number }).status === 404) return { kind: 'missing' };
      throw e;
    }
    if (Array.isArray(data)) return { kind: 'dir', items: data as ContentItem[] };
    const item = data as ContentItem;
    // For a symlink to a file the API answers with the target's content under the target's path.
    if (item.path !== path) return { kind: 'symlink', item };
    const t = toType(item.type);
    return { kind: t === 'dir' ? 'other' : t, item } as Fetched;
  }
}

function toType(t: string): EntryType {
  return t === 'file' ? 'file' : t === 'dir' ? 'dir' : t === 'symlink' ? 'symlink' : 'other';
}

interface TreeEntry {
  path: string;
  mode: string;
  type: string;
  sha: string;
  size?: number;
}

/**
 * A repository at one commit through the Git trees API: one request lists every path with its
 * mode and size (so stats and listings cost nothing more), and each file read is one blob
 * request. Symlinks are seen as symlinks (mode 120000). Falls back to the contents API when the
 * tree is too large for one response.
 */
export class GitTreeSnapshot implements RepoSnapshot {
  readonly resolvesOnlyRealFolders = true;
  private tree?: Promise<Map<string, TreeEntry> | undefined>;
  private readonly fallback: GitHubSnapshot;
  private readonly dirs = new Map<string, Array<{ name: string; type: EntryType }>>();

  constructor(
    private readonly api: Requester,
    readonly owner: string,
    readonly repo: string,
    readonly ref: string,
  ) {
    this.fallback = new GitHubSnapshot(api, owner, repo, ref);
  }

  async stat(path: string): Promise<Entry | undefined> {
    const tree = await this.load();
    if (!tree) return this.fallback.stat(path);
    if (path === '') return { type: 'dir', size: 0 };
    const e = tree.get(path);
    if (!e) return undefined;
    return { type: entryType(e), size: e.size ?? 0 };
  }

  async readFile(path: string): Promise<string> {
    const tree = await this.load();
    if (!tree) return this.fallback.readFile(path);
    const e = tree.get(path);
    if (!e || entryType(e) !== 'file') throw new Error(`not a regular file at ${this.ref.slice(0, 7)}: ${path}`);
    const { data } = await this.api.request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', { owner: this.owner, repo: this.repo, file_sha: e.sha });
    const blob = data as { content: string; encoding: string };
    return blob.encoding === 'base64' ? Buffer.from(blob.content, 'base64').toString('utf8') : blob.content;
  }

  async list(path: string): Promise<Array<{ name: string; type: EntryType }>> {
    const tree = await this.load();
    if (!tree) return this.fallback.list(path);
    return this.dirs.get(path) ?? [];
  }

  private load(): Promise<Map<string, TreeEntry> | undefined> {
    this.tree ??= (async () => {
      const { data } = await this.api.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { owner: this.owner, repo: this.repo, tree_sha: this.ref, recursive: '1' });
      const t = data as { tree: TreeEntry[]; truncated: boolean };
      if (t.truncated) return undefined;
      const map = new Map<string, TreeEntry>();
      for (const e of t.tree) {
        map.set(e.path, e);
        const slash = e.path.lastIndexOf('/');
        const dir = slash < 0 ? '' : e.path.slice(0, slash);
        let list = this.dirs.get(dir);
        if (!list) this.dirs.set(dir, (list = []));
        list.push({ name: e.path.slice(slash + 1), type: entryType(e) });
      }
      return map;
    })();
    return this.tree;
  }
}

function entryType(e: TreeEntry): EntryType {
  if (e.mode === '120000') return 'symlink';
  if (e.type === 'tree') return 'dir';
  if (e.type === 'blob') return 'file';
  return 'other';
}

export { MAX_PULL_FILES };

/**
 * Paths a pull request adds or modifies (removed files have nothing to read), paginated; or
 * undefined when the change is past GitHub's 3,000-file listing, so it cannot be seen whole.
 * `expected` (the PR's `changed_files`, when known) saves the page that would only confirm the end.
 */
export async function listPullFiles(api: Requester, owner: string, repo: string, pull: number, expected?: number): Promise<string[] | undefined> {
  if (expected !== undefined && expected > MAX_PULL_FILES) return undefined;
  const paths: string[] = [];
  for (let page = 1; page * 100 <= MAX_PULL_FILES; page++) {
    const { data } = await api.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', { owner, repo, pull_number: pull, per_page: 100, page });
    const files = data as Array<{ filename: string; status: string }>;
    for (const f of files) if (f.status !== 'removed') paths.push(f.filename);
    if (files.length < 100 || (expected !== undefined && page * 100 >= expected)) return paths;
  }
  return undefined;
}
