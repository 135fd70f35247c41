import Bottleneck from 'bottleneck';
import { ProbotOctokit } from 'probot';

export interface OctokitTuning {
  /** First retry delay for server errors (Probot's retry plugin); default 1 s. */
  retryBaseMs?: number;
  /**
   * Minimum time between two writes per installation (GitHub asks for 1 s; 3 s for writes that
   * notify people, such as comments). Lowered only in tests and benchmarks.
   */
  writeSpacingMs?: number;
}

/**
 * Probot's Octokit with retries on, and with secondary rate limits backed off and retried: Probot's
 * own handler only logs them, which would turn a transient limit into a failed event.
 */
export function tunedOctokit(t: OctokitTuning = {}): typeof ProbotOctokit {
  const write = new Bottleneck.Group({ maxConcurrent: 1, minTime: t.writeSpacingMs ?? 1000 });
  const notifications = new Bottleneck.Group({ maxConcurrent: 1, minTime: t.writeSpacingMs ?? 3000 });
  return ProbotOctokit.defaults((options: Record<string, unknown>) => {
    const throttle = (options.throttle ?? {}) as Record<string, unknown>;
    const log = options.log as { warn(msg: string): void } | undefined;
    return {
      ...options,
      retry: { retryAfterBaseValue: t.retryBaseMs ?? 1000 },
      throttle: {
        ...throttle,
        write,
        notifications,
        onSecondaryRateLimit: (retryAfter: number, req: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
          log?.warn(`asl-gate: secondary rate limit on ${req.method} ${req.url}; retrying in ${retryAfter}s`);
          return retryCount < 3;
        },
      },
    };
  }) as typeof ProbotOctokit;
}
