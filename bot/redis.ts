// REDIS_URL: Probot's way for replicas to share rate-limit state. Probot hands
// @octokit/plugin-throttling a Bottleneck whose queues live in Redis (through ioredis), so every
// replica's requests for one installation wait in one queue. Checked once at start: an address
// that does not answer would otherwise leave every API call of every webhook waiting on Redis.
import { Redis } from 'ioredis';

/** How long the start-up check waits for Redis to answer. */
const REDIS_CHECK_MS = 5_000;

/** REDIS_URL with any password hidden, for a log line. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a URL)';
  }
}

/** Why the Redis at `url` cannot carry Probot's throttling, in one line; undefined when it answers PING. */
export async function redisProblem(url: string, ms = REDIS_CHECK_MS): Promise<string | undefined> {
  // One attempt, no queueing, no reconnecting: this is a yes-or-no question.
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: ms,
    commandTimeout: ms,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // ioredis reports the socket's error here, and then rejects connect() with "Connection is closed".
  let seen: NodeJS.ErrnoException | undefined;
  client.on('error', (e: NodeJS.ErrnoException) => (seen ??= e));
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (e) {
    const err = seen ?? (e as NodeJS.ErrnoException);
    return `REDIS_URL ${redactRedisUrl(url)} does not answer (${err.code ?? err.message}); Probot's shared throttling needs it: start Redis, fix the address, or unset REDIS_URL`;
  } finally {
    client.disconnect();
  }
}
