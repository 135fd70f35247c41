/**
 * When to retry a GitHub REST call, shared by the Action, the App and `protect`: server errors and
 * network failures with exponential back-off, rate limits (primary or secondary) after Retry-After,
 * but never a wait over a minute, and never a request past its deadline (SPEC §4).
 * Written against the shape of Octokit's RequestError (`status`, `response.headers`) and its
 * request hook, without importing Octokit.
 */

/** A rate limit that asks for a longer wait fails instead: a gate that sleeps for days is no gate. */
export const MAX_RETRY_WAIT_MS = 60_000;
/** Each request's overall deadline, the whole body included. */
export const REQUEST_DEADLINE_MS = 60_000;

/** A request given up for a reason one line can say (a deadline, a wait too long); never retried. */
export class RequestGivenUp extends Error {}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Delay before the first retry; doubled each time. */
  baseDelayMs: number;
  /** Longest rate-limit wait to sleep through (default MAX_RETRY_WAIT_MS). */
  maxWaitMs?: number;
  /** Each attempt's deadline (default REQUEST_DEADLINE_MS). */
  deadlineMs?: number;
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
    (status === 403 || status === 429) &&
    (headers['retry-after'] !== undefined ||
      headers['x-ratelimit-remaining'] === '0' ||
      /rate limit/i.test(e.message ?? ''));
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
      if (e instanceof RequestGivenUp) throw e;
      const wait = retryDelay(e as HttpErrorLike, policy.baseDelayMs, attempt);
      if (wait === undefined || attempt >= policy.attempts) throw e;
      const most = policy.maxWaitMs ?? MAX_RETRY_WAIT_MS;
      if (wait > most) {
        throw new RequestGivenUp(
          `rate limited, and GitHub asks to wait ${Math.ceil(wait / 1000)} s, over the ${Math.ceil(most / 1000)} s asl-gate waits`,
          { cause: e },
        );
      }
      const err = e as HttpErrorLike;
      policy.onRetry?.(err.status ? `HTTP ${err.status}` : (err.message ?? 'network error'), wait, attempt);
      await sleep(wait);
    }
  }
}

/** The options Octokit hands a request hook (the fields read or set here). */
export interface HookOptions {
  method: string;
  url: string;
  request?: { signal?: AbortSignal } & Record<string, unknown>;
}

/**
 * One request under `policy`: each attempt has the deadline, retries as above. The shape of
 * Octokit's `hook.wrap('request', …)`: `send` is the request the hook wraps.
 */
export function guardedRequest<O extends HookOptions, R>(
  send: (options: O) => R | Promise<R>,
  options: O,
  policy: RetryPolicy,
): Promise<R> {
  // The caller's own signal, if any, taken once: each attempt replaces the one on the options.
  const given = options.request?.signal;
  return retrying(() => withDeadline(send, options, given, policy.deadlineMs ?? REQUEST_DEADLINE_MS), policy);
}

async function withDeadline<O extends HookOptions, R>(
  send: (options: O) => R | Promise<R>,
  options: O,
  given: AbortSignal | undefined,
  ms: number,
): Promise<R> {
  const deadline = AbortSignal.timeout(ms);
  const signal = given ? AbortSignal.any([given, deadline]) : deadline;
  const late = (cause?: unknown) =>
    new RequestGivenUp(`no complete answer within ${Math.round(ms / 1000)} s`, { cause });
  // Set on the options object itself: Octokit's hooks hand the inner request the options they were
  // called with, whatever a hook passes on. fetch aborts on the signal while the body is still
  // arriving too, so a server that drips bytes cannot hold the request open.
  options.request = { ...options.request, signal };
  let response: R;
  try {
    response = await send(options);
  } catch (e) {
    if (deadline.aborted) throw late(e);
    throw e;
  }
  // Octokit swallows an error while reading a body and returns what arrived: a body cut off by
  // the deadline would otherwise come back as a success.
  if (deadline.aborted) throw late();
  return response;
}
