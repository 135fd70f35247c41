import type { Requester } from '../src/snapshot/github.js';
import { retrying, type RetryPolicy } from '../src/snapshot/retry.js';

export type RetryOptions = RetryPolicy;

/** A request that failed for good; its message is the one line the user sees. */
export class ApiError extends Error {}

/**
 * Retry server errors, network errors and rate limits (see src/snapshot/retry.ts), then fail with
 * a one-line message. The caller fails the check on it: an API fault never turns into a pass.
 */
export function withRetries(api: Requester, opts: RetryOptions): Requester {
  return {
    async request(route, params) {
      let attempts = 0;
      try {
        return await retrying(() => {
          attempts++;
          return api.request(route, params);
        }, opts);
      } catch (e) {
        const status = (e as { status?: number }).status;
        if (status === 404) throw e; // callers give 404 a meaning
        const what = status === undefined ? ((e as Error).message ?? 'network error') : `HTTP ${status}`;
        throw new ApiError(`GitHub API ${route} failed: ${what} (after ${attempts} attempt${attempts === 1 ? '' : 's'})`, { cause: e });
      }
    },
  };
}
