// The Action's runner in-process, its REST calls mocked with nock (no network at all).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { actionOctokit } from '../../action/octokit.js';
import { run } from '../../action/run.js';
import type { RetryPolicy } from '../../github/retry.js';
import { exampleRepo, writeRepo } from '../helpers/repo.js';
import { parseOutputs, prEvent } from '../helpers/action.js';
import { tempDir } from '../helpers/temp.js';

const API = 'https://api.github.com';
const BASE = 'a'.repeat(40);
const saved = { ...process.env };
let tmp: string;

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
beforeEach(() => {
  tmp = tempDir('unit');
  writeFileSync(join(tmp, 'out'), '');
  writeFileSync(join(tmp, 'summary'), '');
  process.exitCode = undefined;
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  nock.cleanAll();
  process.env = { ...saved };
  process.exitCode = undefined;
});

/** Set the runner environment for an in-process run (core reads process.env itself). */
function runner(workspace: Record<string, string>, event: Record<string, unknown>) {
  const eventPath = join(tmp, 'event.json');
  writeFileSync(eventPath, JSON.stringify(event));
  Object.assign(process.env, {
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'lab/models',
    GITHUB_WORKSPACE: writeRepo(workspace),
    GITHUB_OUTPUT: join(tmp, 'out'),
    GITHUB_STEP_SUMMARY: join(tmp, 'summary'),
    RUNNER_TEMP: tmp,
    INPUT_TOKEN: 't',
    INPUT_NOW: '2026-11-28',
  });
}

/** The verdict output, as the runner would read it from GITHUB_OUTPUT. */
const verdict = () => parseOutputs(readFileSync(join(tmp, 'out'), 'utf8')).verdict;
const findingCodes = () =>
  (JSON.parse(readFileSync(join(tmp, 'asl-gate/report.json'), 'utf8')).findings as Array<{ code: string }>).map(
    (f) => f.code,
  );

// nock sees the global fetch, not the undici copy inside @actions/github: inject it.
const api = (retry: RetryPolicy) => actionOctokit('t', { fetch: globalThis.fetch, retry });
const b64 = (s: string) => Buffer.from(s).toString('base64');
const config = exampleRepo()['.github/asl-gate.yml'];
/** GitHub's Link header pointing at page `n` of the PR's files (octokit.paginate follows it). */
const next = (n: number) => ({ link: `<${API}/repos/lab/models/pulls/7/files?per_page=100&page=${n}>; rel="next"` });
const blobId = (text: string) =>
  createHash('sha1')
    .update(`blob ${Buffer.byteLength(text)}\0${text}`)
    .digest('hex');
/** The base commit's recursive tree, as `GET /repos/{owner}/{repo}/git/trees/{sha}?recursive=1` lists it. */
const treeOf = (files: Record<string, string | { symlink: string }>) => ({
  sha: BASE,
  url: 'https://x',
  truncated: false,
  tree: Object.entries(files).map(([path, v]) => {
    const text = typeof v === 'string' ? v : v.symlink;
    return {
      path,
      mode: typeof v === 'string' ? '100644' : '120000',
      type: 'blob',
      sha: blobId(text),
      size: Buffer.byteLength(text),
      url: 'https://x',
    };
  }),
});
const blob = (text: string) => ({
  sha: blobId(text),
  size: Buffer.byteLength(text),
  url: 'https://x',
  node_id: 'B',
  encoding: 'base64',
  content: b64(text),
});

