import type { Requester } from '../src/snapshot/github.js';

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Delay before the first retry; doubled each time. */
  baseDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
}

/** A request that failed for good; its message is the one line the user sees. */
export class ApiError extends Error {}

/**
 * Retry server errors, network errors and rate limits (honouring Retry-After), then fail with a
 * one-line message. The caller fails the check on it: an API fault never turns into a pass.
 */
export function withRetries(api: Requester, opts: RetryOptions): Requester {
  const sleep = opts.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  return {
    async request(route, params) {
      let delay = opts.baseDelayMs;
      for (let attempt = 1; ; attempt++) {
        try {
          return await api.request(route, params);
        } catch (e) {
          const err = e as { status?: number; response?: { headers?: Record<string, string> }; message?: string };
          const status = err.status;
          const headers = err.response?.headers ?? {};
          const rateLimited = (status === 403 || status === 429) && (headers['retry-after'] !== undefined || headers['x-ratelimit-remaining'] === '0');
          const retryable = status === undefined || status >= 500 || rateLimited;
          if (!retryable || attempt >= opts.attempts) {
            if (status === 404) throw e; // callers give 404 a meaning
            const what = status === undefined ? (err.message ?? 'network error') : `HTTP ${status}`;
            throw new ApiError(`GitHub API ${route} failed: ${what} (after ${attempt} attempt${attempt === 1 ? '' : 's'})`, { cause: e });
          }
          const retryAfter = Number(headers['retry-after']);
          await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : delay);
          delay *= 2;
        }
      }
    },
  };
}
