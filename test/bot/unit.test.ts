// The App in-process through probot.receive(), every REST call mocked by nock (no network), plus
// the pure rules: command parsing and the approval decision.
import nock from 'nock';
import { Probot, ProbotOctokit } from 'probot';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { aslGateApp } from '../../bot/app.js';
import { parseCommands } from '../../bot/commands.js';
import { bind, decide, type CommentInfo, type LedgerEntry } from '../../bot/decide.js';
import { forgetImmutableReads } from '../../bot/immutable.js';
import { privateKey } from '../helpers/bot.js';
import { exampleRepo } from '../helpers/repo.js';
import { webhook } from '../helpers/webhooks.js';

const API = 'https://api.github.com';
const HEAD = 'c'.repeat(40);
const BASE = 'b'.repeat(40);
let probot: Probot;

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
beforeEach(() => {
  // Each test mocks its own contents under the same SHAs: start every one with a cold cache.
  forgetImmutableReads();
  probot = new Probot({
    appId: 4242,
    privateKey: privateKey(),
    Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
  });
  void probot.load((app) => aslGateApp(app, { appId: 4242, today: () => '2026-11-28' }));
});
afterEach(() => nock.cleanAll());

// A request no mock answers fails inside the App, which logs and carries on: collect them, so a test
// of "makes no request" can fail.
let refused: string[] = [];
const onNoMatch = (req: { method?: string; path?: string }) => refused.push(`${req.method} ${req.path}`);
beforeEach(() => {
  refused = [];
  nock.emitter.on('no match', onNoMatch);
});
afterEach(() => {
  nock.emitter.removeListener('no match', onNoMatch);
});
const unmatched = () => refused;

const repository = { name: 'models', full_name: 'lab/models', owner: { login: 'lab' } };
const b64 = (s: string) => Buffer.from(s).toString('base64');

/**
 * What every handled event reads first: an installation token, with `pull` the PR (a comment's
 * event does not carry it), then the base's gate config (`config`, or a 404 when undefined).
 */
function tokenAndConfig(config: string | undefined, opts: { pull?: boolean } = {}) {
  const scope = nock(API)
    .post('/app/installations/77/access_tokens')
    .reply(201, { token: 't', expires_at: '2099-01-01T00:00:00Z', permissions: {} });
  if (opts.pull) scope.get('/repos/lab/models/pulls/7').reply(200, pull);
  const read = scope.get('/repos/lab/models/contents/.github%2Fasl-gate.yml').query({ ref: BASE });
  if (config === undefined) return read.reply(404, { message: 'Not Found' });
  return read.reply(200, {
    type: 'file',
    path: '.github/asl-gate.yml',
    name: 'asl-gate.yml',
    size: Buffer.byteLength(config),
    encoding: 'base64',
    content: b64(config),
  });
}

describe('App handlers (nock)', () => {
  it('a PR that touches no release gets a success check at once', async () => {
    const scope = tokenAndConfig(undefined)
      // No check-runs lookup, comments or commits: nothing to approve needs no state. One
      // comparison gives the change and its merge base (the base commit): the head is not read.
      .get(`/repos/lab/models/compare/${BASE}...${HEAD}`)
      .query({ per_page: '1' })
      .reply(200, { merge_base_commit: { sha: BASE }, files: [{ filename: 'docs/readme.md', status: 'modified' }] })
      .get(`/repos/lab/models/git/trees/${BASE}`)
      .query({ recursive: '1' })
      .reply(200, { sha: BASE, tree: [], truncated: false })
      .post(
        '/repos/lab/models/check-runs',
        (body) =>
          body.name === 'RSO approval: main' &&
          body.head_sha === HEAD &&
          body.status === 'completed' &&
          body.conclusion === 'success' &&
          body.output.title === 'Not a release',
      )
      .reply(201, { id: 1 });
    await probot.receive({
      id: '1',
      name: 'pull_request',
      payload: webhook('pull_request', 'opened', {
        number: 7,
        pull_request: {
          number: 7,
          state: 'open',
          head: { sha: HEAD },
          base: { sha: BASE, ref: 'main' },
          changed_files: 1,
        },
        repository,
        installation: { id: 77 },
      }) as never,
    });
    expect(scope.pendingMocks()).toStrictEqual([]);
  });

  it('a comment without a command makes no request at all', async () => {
    await probot.receive({
      id: '2',
      name: 'issue_comment',
      payload: webhook('issue_comment', 'created', {
        issue: { number: 7, pull_request: { url: 'x' } },
        comment: { body: 'LGTM, thanks!\n> /rso approve' },
        repository,
        installation: { id: 77 },
      }) as never,
    });
    expect(unmatched()).toStrictEqual([]);
  });

  it('a broken base config sets the check to failure, never success', async () => {
    const scope = tokenAndConfig('policy: nope-1\n')
      .get(`/repos/lab/models/commits/${HEAD}/check-runs`)
      .query(true)
      .reply(200, { total_count: 0, check_runs: [] })
      .post('/repos/lab/models/check-runs', (body) => body.conclusion === 'failure' && /broken/.test(body.output.title))
      .reply(201, { id: 2 });
    await expect(
      probot.receive({
        id: '3',
        name: 'pull_request',
        payload: webhook('pull_request', 'synchronize', {
          number: 7,
          pull_request: { number: 7, state: 'open', head: { sha: HEAD }, base: { sha: BASE, ref: 'main' } },
          repository,
          installation: { id: 77 },
        }) as never,
      }),
    ).rejects.toThrow();
    expect(scope.pendingMocks()).toStrictEqual([]);
  });
});

