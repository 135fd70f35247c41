import type * as Http from 'node:http';
import type * as Https from 'node:https';
import type { Requester } from './github.js';

// Not `import … from 'node:http'`: building the ESM view of node:http touches its lazy getters,
// which load Node's whole fetch implementation (about 35 ms at every start). And only the one
// that is used: node:https brings TLS and crypto, about 10 ms more.
let http: { module: typeof Http; agent: Http.Agent } | undefined;
let https: { module: typeof Https; agent: Https.Agent } | undefined;
function transport(secure: boolean): { module: typeof Http | typeof Https; agent: Http.Agent } {
  if (secure) {
    const module = process.getBuiltinModule('node:https') as typeof Https;
    return (https ??= { module, agent: new module.Agent({ keepAlive: true }) });
  }
  const module = process.getBuiltinModule('node:http') as typeof Http;
  return (http ??= { module, agent: new module.Agent({ keepAlive: true }) });
}

/** An HTTP error from the REST API, shaped like Octokit's RequestError (status, response.headers). */
export class HttpError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly response: { headers: Record<string, string>; data: unknown },
  ) {
    super(message);
  }
}

export interface RestClientOptions {
  baseUrl: string;
  token?: string;
  userAgent?: string;
}

/**
 * A small REST client for the few calls the CLI and the Action make: Octokit-style routes
 * ("GET /repos/{owner}/{repo}/contents/{path}"), JSON in and out, a bearer token, over node:https.
 * Not fetch: initialising Node's fetch costs more than the whole gate run on a small PR.
 * Errors carry `status` and `response.headers` like Octokit's, so the same retry rules apply.
 */
export function restClient(opts: RestClientOptions): Requester {
  return {
    async request(route, params = {}) {
      const [method, template] = route.split(' ') as [string, string];
      const rest: Record<string, unknown> = { ...params };
      const path = template.replace(/\{(\w+)\}/g, (_, k: string) => {
        const v = rest[k];
        delete rest[k];
        // {path} may hold folders: keep its slashes, encode the rest.
        return k === 'path' ? String(v).split('/').map(encodeURIComponent).join('/') : encodeURIComponent(String(v));
      });
      const url = new URL(opts.baseUrl.replace(/\/$/, '') + path);
      let body: string | undefined;
      if (method === 'GET' || method === 'DELETE' || method === 'HEAD') {
        for (const [k, v] of Object.entries(rest)) if (v !== undefined) url.searchParams.set(k, String(v));
      } else {
        body = JSON.stringify(rest);
      }
      const headers: Record<string, string> = {
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'user-agent': opts.userAgent ?? 'asl-gate',
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}),
      };
      const res = await send(url, method, headers, body);
      const text = res.body;
      let data: unknown = text;
      if ((res.headers['content-type'] ?? '').includes('json')) {
        try {
          data = text ? JSON.parse(text) : undefined;
        } catch {
          /* not JSON after all */
        }
      }
      if (res.status >= 400) {
        const message = (data as { message?: string } | undefined)?.message ?? `HTTP ${res.status}`;
        throw new HttpError(`${method} ${path}: ${res.status} ${message}`, res.status, { headers: res.headers, data });
      }
      return { status: res.status, data };
    },
  };
}

function send(url: URL, method: string, headers: Record<string, string>, body: string | undefined): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const { module, agent } = transport(url.protocol === 'https:');
  return new Promise((resolve, reject) => {
    const req = module.request(url, { method, headers, agent, timeout: 30_000 }, (res: Http.IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers: h, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname}: timed out`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
