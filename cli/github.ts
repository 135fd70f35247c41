import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import type { GitHubApi } from '../github/snapshot.js';
import { guardedRequest } from '../github/retry.js';

/**
 * The Octokit `asl-gate protect` talks to GitHub with (the engine gets it as its port): the token,
 * the API at `baseUrl`, and every request retried and bounded as github/retry.ts says.
 * Errors reach the caller as Octokit's, with their `status`, so it can explain a 403 or a 404.
 */
export function cliOctokit(token: string, baseUrl: string): GitHubApi {
  const octokit = new (Octokit.plugin(paginateRest))({ auth: token, baseUrl, userAgent: 'asl-gate' });
  octokit.hook.wrap('request', (send, options) => guardedRequest(send, options, { attempts: 3, baseDelayMs: 1000 }));
  return octokit;
}
