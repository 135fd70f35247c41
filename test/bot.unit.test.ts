// The App in-process through probot.receive(), every REST call mocked by nock (no network), plus
// the pure rules: command parsing and the approval decision.
import nock from 'nock';
import { Probot, ProbotOctokit } from 'probot';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { aslGateApp } from '../bot/app.js';
import { parseCommands } from '../bot/commands.js';
import { decide, type CommentInfo } from '../bot/decide.js';
import { privateKey } from './helpers/bot.js';
import { webhook } from './helpers/webhooks.js';

const API = 'https://api.github.com';
const HEAD = 'c'.repeat(40);
const BASE = 'b'.repeat(40);
let probot: Probot;

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
beforeEach(() => {
  probot = new Probot({ appId: 4242, privateKey: privateKey(), Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }) });
  probot.load((app) => aslGateApp(app, { appId: 4242, today: () => '2026-11-28' }));
});
afterEach(() => nock.cleanAll());

const repository = { name: 'models', full_name: 'lab/models', owner: { login: 'lab' } };
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('App handlers (nock)', () => {
  it('a PR that touches no release gets a success check at once', async () => {
    const scope = nock(API)
      .post('/app/installations/77/access_tokens').reply(201, { token: 't', expires_at: '2099-01-01T00:00:00Z', permissions: {} })
      .get('/repos/lab/models/contents/.github%2Fasl-gate.yml').query({ ref: BASE }).reply(404, { message: 'Not Found' })
      .get(`/repos/lab/models/commits/${HEAD}/check-runs`).query(true).reply(200, { total_count: 0, check_runs: [] })
      .get('/repos/lab/models/pulls/7/files').query(true).reply(200, [{ filename: 'docs/readme.md', status: 'modified' }])
      .post('/repos/lab/models/check-runs', (body) => body.name === 'RSO approval' && body.head_sha === HEAD && body.status === 'completed' && body.conclusion === 'success' && body.output.title === 'Not a release')
      .reply(201, { id: 1 });
    await probot.receive({
      id: '1',
      name: 'pull_request',
      payload: webhook('pull_request', 'opened', { number: 7, pull_request: { number: 7, state: 'open', head: { sha: HEAD }, base: { sha: BASE } }, repository, installation: { id: 77 } }) as never,
    });
    expect(scope.pendingMocks()).toStrictEqual([]);
  });

  it('a comment without a command makes no request at all', async () => {
    await probot.receive({
      id: '2',
      name: 'issue_comment',
      payload: webhook('issue_comment', 'created', { issue: { number: 7, pull_request: { url: 'x' } }, comment: { body: 'LGTM, thanks!\n> /rso approve' }, repository, installation: { id: 77 } }) as never,
    });
    expect(nock.pendingMocks()).toStrictEqual([]);
  });

  it('a broken base config sets the check to failure, never success', async () => {
    const scope = nock(API)
      .post('/app/installations/77/access_tokens').reply(201, { token: 't', expires_at: '2099-01-01T00:00:00Z', permissions: {} })
      .get('/repos/lab/models/contents/.github%2Fasl-gate.yml').query({ ref: BASE }).reply(200, { type: 'file', path: '.github/asl-gate.yml', name: 'asl-gate.yml', size: 20, encoding: 'base64', content: b64('policy: nope-1\n') })
      .get(`/repos/lab/models/commits/${HEAD}/check-runs`).query(true).reply(200, { total_count: 0, check_runs: [] })
      .post('/repos/lab/models/check-runs', (body) => body.conclusion === 'failure' && /broken/.test(body.output.title)).reply(201, { id: 2 });
    await expect(
      probot.receive({
        id: '3',
        name: 'pull_request',
        payload: webhook('pull_request', 'synchronize', { number: 7, pull_request: { number: 7, state: 'open', head: { sha: HEAD }, base: { sha: BASE } }, repository, installation: { id: 77 } }) as never,
      }),
    ).rejects.toThrow();
    expect(scope.pendingMocks()).toStrictEqual([]);
  });
});

