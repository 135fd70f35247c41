import { FULL_SHA, MAX_PULL_FILES } from '../src/constants.js';
import type { ChangedFile } from '../src/engine/touches.js';
import type { Entry, EntryType, RepoSnapshot } from '../src/snapshot/port.js';

/**
 * The engine's GitHub port: the two Octokit methods it uses (`octokit.request` and
 * `octokit.paginate` have these shapes), so tests can pass a plain object. Errors carry the HTTP
 * `status`, as Octokit's RequestError does.
 */
export interface GitHubApi {
  request(route: string, params?: Record<string, unknown>): Promise<{ status: number; data: unknown }>;
  /** Every item of a paginated list (each page one request). */
  paginate(route: string, params?: Record<string, unknown>): Promise<unknown[]>;
}

/** The part of the port that reading files needs. */
export type Requester = Pick<GitHubApi, 'request'>;

interface ContentItem {
  type: string;
  size: number;
  path: string;
  name: string;
  content?: string;
  encoding?: string;
}

type Fetched =
  | { kind: 'missing' }
  | { kind: 'file' | 'symlink' | 'other'; item: ContentItem }
  | { kind: 'dir'; items: ContentItem[] };

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
    if (f.item.encoding === 'base64' && typeof f.item.content === 'string')
      return Buffer.from(f.item.content, 'base64').toString('utf8');
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
      ({ data } = await this.api.request('GET /repos/{owner}/{repo}/contents/{path}', {
        owner: this.owner,
        repo: this.repo,
        path,
        ref: this.ref,
      }));
    } catch (e) {
      if ((e as { status?: number }).status === 404) return { kind: 'missing' };
      throw e;
    }
    if (Array.isArray(data)) return { kind: 'dir', items: data as ContentItem[] };
    const item = data as ContentItem;
    // For a symlink to a file the API answers with the target's content under the target's path.
    if (item.path !== path) return { kind: 'symlink', item };
    const t = toType(item.type);
    return { kind: t === 'dir' ? 'other' : t, item };
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

/** A local copy of some of a commit's files, trusted only where a file's git blob id matches (FsSnapshot). */
export interface LocalBlobs {
  readIfBlob(path: string, sha: string, size: number): Promise<string | undefined>;
}

/**
 * A repository at one commit through the Git trees API: one request lists every path with its
 * mode and size (so stats and listings cost nothing more), and each file read is one blob
 * request, unless `local` holds the same blob (same git object id): then it is read from there.
 * Symlinks are seen as symlinks (mode 120000). Falls back to the contents API when the tree is
 * too large for one response.
 */
export class GitTreeSnapshot implements RepoSnapshot {
  readonly resolvesOnlyRealFolders = true;
  private tree?: Promise<Map<string, TreeEntry> | undefined>;
  private readonly fallback: GitHubSnapshot;
  private readonly dirs = new Map<string, Array<{ name: string; type: EntryType }>>();
  private readonly blobs = new Map<string, Promise<string>>();

  constructor(
    private readonly api: Requester,
    readonly owner: string,
    readonly repo: string,
    readonly ref: string,
    private readonly local?: LocalBlobs,
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
    // One read per blob: a file several releases cite (shared evidence) is fetched once.
    let text = this.blobs.get(e.sha);
    if (!text) {
      text = this.readBlob(path, e);
      this.blobs.set(e.sha, text);
    }
    return text;
  }

  private async readBlob(path: string, e: TreeEntry): Promise<string> {
    const copy = await this.local?.readIfBlob(path, e.sha, e.size ?? -1);
    if (copy !== undefined) return copy;
    const { data } = await this.api.request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', {
      owner: this.owner,
      repo: this.repo,
      file_sha: e.sha,
    });
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
      const { data } = await this.api.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', {
        owner: this.owner,
        repo: this.repo,
        tree_sha: this.ref,
        recursive: '1',
      });
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

/** The files a pull request changes as GitHub lists them, or why they cannot all be known (one line, for the user). */
export type PullFiles = { ok: true; files: ChangedFile[] } | { ok: false; problem: string };

/**
 * Every file a pull request changes, through the paginated files listing, as GitHub lists them:
 * added, modified and removed files, a rename with its old path in `previous_filename`
 * (`changedPaths()` in touches.ts turns them into paths). One request per 100 files.
 *
 * Fails closed when the listing cannot be the whole change: past GitHub's 3,000-file cap, empty,
 * or shorter than the event's `changed_files` (`expected`, counted in files, a rename once).
 */
