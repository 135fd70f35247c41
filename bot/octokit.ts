import { ProbotOctokit } from 'probot';
import { retrying } from '../github/retry.js';

export interface OctokitTuning {
  /** First retry delay for server errors; doubled each time. Default 1 s. */
  retryBaseMs?: number;
  /** Minimum time between two writes of this process (0: serialised, not spaced). */
  writeSpacingMs?: number;
}

/**
 * Probot's Octokit with its retry and throttling plugins replaced by one request hook: the plugins
 * schedule every call through Bottleneck timers (about 15 ms a request here), and Probot's
 * secondary-rate-limit handler only logs, never retries. This hook retries server errors with
 * back-off, waits out rate limits per Retry-After, and runs writes one at a time.
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
    throttle: { ...((options.throttle as object) ?? {}), enabled: false },
    retry: { enabled: false },
  }));
  return Base.plugin((octokit) => {
    const log = (octokit as unknown as { log?: { warn(m: string): void } }).log;
    octokit.hook.wrap('request', (request, options) => {
      const send = () =>
        retrying(async () => request(options), {
          attempts: 4,
          baseDelayMs: t.retryBaseMs ?? 1000,
          onRetry: (why, ms) => log?.warn(`asl-gate: ${options.method} ${options.url}: ${why}; retrying in ${ms} ms`),
        });
      return options.method === 'GET' || options.method === 'HEAD' ? send() : serialised(send);
    });
  }) as typeof ProbotOctokit;
}