/** Mocks for a release PR (#7, nova-2 at HEAD) as GitHub would answer them, with this App's check run if any. */
function releasePr(opts: { comments?: unknown[]; checkRun?: unknown; files?: boolean } = {}) {
  const files = exampleRepo('nova-2');
  // As GitHub lists a recursive tree: every folder too, so releases can be discovered.
  const folders = [
    ...new Set(
      Object.keys(files).flatMap((p) =>
        p
          .split('/')
          .slice(0, -1)
          .map((_, i, a) => a.slice(0, i + 1).join('/')),
      ),
    ),
  ];
  const tree = [
    ...Object.entries(files).map(([path, text], i) => ({
      path,
      mode: '100644',
      type: 'blob',
      sha: String(i).padStart(40, '0'),
      size: text.length,
    })),
    ...folders.map((path) => ({ path, mode: '040000', type: 'tree', sha: 'f'.repeat(40) })),
  ];
  const scope = tokenAndConfig(files['.github/asl-gate.yml'])
    .get(`/repos/lab/models/commits/${HEAD}/check-runs`)
    .query(true)
    .reply(200, { total_count: opts.checkRun ? 1 : 0, check_runs: opts.checkRun ? [opts.checkRun] : [] });
  if (opts.files !== false) {
    scope
      // A comparison GitHub cannot make (404): the PR's own listing, and the head read whole.
      .get(`/repos/lab/models/compare/${BASE}...${HEAD}`)
      .query(true)
      .reply(404, { message: 'Not Found' })
      .get('/repos/lab/models/pulls/7/files')
      .query(true)
      .reply(
        200,
        Object.keys(files)
          .filter((p) => p.startsWith('releases/'))
          .map((filename) => ({ filename, status: 'added' })),
      )
      .get(`/repos/lab/models/git/trees/${BASE}`)
      .query({ recursive: '1' })
      .reply(200, { sha: BASE, tree: [], truncated: false })
      .get(`/repos/lab/models/git/trees/${HEAD}`)
      .query({ recursive: '1' })
      .reply(200, { sha: HEAD, tree, truncated: false });
    for (const [i, [path, text]] of Object.entries(files).entries()) {
      if (/asl\.yml$|assessments\//.test(path))
        scope
          .get(`/repos/lab/models/git/blobs/${String(i).padStart(40, '0')}`)
          .reply(200, { content: b64(text), encoding: 'base64' });
    }
  }
  scope
    .get('/repos/lab/models/issues/7/comments')
    .query(true)
    .reply(200, opts.comments ?? []);
  // Who pushed is read only when some comment carries a command.
  if (opts.comments?.length)
    scope
      .get('/repos/lab/models/pulls/7/commits')
      .query(true)
      .reply(200, [{ sha: HEAD, author: { id: 11, login: 'dev-alice' }, committer: { id: 11, login: 'dev-alice' } }]);
  return scope;
}

const pull = {
  number: 7,
  state: 'open',
  user: { id: 11, login: 'dev-alice' },
  head: { sha: HEAD },
  base: { sha: BASE, ref: 'main' },
  commits: 1,
};
/** This App's check run state (v3) on HEAD for base main: a cached passing gate, `since`, a ledger. */
const runState = (ledger: unknown[] = [], since = '2026-11-28T09:00:05Z') =>
  `<!-- asl-gate:state ${Buffer.from(JSON.stringify({ v: 3, head: HEAD, base: BASE, today: '2026-11-28', since, sincePr: 7, ledger, gate: { relevant: true, verdict: 'pass', approvalRequired: true, policyChanged: false, releases: [], findings: [] } })).toString('base64')} -->`;
const stickyBody = `<!-- asl-gate:rso-approval -->\n<!-- asl-gate:head ${HEAD} main -->\nold`;
const comment = (id: number, login: string, userId: number, body: string, at = '2026-11-28T10:00:00Z') => ({
  id,
  body,
  created_at: at,
  updated_at: at,
  html_url: `https://github.com/lab/models/pull/7#issuecomment-${id}`,
  user: { id: userId, login, type: 'User' },
});

describe('App rules (nock)', () => {
  it('a release PR gets an in_progress check and one sticky comment naming the RSOs', async () => {
    // No command in the thread: no login of the config is looked up (attack review finding 7).
    const scope = releasePr()
      .post(
        '/repos/lab/models/check-runs',
        (b) =>
          b.status === 'in_progress' &&
          b.head_sha === HEAD &&
          /Waiting for RSO approval of ccccccc/.test(b.output.title),
      )
      .reply(201, { id: 5 })
      .post(
        '/repos/lab/models/issues/7/comments',
        (b) =>
          b.body.startsWith('<!-- asl-gate:rso-approval -->') &&
          b.body.includes('@rso-kaplan @lab/responsible-scaling') &&
          b.body.includes('/rso approve ccccccc'),
      )
      .reply(201, { id: 600 })
      .get('/repos/lab/models/issues/7/comments')
      .query(true)
      .reply(200, [
        {
          ...comment(600, 'asl-gate[bot]', 1, '<!-- asl-gate:rso-approval -->\n…'),
          performed_via_github_app: { id: 4242 },
        },
      ])
      .patch('/repos/lab/models/issues/comments/600')
      .reply(200, {});
    await probot.receive({
      id: '4',
      name: 'pull_request',
      payload: webhook('pull_request', 'opened', {
        number: 7,
        pull_request: pull,
        repository,
        installation: { id: 77 },
      }) as never,
    });
    expect(scope.pendingMocks()).toStrictEqual([]);
  });

  it("the RSO's /rso approve turns the check green with the audit record, and gets a 👍", async () => {
    const run = {
      id: 5,
      head_sha: HEAD,
      started_at: '2026-11-28T09:00:05Z',
      app: { id: 4242 },
      output: { text: runState() },
    };
    const approve = comment(700, 'rso-kaplan', 99, '/rso approve');
    const sticky = { ...comment(600, 'asl-gate[bot]', 1, stickyBody), performed_via_github_app: { id: 4242 } };
    let written = '';
    const scope = tokenAndConfig(exampleRepo()['.github/asl-gate.yml'], { pull: true })
      .get(`/repos/lab/models/commits/${HEAD}/check-runs`)
      .query(true)
      .reply(200, { total_count: 1, check_runs: [run] })
      // A binding command reads the timeline: the comments, and GitHub's record of force-pushes and
      // retargets since the App saw the head (none here; a commit's item has no date and says nothing).
      .get('/repos/lab/models/issues/7/timeline')
      .query(true)
      .reply(200, [
        { event: 'committed', sha: HEAD },
        { ...sticky, event: 'commented' },
        { ...approve, event: 'commented' },
      ])
      .get('/repos/lab/models/pulls/7/commits')
      .query(true)
      .reply(200, [{ sha: HEAD, author: { id: 11, login: 'dev-alice' }, committer: { id: 11, login: 'dev-alice' } }])
      // The commenter's login is listed: whoever holds it now must be the commenter (by id).
      .get('/users/rso-kaplan')
      .reply(200, { id: 99, login: 'rso-kaplan' })
      // A recorded command goes into a new run of the same name, never over the newest one.
      .post(
        '/repos/lab/models/check-runs',
        (b) => (
          (written = b.output.text),
          b.name === 'RSO approval: main' &&
            b.conclusion === 'success' &&
            b.output.summary.includes(`| Commit | \`${HEAD}\` |`) &&
            b.output.summary.includes('#issuecomment-700')
        ),
      )
      .reply(201, { id: 6 })
      // Read back: the newest run holds every entry any run holds.
      .get(`/repos/lab/models/commits/${HEAD}/check-runs`)
      .query(true)
      .reply(200, () => ({ total_count: 2, check_runs: [run, { ...run, id: 6, output: { text: written } }] }))
      .patch('/repos/lab/models/issues/comments/600')
      .reply(200, {})
      .post('/repos/lab/models/issues/comments/700/reactions', { content: '+1' })
      .reply(201, {});
    await probot.receive({
      id: '5',
      name: 'issue_comment',
      payload: webhook('issue_comment', 'created', {
        issue: { number: 7, pull_request: { url: 'x' } },
        comment: approve,
        repository,
        installation: { id: 77 },
      }) as never,
    });
    expect(scope.pendingMocks()).toStrictEqual([]);
  });

  it('a non-RSO gets a 👎 and one reply saying why; the check stays in_progress', async () => {
    const run = {
      id: 5,
      head_sha: HEAD,
      started_at: '2026-11-28T09:00:05Z',
      app: { id: 4242 },
      output: { text: runState() },
    };
    const bob = comment(701, 'dev-bob', 12, '/rso approve');
    const sticky = { ...comment(600, 'asl-gate[bot]', 1, 'placeholder'), performed_via_github_app: { id: 4242 } };
    const scope = tokenAndConfig(exampleRepo()['.github/asl-gate.yml'], { pull: true })
      .get(`/repos/lab/models/commits/${HEAD}/check-runs`)
      .query(true)
      .reply(200, { total_count: 1, check_runs: [run] })
      .get('/repos/lab/models/issues/7/timeline')
      .query(true)
      .reply(200, [
        { ...sticky, body: stickyBody, event: 'commented' },
        { ...bob, event: 'commented' },
      ])
      .get('/repos/lab/models/pulls/7/commits')
      .query(true)
      .reply(200, [{ sha: HEAD, author: { id: 11, login: 'dev-alice' }, committer: { id: 11, login: 'dev-alice' } }])
      .get('/orgs/lab/teams/responsible-scaling/memberships/dev-bob')
      .reply(404, { message: 'Not Found' })
      .patch('/repos/lab/models/check-runs/5', (b) => b.status === 'in_progress')
      .reply(200, {})
      .patch('/repos/lab/models/issues/comments/600')
      .reply(200, {})
      .post('/repos/lab/models/issues/comments/701/reactions', { content: '-1' })
      .reply(201, {})
      .post(
        '/repos/lab/models/issues/7/comments',
        (b) =>
          b.body.includes('<!-- asl-gate:reply:701 -->') &&
          b.body.includes('@dev-bob is not a Responsible Scaling Officer'),
      )
      .reply(201, {});
    await probot.receive({
      id: '6',
      name: 'issue_comment',
      payload: webhook('issue_comment', 'created', {
        issue: { number: 7, pull_request: { url: 'x' } },
        comment: bob,
        repository,
        installation: { id: 77 },
      }) as never,
    });
    expect(scope.pendingMocks()).toStrictEqual([]);
  });

  it('an edited comment makes no request at all', async () => {
    await probot.receive({
      id: '7',
      name: 'issue_comment',
      payload: webhook('issue_comment', 'edited', {
        issue: { number: 7, pull_request: { url: 'x' } },
        comment: comment(702, 'rso-kaplan', 99, '/rso approve'),
        repository,
        installation: { id: 77 },
      }) as never,
    });
    expect(unmatched()).toStrictEqual([]);
  });
});

describe('command parsing', () => {
  it('takes commands at a line start, outside quotes and code', () => {
    expect(
      parseCommands(
        '/rso approve\n/rso approve 1a2b3c4\n  /rso reject Not yet: missing report.\n/rso revoke\n/rso status\n/rso recheck',
      ),
    ).toEqual([
      { name: 'approve' },
      { name: 'approve', sha: '1a2b3c4' },
      { name: 'reject', reason: 'Not yet: missing report.' },
      { name: 'revoke' },
      { name: 'status' },
      { name: 'recheck' },
    ]);
    expect(
      parseCommands(
        'please /rso approve\n> /rso approve\n```\n/rso approve\n```\n~~~\n/rso approve\n~~~\n    /rso approve',
      ),
    ).toEqual([]);
  });

  it('flags malformed commands', () => {
    expect(parseCommands('/rso reject').map((c) => c.name)).toEqual(['invalid']);
    expect(parseCommands('/rso approve main').map((c) => c.name)).toEqual(['invalid']);
    expect(parseCommands('/rso frobnicate').map((c) => c.name)).toEqual(['invalid']);
  });
});

describe('approval decision (replay of what the App bound to the head)', () => {
  const head = 'a'.repeat(40);
  const rso = { id: 1, login: 'rso', type: 'User' };
  let n = 0;
  const comment = (body: string, at: string, user = rso): CommentInfo => ({
    id: ++n,
    body,
    created_at: at,
    updated_at: at,
    html_url: `u${n}`,
    user,
  });
  const entry = (c: CommentInfo, kind: LedgerEntry['kind'], reason?: string): LedgerEntry => ({
    comment: c.id,
    kind,
    user: { id: c.user!.id, login: c.user!.login },
    at: c.created_at,
    url: c.html_url,
    ...(reason ? { reason } : {}),
  });
  const gate = { relevant: true, verdict: 'pass' as const, approvalRequired: true };
  const authorize = (u: { login: string }) => (u.login === 'rso' ? undefined : 'not an RSO');
  const state = (comments: CommentInfo[], ledger: LedgerEntry[], more: Partial<Parameters<typeof decide>[0]> = {}) =>
    decide({ head, gate, comments, ledger, authorize, ...more }).outcome.state;

  it('replays the ledger in order: approve, reject, revoke', () => {
    const [a, r, v] = [
      comment('/rso approve', '2026-01-02'),
      comment('/rso reject no', '2026-01-03'),
      comment('/rso revoke', '2026-01-04'),
    ];
    const ledger = [entry(a, 'approve'), entry(r, 'reject', 'no'), entry(v, 'revoke')];
    expect(state([a, r, v], ledger)).toBe('waiting');
    expect(state([a, r], ledger.slice(0, 2))).toBe('rejected');
    expect(state([a], ledger.slice(0, 1))).toBe('approved');
    expect(state([a, r, v], [...ledger].reverse())).toBe('waiting');
  });

  it('comments the App never bound to this (head, base) do not count, a full SHA of the head included', () => {
    expect(state([comment('/rso approve', '2026-01-02')], [])).toBe('waiting');
    expect(state([comment(`/rso approve ${head.slice(0, 12)}`, '2026-01-02')], [])).toBe('waiting');
    expect(state([comment(`/rso approve ${head}`, '2026-01-02')], [])).toBe('waiting');
    expect(state([comment(`/rso approve ${'b'.repeat(40)}`, '2026-01-02')], [])).toBe('waiting');
  });

  it('a full SHA binds only for the base the comment was written for', () => {
    const c = comment(`/rso approve ${head}`, '2026-01-02');
    const b = (baseKnown: boolean) =>
      bind({ head, gate, comments: [c], ledger: [], authorize, comment: c, headKnown: false, baseKnown });
    expect(b(true).entries).toHaveLength(1);
    expect(b(false).entries).toEqual([]);
    expect(b(false).decisions[0].reason).toMatch(/base branch of this pull request changed/);
  });

  it('a recorded rejection survives its comment being edited or deleted; an approval does not', () => {
    const r = comment('/rso reject no', '2026-01-03');
    expect(state([], [entry(r, 'reject', 'no')])).toBe('rejected');
    const a = comment('/rso approve', '2026-01-02');
    expect(state([], [entry(a, 'approve')])).toBe('waiting');
    expect(state([{ ...a, updated_at: '2026-01-05' }], [entry(a, 'approve')])).toBe('waiting');
  });

  it('a failing gate, an RSO no longer authorised and too many commits never approve', () => {
    const a = comment('/rso approve', '2026-01-02');
    expect(state([a], [entry(a, 'approve')], { gate: { ...gate, verdict: 'fail' } })).toBe('gate_failing');
    expect(state([a], [entry(a, 'approve')], { authorize: () => 'gone' })).toBe('waiting');
    expect(state([a], [entry(a, 'approve')], { blocked: 'too many commits' })).toBe('waiting');
  });

  it('no approval is needed below the approval level', () => {
    expect(state([], [], { gate: { ...gate, approvalRequired: false } })).toBe('not_required');
  });

  it('binding: a short SHA selects the head only when the App knows the head; a full SHA always', () => {
    const bound = (body: string, headKnown: boolean) =>
      bind({
        head,
        gate,
        comments: [],
        ledger: [],
        authorize,
        comment: comment(body, '2026-01-02'),
        headKnown,
        baseKnown: true,
      });
    expect(bound('/rso approve', true).entries.map((e) => e.kind)).toEqual(['approve']);
    expect(bound(`/rso approve ${head.slice(0, 8)}`, true).entries).toHaveLength(1);
    expect(bound('/rso approve', false).decisions[0].reason).toMatch(/name it in full: `\/rso approve a{40}`/);
    expect(bound(`/rso approve ${head.slice(0, 8)}`, false).entries).toEqual([]);
    expect(bound(`/rso approve ${head}`, false).entries).toHaveLength(1);
    expect(bound('/rso approve abcdef0', true).decisions[0].reason).toMatch(/is not the head/);
    expect(bound('/rso reject no', false).entries.map((e) => e.kind)).toEqual(['reject']);
    expect(bound('/rso revoke', true).decisions[0].reason).toMatch(/nothing|no approval or rejection/);
  });
});
