import { ProbotOctokit } from 'probot';
import { guardedRequest } from '../github/retry.js';

export interface OctokitTuning {
  /** First retry delay for server errors; doubled each time. Default 1 s. */
  retryBaseMs?: number;
  /** Minimum time between two writes of this process (0: serialised, not spaced). */
  writeSpacingMs?: number;
  /** Each request's overall deadline, body included; 60 s by default (SPEC §4). For tests. */
  deadlineMs?: number;
  /**
   * Keep Probot's throttling plugin. With REDIS_URL set, Probot backs it with a Redis-shared
   * Bottleneck, so every replica spends one installation's rate limit in one queue (see main.ts).
   * Off by default: one process needs no shared queue, and the plugin's timers cost ~15 ms a call.
   */
  throttling?: boolean;
}

/**
 * Probot's Octokit with its retry plugin, and unless `throttling` its throttling plugin, replaced by
 * one request hook: the plugins schedule every call through Bottleneck timers (about 15 ms a
 * request here), and Probot's secondary-rate-limit handler only logs, never retries. This hook
 * gives each request the shared deadline (60 s, body included; src/snapshot/retry.ts), retries
 * server errors with back-off, waits out rate limits per Retry-After (failing closed past 60 s),
 * and runs writes one at a time.
 */
export function tunedOctokit(t: OctokitTuning = {}): typeof ProbotOctokit {
  let writes: Promise<unknown> = Promise.resolve();
  let lastWrite = 0;
  const spacing = t.writeSpacingMs ?? 0;
  const serialised = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = writes.then(async () => {
      const wait = lastWrite + spacing - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      try {
        return await fn();
      } finally {
        lastWrite = Date.now();
      }
    });
    writes = run.catch(() => undefined);
    return run;
  };
  const Base = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
    ...options,
    ...(t.throttling
      ? {}
      : { throttle: { ...(typeof options.throttle === 'object' ? options.throttle : {}), enabled: false } }),
    retry: { enabled: false },
  }));
  // Typed as Probot's own class: the plugin adds a hook, not an API.
  const Tuned: typeof ProbotOctokit = Base.plugin((octokit) => {
    const log = octokit.log as { warn(message: string): void } | undefined;
    octokit.hook.wrap('request', (request, options) => {
      const send = () =>
        guardedRequest(request, options, {
          attempts: 4,
          baseDelayMs: t.retryBaseMs ?? 1000,
          ...(t.deadlineMs !== undefined ? { deadlineMs: t.deadlineMs } : {}),
          onRetry: (why, ms) => {
            log?.warn(`asl-gate: ${options.method} ${options.url}: ${why}; retrying in ${ms} ms`);
          },
        });
      return options.method === 'GET' || options.method === 'HEAD' ? send() : serialised(send);
    });
  });
  return Tuned;
}
