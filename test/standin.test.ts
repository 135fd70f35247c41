// Keeps the loopback stand-in honest: its answers must match GitHub's OpenAPI description.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseProblems } from './helpers/openapi.js';
import { GitHubStandIn } from './standin/github.js';

const gh = new GitHubStandIn();
beforeAll(async () => {
  await gh.start();
  gh.commits.set('sha1', { 'a/b.yml': 'x: 1\n', 'a/link.yml': { symlink: 'b.yml' }, 'a/dangling': { symlink: '../nowhere' } });
  gh.pullFiles.set(1, [{ filename: 'a/b.yml', status: 'modified' }]);
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

  it('the checker itself catches a wrong shape', () => {
    expect(responseProblems('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/files', 200, [{ filename: 1 }]).length).toBeGreaterThan(0);
  });
});