describe('Action runner (nock)', () => {
  it('paginates the changed files and reads the config at the base SHA (its blob from the workspace: same git blob id)', async () => {
    const files = [
      ...Array.from({ length: 249 }, (_, i) => ({ filename: `docs/f${i}.md`, status: 'added' })),
      { filename: 'releases/nova-2/asl.yml', status: 'modified' },
    ];
    runner(exampleRepo('nova-2'), prEvent({ base: BASE, head: 'b'.repeat(40), changedFiles: 250 }));
    const scope = nock(API)
      .get('/repos/lab/models/pulls/7/files')
      .query({ per_page: 100 })
      .reply(200, files.slice(0, 100), next(2))
      .get('/repos/lab/models/pulls/7/files')
      .query({ per_page: 100, page: 2 })
      .reply(200, files.slice(100, 200), next(3))
      .get('/repos/lab/models/pulls/7/files')
      .query({ per_page: 100, page: 3 })
      .reply(200, files.slice(200))
      .get(`/repos/lab/models/git/trees/${BASE}`)
      .query({ recursive: '1' })
      .reply(200, treeOf({ '.github/asl-gate.yml': config }));
    await run({ api: api({ attempts: 1, baseDelayMs: 0 }) });
    expect(scope.pendingMocks()).toStrictEqual([]);
    expect(verdict()).toBe('pass');
  });

  it('a custom pack is read from the base SHA too', async () => {
    const pack = `id: lab-1\nname: Lab\nlevels: [ASL-1, ASL-2, ASL-3, ASL-4]\nstandards: [deployment, security]\nthresholds: []\nsafeguards: []\ncadence: {comprehensive_max_age_days: 30, effective_compute_multiple: 2}\nreports: {}\nreviews: {}\n`;
    runner(exampleRepo('nova-2'), prEvent({ base: BASE, head: 'b'.repeat(40), changedFiles: 1 }));
    const scope = nock(API)
      .get('/repos/lab/models/pulls/7/files')
      .query(true)
      .reply(200, [{ filename: 'releases/nova-2/asl.yml', status: 'modified' }])
      .get(`/repos/lab/models/git/trees/${BASE}`)
      .query({ recursive: '1' })
      .reply(200, treeOf({ '.github/asl-gate.yml': 'policy: policy/lab.yml\n', 'policy/lab.yml': pack }))
      // Neither is in the workspace byte for byte: each is one blob request.
      .get(`/repos/lab/models/git/blobs/${blobId('policy: policy/lab.yml\n')}`)
      .reply(200, blob('policy: policy/lab.yml\n'))
      .get(`/repos/lab/models/git/blobs/${blobId(pack)}`)
      .reply(200, blob(pack));
    await run({ api: api({ attempts: 1, baseDelayMs: 0 }) });
    expect(scope.pendingMocks()).toStrictEqual([]);
    expect(verdict()).toBe('fail');
    expect(findingCodes()).toContain('policy.mismatch'); // nova-2 names anthropic-rsp-2.2
  });

  it('a config that is a symlink on the base branch is refused', async () => {
    runner(exampleRepo('nova-2'), prEvent({ base: BASE, head: 'b'.repeat(40), changedFiles: 1 }));
    const scope = nock(API)
      .get('/repos/lab/models/pulls/7/files')
      .query(true)
      .reply(200, [{ filename: 'releases/nova-2/asl.yml', status: 'modified' }])
      .get(`/repos/lab/models/git/trees/${BASE}`)
      .query({ recursive: '1' })
      .reply(
        200,
        treeOf({ '.github/asl-gate.yml': { symlink: '../docs/lenient.yml' }, 'docs/lenient.yml': 'grace_days: 99\n' }),
      );
    await run({ api: api({ attempts: 1, baseDelayMs: 0 }) });
    expect(scope.pendingMocks()).toStrictEqual([]);
    expect(verdict()).toBe('fail');
    expect(findingCodes()).toEqual(['reference.unsafe']);
  });

  it('retries a 502 and a rate limit with Retry-After, then succeeds', async () => {
    runner(exampleRepo('nova-2'), prEvent({ base: BASE, head: 'b'.repeat(40), changedFiles: 1 }));
    const scope = nock(API)
      .get('/repos/lab/models/pulls/7/files')
      .query(true)
      .reply(502, { message: 'bad gateway' })
      .get('/repos/lab/models/pulls/7/files')
      .query(true)
      .reply(403, { message: 'secondary rate limit' }, { 'retry-after': '0' })
      .get('/repos/lab/models/pulls/7/files')
      .query(true)
      .reply(200, [{ filename: 'releases/nova-2/asl.yml', status: 'modified' }])
      .get(`/repos/lab/models/git/trees/${BASE}`)
      .query({ recursive: '1' })
      .reply(200, treeOf({ '.github/asl-gate.yml': config }));
    const sleeps: number[] = [];
    await run({ api: api({ attempts: 4, baseDelayMs: 5, sleep: async (ms) => void sleeps.push(ms) }) });
    expect(scope.pendingMocks()).toStrictEqual([]);
    expect(verdict()).toBe('pass');
    expect(sleeps).toEqual([5, 0]); // back-off for the 502, then Retry-After: 0
  });

  it('a 403 that is not a rate limit fails at once', async () => {
    runner(exampleRepo('nova-2'), prEvent({ base: BASE, head: 'b'.repeat(40), changedFiles: 1 }));
    const scope = nock(API)
      .get('/repos/lab/models/pulls/7/files')
      .query(true)
      .reply(403, { message: 'Resource not accessible by integration' });
    await run({ api: api({ attempts: 4, baseDelayMs: 0 }) });
    expect(scope.pendingMocks()).toStrictEqual([]);
    expect(verdict()).toBeUndefined(); // failed before any verdict: never a pass
  });

  it.each([429, 403])(
    'a %i rate limit asking to wait over 60 s fails closed with one line, without sleeping',
    async (status) => {
      runner(exampleRepo('nova-2'), prEvent({ base: BASE, head: 'b'.repeat(40), changedFiles: 1 }));
      const scope = nock(API)
        .get('/repos/lab/models/pulls/7/files')
        .query(true)
        .reply(status, { message: 'API rate limit exceeded' }, { 'retry-after': '2000000' });
      const sleeps: number[] = [];
      await run({ api: api({ attempts: 4, baseDelayMs: 5, sleep: async (ms) => void sleeps.push(ms) }) });
      expect(scope.pendingMocks()).toStrictEqual([]);
      expect(sleeps).toEqual([]);
      expect(verdict()).toBeUndefined();
      expect(process.exitCode).toBe(1);
      const out = vi
        .mocked(process.stdout)
        .write.mock.calls.map((c) => String(c[0]))
        .join('');
      expect(out).toContain(
        '::error::GitHub API GET https://api.github.com/repos/lab/models/pulls/7/files?per_page=100 failed: rate limited, and GitHub asks to wait 2000000 s, over the 60 s asl-gate waits (after 1 attempt)\n',
      );
    },
  );

  it('removed files and both paths of a rename are changed paths: a receipt renamed out of its release checks the release', async () => {
    // The receipt moved out of nova-2's folder: only its old path names the release.
    const workspace = exampleRepo('nova-2');
    const receipt = 'releases/nova-2/reviews/us-aisi-receipt.md';
    workspace['archive/us-aisi-receipt.md'] = workspace[receipt]!;
    delete workspace[receipt];
    runner(workspace, prEvent({ base: BASE, head: 'b'.repeat(40), changedFiles: 1 }));
    const scope = nock(API)
      .get('/repos/lab/models/pulls/7/files')
      .query(true)
      .reply(200, [{ filename: 'archive/us-aisi-receipt.md', previous_filename: receipt, status: 'renamed' }])
      .get(`/repos/lab/models/git/trees/${BASE}`)
      .query({ recursive: '1' })
      .reply(200, treeOf({ '.github/asl-gate.yml': config }));
    await run({ api: api({ attempts: 1, baseDelayMs: 0 }) });
    expect(scope.pendingMocks()).toStrictEqual([]);
    expect(verdict()).toBe('fail');
    expect(findingCodes()).toContain('reference.missing');
  });
});