export async function listPullFiles(
  api: GitHubApi,
  owner: string,
  repo: string,
  pull: number,
  expected?: number,
): Promise<PullFiles> {
  const tooMany = (count: string): PullFiles => ({
    ok: false,
    problem: `This pull request changes more than ${MAX_PULL_FILES} files${count}; GitHub lists at most ${MAX_PULL_FILES}, so the ASL gate cannot see the whole change. Split it into smaller pull requests.`,
  });
  if (expected !== undefined && expected > MAX_PULL_FILES) return tooMany(` (${expected})`);
  const listed = (await api.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
    owner,
    repo,
    pull_number: pull,
    per_page: 100,
  })) as Array<Partial<ChangedFile> | null>;
  // GitHub stops listing at the cap: without a count to compare with, a full listing may be cut short.
  if (listed.length >= MAX_PULL_FILES && (expected === undefined || listed.length < expected)) return tooMany('');
  if (listed.length === 0)
    return {
      ok: false,
      problem:
        'GitHub listed no changed files for this pull request, so the ASL gate cannot tell what it changes; re-run the check.',
    };
  if (expected !== undefined && listed.length < expected) {
    return {
      ok: false,
      problem: `GitHub listed ${listed.length} of the ${expected} files this pull request changes, so the ASL gate cannot see the whole change; re-run the check.`,
    };
  }
  const files = changedFilesOf(listed);
  if (!files)
    return {
      ok: false,
      problem:
        'GitHub answered the changed-files listing with something other than files; the ASL gate cannot see the change.',
    };
  return { ok: true, files };
}

/** GitHub's diff entries as the change rule takes them; undefined when one is not a file entry. */
function changedFilesOf(listed: ReadonlyArray<Partial<ChangedFile> | null>): ChangedFile[] | undefined {
  const files: ChangedFile[] = [];
  for (const f of listed) {
    if (
      typeof f?.filename !== 'string' ||
      typeof f.status !== 'string' ||
      (f.previous_filename !== undefined && typeof f.previous_filename !== 'string') ||
      (f.status === 'renamed' && !f.previous_filename)
    )
      return undefined;
    files.push({
      filename: f.filename,
      status: f.status,
      ...(f.previous_filename ? { previous_filename: f.previous_filename } : {}),
    });
  }
  return files;
}

/** Most files a comparison lists (GitHub's documented limit: only the first page, at most 300). */
export const MAX_COMPARE_FILES = 300;

/**
 * A PR's change and its merge base from one three-dot comparison of its base and head commits
 * (`GET /repos/{owner}/{repo}/compare/{base}...{head}`): the same files as the PR's listing, plus
 * the commit its branch left the base at. Undefined whenever the comparison cannot stand for the
 * listing — more files than it lists, a count other than the PR's `changed_files` (`expected`),
 * no merge base, an answer of another shape, or a 404/422 — so the caller lists the PR's files.
 */
export async function compareWithBase(
  api: Requester,
  owner: string,
  repo: string,
  base: string,
  head: string,
  expected: number | undefined,
): Promise<{ mergeBase: string; files: ChangedFile[] } | undefined> {
  if (
    expected === undefined ||
    expected < 1 ||
    expected > MAX_COMPARE_FILES ||
    !FULL_SHA.test(base) ||
    !FULL_SHA.test(head)
  )
    return undefined;
  let data: unknown;
  try {
    // One commit per page: the files come on the first page whatever its size.
    ({ data } = await api.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
      owner,
      repo,
      basehead: `${base}...${head}`,
      per_page: 1,
    }));
  } catch (e) {
    const status = (e as { status?: number }).status;
    if (status === 404 || status === 422) return undefined;
    throw e;
  }
  const d = data as { merge_base_commit?: { sha?: unknown } | null; files?: unknown } | null;
  const mergeBase = d?.merge_base_commit?.sha;
  if (
    typeof mergeBase !== 'string' ||
    !FULL_SHA.test(mergeBase) ||
    !Array.isArray(d?.files) ||
    d.files.length !== expected
  )
    return undefined;
  const files = changedFilesOf(d.files as Array<Partial<ChangedFile> | null>);
  return files && { mergeBase, files };
}
