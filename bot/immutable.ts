// What the App reads that a SHA names for good, kept across webhooks in this process (bot/cache.ts):
// the gate's config and pack at a base commit, a commit's Git tree, a blob. A busy repository whose
// PRs share a base reads its config once per base commit, and a head's tree once per head.
//
// Only an optimisation: every key is a full SHA plus the repository and what was read, so a cold
// replica reads the same bytes and decides the same. Nothing read while a request failed is kept:
// the engine turns an unreadable file into a finding, and a finding born of a passing 502 must not
// outlive its event. The next event asks GitHub again; this one still fails closed.
import { FULL_SHA } from '../src/constants.js';
import type { PolicyResult } from '../src/load/policy.js';
import { GitHubSnapshot, type Requester } from '../github/snapshot.js';
import type { ReleaseFiles } from '../src/engine/touches.js';
import type { RepoSnapshot } from '../src/snapshot/port.js';
import { ShaCache } from './cache.js';

/** Most bytes of trees and blobs kept, per thread (the App and each judging worker); the least recently used go first. */
const OBJECT_BYTES = 64 * 1024 * 1024;

type Response = { status: number; data: unknown };

/** Trees and blobs, by repository and SHA, weighed by their size. */
const objects = new ShaCache<Response>({
  maxEntries: 50_000,
  maxWeight: OBJECT_BYTES,
  weigh: (r) => weightOf(r as Response),
});
/** Config and pack at a base commit, valid or not (a broken config at a commit stays broken). */
const policies = new ShaCache<PolicyResult>({ maxEntries: 1_000 });
/** The releases declared at a base commit, as the change rule needs them (per thread: gate.ts runs in workers). */
const baseReleases = new ShaCache<ReleaseFiles[]>({ maxEntries: 200 });

const GIT_OBJECT = /^GET \/repos\/\{owner\}\/\{repo\}\/git\/(trees\/\{tree_sha\}|blobs\/\{file_sha\})$/;

/**
 * `api` with its Git tree and blob reads answered from this process's cache when it holds them:
 * GitTreeSnapshot reads through it. Only reads named by a full SHA are kept.
 */
export function immutableReads(api: Requester, owner: string, repo: string): Requester {
  return {
    request(route: string, params: Record<string, unknown> = {}) {
      const m = GIT_OBJECT.exec(route);
      const sha = m ? String(params.tree_sha ?? params.file_sha) : '';
      if (!m || !FULL_SHA.test(sha)) return api.request(route, params);
      const what = `${repoKey(owner, repo)}:${m[1].split('/')[0]}${params.recursive ? ':recursive' : ''}`;
      return objects.get(ShaCache.key(sha, what), async () => {
        const { status, data } = await api.request(route, params);
        return { status, data };
      });
    },
  };
}

/** Loads config and pack from a snapshot; `transient` results (a time budget ran out) are not kept. */
export type PolicyLoader = (snapshot: RepoSnapshot) => Promise<PolicyResult & { transient?: boolean }>;

/**
 * The gate's config and the pack it names, as committed at `sha` (a PR's base commit), read once per
 * base commit and repository; `parse` loads them (the App: in a worker, bot/gate.ts).
 */
export function policyAt(
  api: Requester,
  owner: string,
  repo: string,
  sha: string,
  parse: PolicyLoader,
): Promise<PolicyResult> {
  const load = async () => {
    let clean = true;
    // A 404 is an answer (no config at that commit); any other error is not.
    const watched: Requester = {
      request: (route, params) =>
        api.request(route, params).catch((e: unknown) => {
          clean &&= (e as { status?: number }).status === 404;
          throw e;
        }),
    };
    const { transient, ...value } = await parse(new GitHubSnapshot(watched, owner, repo, sha));
    return { value: value, clean: clean && !transient };
  };
  // A base named otherwise than by a full SHA is read every time (the API always sends full SHAs).
  if (!FULL_SHA.test(sha)) return load().then((r) => r.value);
  return keptIfClean(policies, ShaCache.key(sha, `${repoKey(owner, repo)}:policy`), load);
}

/**
 * The releases declared at a base commit (`load()` reads them), once per base SHA, repository and
 * `releases` globs.
 */
export function baseReleasesAt(
  at: { sha: string; repo: string },
  globs: readonly string[],
  load: () => Promise<ReleaseFiles[]>,
): Promise<ReleaseFiles[]> {
  if (!FULL_SHA.test(at.sha)) return load();
  return baseReleases.get(ShaCache.key(at.sha, `${at.repo.toLowerCase()}:releases:${JSON.stringify(globs)}`), load);
}

/** What a load read, and whether every request it made was answered (then it may be kept). */
interface Loaded<V> {
  value: V;
  clean: boolean;
}

/** Carries a value out of a load that must not be kept. */
class NotKept<V> extends Error {
  constructor(readonly value: V) {
    super('a load that met a failed request is not kept');
  }
}

/** `cache.get`, except that a load that met a failed request answers its callers and is forgotten. */
async function keptIfClean<V>(cache: ShaCache<V>, key: string, load: () => Promise<Loaded<V>>): Promise<V> {
  try {
    return await cache.get(key, async () => {
      const r = await load();
      if (!r.clean) throw new NotKept(r.value);
      return r.value;
    });
  } catch (e) {
    if (e instanceof NotKept) return e.value as V;
    throw e;
  }
}

/** Forget every cached read (tests, whose mocked SHAs do not always name one content). */
export function forgetImmutableReads(): void {
  objects.clear();
  policies.clear();
  baseReleases.clear();
}

// GitHub's owner and repository names are case-insensitive.
const repoKey = (owner: string, repo: string) => `${owner}/${repo}`.toLowerCase();

/** About the bytes a response holds: a blob's content, or a tree's entries. */
function weightOf(r: Response): number {
  const d = r.data as { content?: unknown; tree?: unknown };
  if (typeof d?.content === 'string') return d.content.length + 200;
  if (Array.isArray(d?.tree)) return d.tree.length * 200 + 200;
  return 1_000;
}
