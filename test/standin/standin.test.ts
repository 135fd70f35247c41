// Keeps the loopback stand-in honest: its answers must match GitHub's OpenAPI description.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseProblems } from '../helpers/openapi.js';
import { GitHubStandIn } from './github.js';

const gh = new GitHubStandIn();
beforeAll(async () => {
  await gh.start();
  gh.commits.set('sha1', {
    'a/b.yml': 'x: 1\n',
    'a/link.yml': { symlink: 'b.yml' },
    'a/dangling': { symlink: '../nowhere' },
  });
  gh.pullFiles.set(1, [
    { filename: 'a/b.yml', status: 'modified' },
    { filename: 'a/gone.yml', status: 'removed' },
    { filename: 'a/new.yml', previous_filename: 'old/new.yml', status: 'renamed' },
  ]);
});
afterAll(() => gh.stop());

const get = async (path: string) => {
  const r = await fetch(gh.url + path);
  return { status: r.status, body: await r.json() };
};

describe('stand-in conforms to GitHub OpenAPI', () => {
  it.each([
    ['/repos/o/r/contents/a/b.yml?ref=sha1', '/repos/{owner}/{repo}/contents/{path}'],
    ['/repos/o/r/contents/a?ref=sha1', '/repos/{owner}/{repo}/contents/{path}'],
    ['/repos/o/r/contents/a/link.yml?ref=sha1', '/repos/{owner}/{repo}/contents/{path}'],
    ['/repos/o/r/contents/a/dangling?ref=sha1', '/repos/{owner}/{repo}/contents/{path}'],
    ['/repos/o/r/pulls/1/files?per_page=100&page=1', '/repos/{owner}/{repo}/pulls/{pull_number}/files'],
  ])('GET %s', async (path, template) => {
    const { status, body } = await get(path);
    expect(status).toBe(200);
    expect(responseProblems('GET', template, status, body)).toEqual([]);
  });

  it('the App and admin routes match too', async () => {
    const head = 'd'.repeat(40);
    gh.openPull(5, 'dev', 'sha1', head, { 'r/asl.yml': 'model: m\n', 'r/link': { symlink: 'asl.yml' } }, [
      { filename: 'r/asl.yml', status: 'added' },
    ]);
    gh.teams.set('rso', new Set(['dev']));
    const post = async (path: string, body: unknown) => {
      const r = await fetch(gh.url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: r.status, body: await r.json() };
    };
    const created = await post('/repos/o/r/issues/5/comments', { body: 'hi' });
    const checks: Array<[string, string, number, unknown]> = [
      ['POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', created.status, created.body],
      [
        'POST',
        '/repos/{owner}/{repo}/check-runs',
        ...(Object.values(
          await post('/repos/o/r/check-runs', {
            name: 'RSO approval',
            head_sha: head,
            status: 'in_progress',
            output: { title: 't', summary: 's' },
          }),
        ) as [number, unknown]),
      ],
      [
        'POST',
        '/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
        ...(Object.values(
          await post(`/repos/o/r/issues/comments/${(created.body as { id: number }).id}/reactions`, { content: '+1' }),
        ) as [number, unknown]),
      ],
      [
        'POST',
        '/repos/{owner}/{repo}/rulesets',
        ...(Object.values(
          await post('/repos/lab/models/rulesets', { name: 'x', target: 'branch', enforcement: 'active', rules: [] }),
        ) as [number, unknown]),
      ],
    ];
    const gets: Array<[string, string]> = [
      ['/repos/o/r/pulls/5', '/repos/{owner}/{repo}/pulls/{pull_number}'],
      ['/repos/o/r/pulls/5/commits', '/repos/{owner}/{repo}/pulls/{pull_number}/commits'],
      ['/repos/o/r/issues/5/comments', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
      [`/repos/o/r/commits/${head}/check-runs`, '/repos/{owner}/{repo}/commits/{ref}/check-runs'],
      [`/repos/o/r/commits/${head}/check-suites`, '/repos/{owner}/{repo}/commits/{ref}/check-suites'],
      [`/repos/o/r/git/trees/${head}?recursive=1`, '/repos/{owner}/{repo}/git/trees/{tree_sha}'],
      ['/users/dev', '/users/{username}'],
      ['/orgs/o/teams/rso/memberships/dev', '/orgs/{org}/teams/{team_slug}/memberships/{username}'],
      ['/repos/lab/models', '/repos/{owner}/{repo}'],
      ['/repos/lab/models/rulesets', '/repos/{owner}/{repo}/rulesets'],
    ];
    for (const [path, template] of gets) {
      const { status, body } = await get(path);
      checks.push(['GET', template, status, body]);
    }
    const tree = (await get(`/repos/o/r/git/trees/${head}?recursive=1`)).body as {
      tree: Array<{ path: string; sha: string }>;
    };
    const blob = await get(`/repos/o/r/git/blobs/${tree.tree.find((e) => e.path === 'r/asl.yml')!.sha}`);
    checks.push(['GET', '/repos/{owner}/{repo}/git/blobs/{file_sha}', blob.status, blob.body]);
    const problems = checks.flatMap(([method, template, status, body]) =>
      responseProblems(method, template, status, body).map((p) => `${method} ${template}: ${p}`),
    );
    expect(problems).toEqual([]);
  });

  it('pages the files listing with a Link header, as GitHub does (octokit.paginate follows it)', async () => {
    gh.pullFiles.set(
      2,
      Array.from({ length: 150 }, (_, i) => ({ filename: `f${i}`, status: 'added' as const })),
    );
    const first = await fetch(`${gh.url}/repos/o/r/pulls/2/files?per_page=100`);
    expect(first.headers.get('link')).toBe(
      `<${gh.url}/repos/o/r/pulls/2/files?per_page=100&page=2>; rel="next", <${gh.url}/repos/o/r/pulls/2/files?per_page=100&page=2>; rel="last"`,
    );
    const last = await fetch(`${gh.url}/repos/o/r/pulls/2/files?per_page=100&page=2`);
    expect(last.headers.get('link')).toBeNull();
    expect(await last.json()).toHaveLength(50);
  });

  it("removed and renamed files have GitHub's shape", async () => {
    const { body } = await get('/repos/o/r/pulls/1/files?per_page=100&page=1');
    expect((body as Array<Record<string, unknown>>).map((f) => [f.filename, f.status, f.previous_filename])).toEqual([
      ['a/b.yml', 'modified', undefined],
      ['a/gone.yml', 'removed', undefined],
      ['a/new.yml', 'renamed', 'old/new.yml'],
    ]);
  });

  it('the issues routes the due issue uses match too (list with filters, create, edit)', async () => {
    gh.openIssue('mallory', { title: 'look-alike', body: '<!-- asl-gate:due -->', labels: ['asl-gate-due'] });
    const send = async (method: string, path: string, body: unknown) => {
      const r = await fetch(gh.url + path, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    const created = await send('POST', '/repos/lab/models/issues', {
      title: 'ASL due dates',
      body: 'x',
      labels: ['asl-gate-due'],
    });
    expect(created.status).toBe(201);
    expect((created.body.user as { login: string }).login).toBe('github-actions[bot]');
    const closed = await send('PATCH', `/repos/lab/models/issues/${created.body.number as number}`, {
      state: 'closed',
      state_reason: 'completed',
      body: 'y',
    });
    const listed = await get('/repos/lab/models/issues?labels=asl-gate-due&state=all&per_page=100');
    const open = await get('/repos/lab/models/issues?labels=asl-gate-due&per_page=100');
    const problems = [
      ...responseProblems('POST', '/repos/{owner}/{repo}/issues', created.status, created.body),
      ...responseProblems('PATCH', '/repos/{owner}/{repo}/issues/{issue_number}', closed.status, closed.body),
      ...responseProblems('GET', '/repos/{owner}/{repo}/issues', listed.status, listed.body),
    ];
    expect(problems).toEqual([]);
    expect(closed.body).toMatchObject({ state: 'closed', state_reason: 'completed', body: 'y' });
    expect((listed.body as Array<{ title: string }>).map((i) => i.title)).toEqual(['ASL due dates', 'look-alike']);
    // `state` defaults to open, as on GitHub.
    expect((open.body as Array<{ title: string }>).map((i) => i.title)).toEqual(['look-alike']);
  });

  it('the checker itself catches a wrong shape', () => {
    expect(
      responseProblems('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/files', 200, [{ filename: 1 }]).length,
    ).toBeGreaterThan(0);
  });
});
