// A request that never reached GitHub is the user's network, not our bug: one line, exit 2.
// Works for the errors of node:net/node:dns (`code` on the error), of fetch/undici (`cause.code`,
// sometimes an AggregateError's `errors`) and of Octokit, whose RequestError keeps the failed
// fetch's error as `cause`.

/** Error codes meaning the request did not get an answer from the server. */
const NETWORK_CODES: Record<string, string> = {
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved now',
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'the connection timed out',
  EPIPE: 'the connection was closed',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no answer in time',
  UND_ERR_BODY_TIMEOUT: 'the answer stopped arriving',
  UND_ERR_SOCKET: 'the connection failed',
};

interface Failure {
  code: string;
  message: string;
}

/** The network failure behind `error`, following `cause` and `errors` a few levels down. */
export function networkFailure(error: unknown, depth = 0): Failure | undefined {
  if (typeof error !== 'object' || error === null || depth > 5) return undefined;
  const e = error as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && e.code in NETWORK_CODES)
    return { code: e.code, message: typeof e.message === 'string' ? e.message : e.code };
  if (e.name === 'TimeoutError')
    return { code: 'ETIMEDOUT', message: typeof e.message === 'string' ? e.message : 'timed out' };
  const errors: unknown[] = Array.isArray(e.errors) ? e.errors : [];
  const inner = [e.cause, ...errors];
  for (const i of inner) {
    const found = networkFailure(i, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * The one line for a network failure, or undefined when `error` is not one. `command` names the
 * subcommand (`asl-gate protect: …`), `api` the server it tried.
 */
export function networkErrorLine(
  error: unknown,
  command: string | undefined,
  api: string | undefined,
): string | undefined {
  const failure = networkFailure(error);
  if (!failure) return undefined;
  const what = NETWORK_CODES[failure.code] ?? failure.message;
  const where = api ? ` at ${api}` : '';
  return `asl-gate${command ? ` ${command}` : ''}: cannot reach the GitHub API${where}: ${what} (${failure.code}); check the network, the proxy or GITHUB_API_URL`;
}