describe('command parsing', () => {
  it('takes commands at a line start, outside quotes and code', () => {
    expect(parseCommands('/rso approve\n/rso approve 1a2b3c4\n  /rso reject Not yet: missing report.\n/rso revoke\n/rso status\n/rso recheck')).toEqual([
      { name: 'approve' },
      { name: 'approve', sha: '1a2b3c4' },
      { name: 'reject', reason: 'Not yet: missing report.' },
      { name: 'revoke' },
      { name: 'status' },
      { name: 'recheck' },
    ]);
    expect(parseCommands('please /rso approve\n> /rso approve\n```\n/rso approve\n```\n~~~\n/rso approve\n~~~\n    /rso approve')).toEqual([]);
  });

  it('flags malformed commands', () => {
    expect(parseCommands('/rso reject').map((c) => c.name)).toEqual(['invalid']);
    expect(parseCommands('/rso approve main').map((c) => c.name)).toEqual(['invalid']);
    expect(parseCommands('/rso frobnicate').map((c) => c.name)).toEqual(['invalid']);
  });
});

describe('approval decision', () => {
  const head = 'a'.repeat(40);
  const rso = { id: 1, login: 'rso', type: 'User' };
  let n = 0;
  const comment = (body: string, at: string, user = rso): CommentInfo => ({ id: ++n, body, created_at: at, updated_at: at, html_url: `u${n}`, user });
  const gate = { relevant: true, verdict: 'pass' as const, approvalRequired: true };
  const authorize = (u: { login: string }) => (u.login === 'rso' ? undefined : 'not an RSO');

  it('replays commands in order: approve, reject, revoke', () => {
    const comments = [comment('/rso approve', '2026-01-02'), comment('/rso reject no', '2026-01-03'), comment('/rso revoke', '2026-01-04')];
    expect(decide({ head, headSince: '2026-01-01', gate, comments, authorize }).outcome.state).toBe('waiting');
    expect(decide({ head, headSince: '2026-01-01', gate, comments: comments.slice(0, 2), authorize }).outcome.state).toBe('rejected');
    expect(decide({ head, headSince: '2026-01-01', gate, comments: comments.slice(0, 1), authorize }).outcome.state).toBe('approved');
  });

  it('is the same whatever order the comments are listed in', () => {
    const comments = [comment('/rso approve', '2026-01-02'), comment('/rso reject no', '2026-01-03')];
    expect(decide({ head, headSince: '2026-01-01', gate, comments: [...comments].reverse(), authorize }).outcome.state).toBe('rejected');
  });

  it('binds a bare approve only to a head pushed before it; unknown push time fails closed', () => {
    const c = [comment('/rso approve', '2026-01-02')];
    expect(decide({ head, headSince: '2026-01-03', gate, comments: c, authorize }).outcome.state).toBe('waiting');
    expect(decide({ head, gate, comments: c, authorize }).outcome.state).toBe('waiting');
  });

  it('a named SHA binds whenever it was written, a stale one never', () => {
    expect(decide({ head, gate, comments: [comment(`/rso approve ${head.slice(0, 7)}`, '2026-01-02')], authorize }).outcome.state).toBe('approved');
    expect(decide({ head, gate, comments: [comment('/rso approve bbbbbbb', '2026-01-02')], authorize }).outcome.state).toBe('waiting');
  });

  it('a failing gate, a non-RSO, a bot and an edited comment never approve', () => {
    const late = comment('/rso approve', '2026-01-02');
    expect(decide({ head, headSince: '2026-01-01', gate: { ...gate, verdict: 'fail' }, comments: [late], authorize }).outcome.state).toBe('gate_failing');
    expect(decide({ head, headSince: '2026-01-01', gate, comments: [comment('/rso approve', '2026-01-02', { id: 2, login: 'eve', type: 'User' })], authorize }).outcome.state).toBe('waiting');
    expect(decide({ head, headSince: '2026-01-01', gate, comments: [comment('/rso approve', '2026-01-02', { ...rso, type: 'Bot' })], authorize }).outcome.state).toBe('waiting');
    const edited = { ...comment('/rso approve', '2026-01-02'), updated_at: '2026-01-05' };
    expect(decide({ head, headSince: '2026-01-01', gate, comments: [edited], authorize }).outcome.state).toBe('waiting');
  });

  it('no approval is needed below the approval level', () => {
    expect(decide({ head, gate: { ...gate, approvalRequired: false }, comments: [], authorize }).outcome.state).toBe('not_required');
  });
});

