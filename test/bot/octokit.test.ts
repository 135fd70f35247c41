import { describe, expect, it } from 'vitest';

describe("the App's Octokit", () => {
  it('gives each request the shared deadline, slow-drip bodies included, and refuses a Retry-After over 60 s', async () => {
    const { tunedOctokit } = await import('../../bot/octokit.js');
    const { GitHubStandIn } = await import('../standin/github.js');
    const gh = new GitHubStandIn();
    await gh.start();
    try {
      const octokit = new (tunedOctokit({ deadlineMs: 600, retryBaseMs: 10 }))({ auth: 't', baseUrl: gh.url });
      gh.drip({ method: 'GET', path: /\/pulls\/1\/files$/, everyMs: 50 });
      const t0 = Date.now();
      await expect(
        octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
          owner: 'lab',
          repo: 'models',
          pull_number: 1,
        }),
      ).rejects.toThrow('no complete answer within 1 s');
      expect(Date.now() - t0).toBeLessThan(5_000);
      expect(gh.calls(/pulls\/1\/files/)).toHaveLength(1); // a request past its deadline is not retried
      gh.rateLimit({ method: 'GET', path: /\/pulls\/2$/, retryAfter: 3600 });
      const t1 = Date.now();
      await expect(
        octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
          owner: 'lab',
          repo: 'models',
          pull_number: 2,
        }),
      ).rejects.toThrow('GitHub asks to wait 3600 s, over the 60 s asl-gate waits');
      expect(Date.now() - t1).toBeLessThan(5_000);
    } finally {
      await gh.stop();
    }
  });

  it('spaces writes when asked, and leaves reads alone', async () => {
    const { tunedOctokit } = await import('../../bot/octokit.js');
    const { GitHubStandIn } = await import('../standin/github.js');
    const gh = new GitHubStandIn();
    await gh.start();
    try {
      const Octokit = tunedOctokit({ writeSpacingMs: 150 });
      const octokit = new Octokit({ auth: 't', baseUrl: gh.url });
      gh.openPull(1, 'dev', 'b', 'c'.repeat(40), {}, []);
      const t0 = Date.now();
      await Promise.all([
        octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
          owner: 'lab',
          repo: 'models',
          issue_number: 1,
          body: 'a',
        }),
        octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
          owner: 'lab',
          repo: 'models',
          issue_number: 1,
          body: 'b',
        }),
        octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
          owner: 'lab',
          repo: 'models',
          pull_number: 1,
        }),
      ]);
      const at = gh.requests.map((r) => [r.method, r.at - t0] as const);
      const posts = at.filter(([m]) => m === 'POST').map(([, t]) => t);
      expect(posts).toHaveLength(2);
      expect(posts[1] - posts[0]).toBeGreaterThanOrEqual(140);
      expect(at.find(([m]) => m === 'GET')![1]).toBeLessThan(posts[1]);
    } finally {
      await gh.stop();
    }
  });
});
