import { getOctokit } from '@actions/github';
import type { Octokit } from '@octokit/core';
import type { GitHubApi } from '../github/snapshot.js';
import { guardedRequest, RequestGivenUp, type RetryPolicy } from '../github/retry.js';

/** A request that failed for good; its message is the one line the user sees. */
export class ApiError extends Error {}

export interface OctokitOptions {
  /** Retries and their delays; 4 attempts from 1 s by default. */
  retry?: RetryPolicy;
  /** Another fetch (tests: nock sees only the global one). */
  fetch?: typeof globalThis.fetch;
}

/**
 * `@actions/github`'s Octokit for the token: the runner's GITHUB_API_URL (GitHub Enterprise Server
 * included) and proxy settings. Each request is retried and bounded as github/retry.ts says,
 * then fails with a one-line ApiError; the caller fails the check on it, so an API fault never
 * turns into a pass. A 404 passes through unchanged: callers give it a meaning.
 */
export function actionOctokit(token: string, opts: OctokitOptions = {}): GitHubApi {
  const policy = opts.retry ?? { attempts: 4, baseDelayMs: 1000 };
  const guard = (octokit: Octokit) => {
    octokit.hook.wrap('request', async (send, options) => {
      let attempts = 0;
      try {
        return await guardedRequest(
          (o) => {
            attempts++;
            return send(o);
          },
          options,
          policy,
        );
      } catch (e) {
        const status = (e as { status?: number }).status;
        if (status === 404) throw e;
        const what = e instanceof RequestGivenUp || status === undefined ? (e as Error).message : `HTTP ${status}`;
        throw new ApiError(
          `GitHub API ${options.method} ${options.url} failed: ${what} (after ${attempts} attempt${attempts === 1 ? '' : 's'})`,
          { cause: e },
        );
      }
    });
  };
  // A `request` option replaces the defaults' proxy-aware fetch, so it is passed only for tests.
  return getOctokit(token, opts.fetch ? { request: { fetch: opts.fetch } } : {}, guard);
}
