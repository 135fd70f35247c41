/**
 * When to retry a GitHub REST call, shared by the Action and the App: server errors and network
 * failures with exponential back-off, rate limits (primary or secondary) after Retry-After.
 * Written against the shape of Octokit's RequestError (`status`, `response.headers`), without
 * importing it.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Delay before the first retry; doubled each time. */
  baseDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (why: string, waitMs: number, attempt: number) => void;
}

export interface HttpErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined> };
}

/** Milliseconds to wait before retrying `e`, or undefined when it must not be retried. */
export function retryDelay(e: HttpErrorLike, baseDelayMs: number, attempt: number): number | undefined {
  const status = e.status;
  const headers = e.response?.headers ?? {};
  const retryAfter = Number(headers['retry-after']);
  const rateLimited =
    (status === 403 || status === 429) && (headers['retry-after'] !== undefined || headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(e.message ?? ''));
  if (rateLimited) {
    if (Number.isFinite(retryAfter) && retryAfter >= 0) return retryAfter * 1000;
    const reset = Number(headers['x-ratelimit-reset']);
    if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - Date.now()) + 1000;
    return 60_000; // GitHub's advice when a secondary limit names no wait
  }
  if (status === undefined || status >= 500) return baseDelayMs * 2 ** (attempt - 1);
  return undefined;
}

/** Run `fn`, retrying per the policy; the last error is rethrown as it was. */
export async function retrying<T>(fn: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const wait = retryDelay(e as HttpErrorLike, policy.baseDelayMs, attempt);
      if (wait === undefined || attempt >= policy.attempts) throw e;
      const err = e as HttpErrorLike;
      policy.onRetry?.(err.status ? `HTTP ${err.status}` : (err.message ?? 'network error'), wait, attempt);
      await sleep(wait);
    }
  }
}
