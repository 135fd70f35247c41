// The App's SHA-keyed cache (bot/cache.ts; bot/immutable.ts keeps the App's reads in it): bounded by
// entries and weight, least recently used out first, one load per key, failures not kept.
import { describe, expect, it } from 'vitest';
import { ShaCache } from '../../bot/cache.js';

const sha = (c: string) => c.repeat(40);

describe('ShaCache', () => {
  it('loads a key once and answers later calls from memory', async () => {
    const cache = new ShaCache<string>({ maxEntries: 10 });
    let loads = 0;
    const load = async () => `config #${++loads}`;
    const key = ShaCache.key(sha('a'), '.github/asl-gate.yml');
    expect(await cache.get(key, load)).toBe('config #1');
    expect(await cache.get(key, load)).toBe('config #1');
    expect(loads).toBe(1);
    expect({ hits: cache.hits, misses: cache.misses }).toStrictEqual({ hits: 1, misses: 1 });
  });

  it('shares one load between concurrent callers', async () => {
    const cache = new ShaCache<number>({ maxEntries: 10 });
    let loads = 0;
    let release!: (v: number) => void;
    const load = () => (loads++, new Promise<number>((r) => (release = r)));
    const both = Promise.all([cache.get('k', load), cache.get('k', load)]);
    release(42);
    expect(await both).toStrictEqual([42, 42]);
    expect(loads).toBe(1);
  });

  it('forgets a failed load, so the next call tries again', async () => {
    const cache = new ShaCache<string>({ maxEntries: 10 });
    await expect(cache.get('k', async () => Promise.reject(new Error('HTTP 502')))).rejects.toThrow('HTTP 502');
    expect(cache.size).toBe(0);
    expect(await cache.get('k', async () => 'ok')).toBe('ok');
  });

  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const cache = new ShaCache<string>({ maxEntries: 2 });
    await cache.get('a', async () => 'A');
    await cache.get('b', async () => 'B');
    await cache.get('a', async () => 'A again'); // a is now the most recent
    await cache.get('c', async () => 'C'); // b goes
    expect(cache.size).toBe(2);
    expect(await cache.get('a', async () => 'reloaded')).toBe('A');
    expect(await cache.get('b', async () => 'reloaded')).toBe('reloaded');
  });

  it('keeps the total weight under maxWeight', async () => {
    const cache = new ShaCache<string>({ maxEntries: 100, maxWeight: 10, weigh: (v) => (v as string).length });
    await cache.get('a', async () => 'xxxxxx');
    await cache.get('b', async () => 'yyyyyy'); // 12 > 10: a goes
    expect(cache.size).toBe(1);
    expect(await cache.get('b', async () => 'reloaded')).toBe('yyyyyy');
    await cache.get('huge', async () => 'z'.repeat(11)); // heavier than the whole cache: not kept
    expect(await cache.get('huge', async () => 'small')).toBe('small');
  });

  it('keys only full SHAs: a branch name or a short SHA can change meaning', () => {
    expect(ShaCache.key(sha('b'), 'pack.yml')).toBe(`${sha('b')}:pack.yml`);
    expect(() => ShaCache.key('main', 'pack.yml')).toThrow(/not a full commit or blob SHA/);
    expect(() => ShaCache.key('abc1234', 'pack.yml')).toThrow(/not a full commit or blob SHA/);
    expect(() => new ShaCache({ maxEntries: 0 })).toThrow(RangeError);
  });
});

