// A GitHub API that cannot be reached is one line and exit 2, never "internal error" with a stack:
// `asl-gate protect` as a process against a closed port and a name that does not resolve, and the
// classifier against the errors node:net, fetch and Octokit really throw.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ProbotOctokit } from 'probot';
import { describe, expect, it } from 'vitest';
import { networkErrorLine, networkFailure } from '../../cli/network-error.js';
import { freePort } from '../helpers/bot.js';
import { ROOT } from '../helpers/repo.js';

function protect(api: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'bin/asl-gate.js'), 'protect', '--repo', 'o/r', '--app-id', '4242'],
    {
      env: { PATH: process.env.PATH, GITHUB_TOKEN: 'ghp_admin', GITHUB_API_URL: api },
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('asl-gate protect without a reachable API', () => {
  it('says the connection was refused in one line and exits 2', async () => {
    const api = `http://127.0.0.1:${await freePort()}`;
    const r = protect(api);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `asl-gate protect: cannot reach the GitHub API at ${api}: the connection was refused (ECONNREFUSED); check the network, the proxy or GITHUB_API_URL\n`,
    );
  });

  it('says the host does not resolve in one line and exits 2', () => {
    const r = protect('http://api.asl-gate.invalid');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^asl-gate protect: cannot reach the GitHub API at http:\/\/api\.asl-gate\.invalid: the host name (does not resolve \(ENOTFOUND\)|could not be resolved now \(EAI_AGAIN\)); check the network, the proxy or GITHUB_API_URL\n$/,
    );
  });
});

describe('networkFailure', () => {
  it("finds the code inside Octokit's RequestError (its cause is fetch's error, whose cause has the code)", async () => {
    const octokit = new ProbotOctokit({
      baseUrl: `http://127.0.0.1:${await freePort()}`,
      retry: { enabled: false },
      throttle: { enabled: false },
    });
    const error = await octokit
      .request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' })
      .catch((e: unknown) => e);
    expect((error as { status?: number }).status).toBe(500);
    expect(networkFailure(error)?.code).toBe('ECONNREFUSED');
    expect(networkErrorLine(error, 'protect', 'https://api.github.com')).toBe(
      'asl-gate protect: cannot reach the GitHub API at https://api.github.com: the connection was refused (ECONNREFUSED); check the network, the proxy or GITHUB_API_URL',
    );
  });

  it('takes a fetch that timed out for a timeout', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const error = await fetch(`http://127.0.0.1:${(silent.address() as { port: number }).port}/`, {
        signal: AbortSignal.timeout(100),
      }).catch((e: unknown) => e);
      expect(networkFailure(error)?.code).toBe('ETIMEDOUT');
    } finally {
      silent.close();
    }
  });

  it('leaves other errors alone: they are bugs or answers, reported elsewhere', () => {
    expect(networkFailure(new Error('boom'))).toBeUndefined();
    expect(networkFailure(Object.assign(new Error('Not Found'), { status: 404 }))).toBeUndefined();
    expect(networkFailure(Object.assign(new Error('nope'), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' }))).toBeUndefined();
    expect(networkFailure('ECONNREFUSED')).toBeUndefined();
    const loop: { cause?: unknown } = {};
    loop.cause = loop;
    expect(networkFailure(loop)).toBeUndefined();
  });
});