describe("the App's reads by SHA (bot/immutable.ts)", () => {
  it('answers a tree or blob read by full SHA from memory, per repository; other reads, and failures, go to GitHub each time', async () => {
    const { forgetImmutableReads, immutableReads } = await import('../../bot/immutable.js');
    forgetImmutableReads();
    const seen: string[] = [];
    let fail = 1;
    const api = {
      async request(route: string, params: Record<string, unknown> = {}) {
        const ref = params.tree_sha ?? params.file_sha ?? params.ref ?? '';
        seen.push(`${route} ${typeof ref === 'string' ? ref : ''}`);
        if (route.includes('blobs') && fail-- > 0) throw Object.assign(new Error('HTTP 502'), { status: 502 });
        return { status: 200, data: { sha: 'x', content: 'aGk=', encoding: 'base64', tree: [] } };
      },
    };
    const lab = immutableReads(api, 'lab', 'models');
    const tree = (r: typeof lab, sha: string) =>
      r.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', {
        owner: 'lab',
        repo: 'models',
        tree_sha: sha,
        recursive: '1',
      });
    const blob = (r: typeof lab, sha: string) =>
      r.request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', { owner: 'lab', repo: 'models', file_sha: sha });
    await tree(lab, sha('a'));
    await tree(immutableReads(api, 'LAB', 'Models'), sha('a')); // names are case-insensitive
    await tree(immutableReads(api, 'lab', 'other'), sha('a')); // another repository reads for itself
    await tree(lab, 'main'); // a branch name moves: never kept
    await tree(lab, 'main');
    await expect(blob(lab, sha('c'))).rejects.toThrow('HTTP 502');
    await blob(lab, sha('c'));
    await blob(lab, sha('c'));
    await lab.request('GET /repos/{owner}/{repo}/contents/{path}', {
      owner: 'lab',
      repo: 'models',
      path: 'x',
      ref: sha('a'),
    });
    expect(seen).toStrictEqual([
      `GET /repos/{owner}/{repo}/git/trees/{tree_sha} ${sha('a')}`,
      `GET /repos/{owner}/{repo}/git/trees/{tree_sha} ${sha('a')}`,
      'GET /repos/{owner}/{repo}/git/trees/{tree_sha} main',
      'GET /repos/{owner}/{repo}/git/trees/{tree_sha} main',
      `GET /repos/{owner}/{repo}/git/blobs/{file_sha} ${sha('c')}`,
      `GET /repos/{owner}/{repo}/git/blobs/{file_sha} ${sha('c')}`,
      `GET /repos/{owner}/{repo}/contents/{path} ${sha('a')}`,
    ]);
    forgetImmutableReads();
  });
});

describe('the releases at a base commit (bot/gate.ts)', () => {
  it('are read once per base SHA; a failed read fails the judgement (closed) and is not kept', async () => {
    const { judgeChange } = await import('../../bot/judge.js');
    const { forgetImmutableReads } = await import('../../bot/immutable.js');
    const { loadPolicy } = await import('../../src/load/policy.js');
    const { MemorySnapshot } = await import('../../src/snapshot/memory.js');
    const { exampleRepo } = await import('../helpers/repo.js');
    forgetImmutableReads();
    const files = exampleRepo('nova-2');
    const policy = await loadPolicy(new MemorySnapshot(files));
    if (!policy.ok) throw new Error('example config broken');
    let reads = 0;
    let failNext = true;
    const memory = new MemorySnapshot(files);
    const base = {
      stat: (p: string) => memory.stat(p),
      list: (p: string) => memory.list(p),
      readFile: async (p: string) => {
        reads++;
        if (failNext) {
          failNext = false;
          throw Object.assign(new Error('HTTP 502'), { status: 502 });
        }
        return memory.readFile(p);
      },
    };
    const judge = () =>
      judgeChange({
        base,
        head: new MemorySnapshot(files),
        changes: [{ filename: 'src/x.py', status: 'added' }],
        policy: policy.policy,
        today: '2026-11-28',
        baseAt: { sha: sha('b'), repo: 'lab/models' },
      });
    // The engine would make the unreadable declaration a finding nobody sees, and lose its references.
    await expect(judge()).rejects.toThrow('a file at the base commit could not be read (HTTP 502)');
    const afterFailure = reads;
    expect((await judge()).relevant).toBe(false);
    expect(reads).toBeGreaterThan(afterFailure);
    const afterClean = reads;
    await judge(); // the second was clean: kept
    expect(reads).toBe(afterClean);
    forgetImmutableReads();
  });
});
