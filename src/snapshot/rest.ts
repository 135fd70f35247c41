import { HttpClient } from './http1.js';
import type { Requester } from './github.js';

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

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * A small REST client for the few calls the CLI and the Action make: Octokit-style routes
 * ("GET /repos/{owner}/{repo}/contents/{path}"), JSON in and out, a bearer token, over a small
 * HTTP/1.1 client (http1.ts). Not fetch, nor node:http: initialising either costs a fresh process
 * more than the whole gate run on a small PR.
 * Errors carry `status` and `response.headers` like Octokit's, so the same retry rules apply.
 */
export function restClient(opts: RestClientOptions): Requester {
  const http = new HttpClient();
  return {
    async request(route, params = {}) {
      const [method, template] = route.split(' ') as [string, string];
      const rest: Record<string, unknown> = { ...params };
      // Each {name} of the route (a word, as in GitHub's documented routes), replaced by its
      // parameter: scanned for rather than matched with a regex, which a cold process would compile.
      let path = '';
      for (let at = 0; ; ) {
        const open = template.indexOf('{', at);
        const close = open < 0 ? -1 : template.indexOf('}', open);
        if (close < 0) {
          path += template.slice(at);
          break;
        }
        const k = template.slice(open + 1, close);
        const v = rest[k];
        delete rest[k];
        // {path} may hold folders: keep its slashes, encode the rest.
        path += template.slice(at, open) + (k === 'path' ? String(v).split('/').map(encodeURIComponent).join('/') : encodeURIComponent(String(v)));
        at = close + 1;
      }
      let query = '';
      let body: string | undefined;
      if (method === 'GET' || method === 'DELETE' || method === 'HEAD') {
        // Built by hand: URLSearchParams is a cold module of its own in a fresh process.
        for (const [k, v] of Object.entries(rest)) if (v !== undefined) query += `${query ? '&' : '?'}${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`;
      } else {
        body = JSON.stringify(rest);
      }
      const url = new URL((opts.baseUrl.endsWith('/') ? opts.baseUrl.slice(0, -1) : opts.baseUrl) + path + query);
      const headers: Record<string, string> = {
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'user-agent': opts.userAgent ?? 'asl-gate',
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      };
      let res = await http.request(url, method, headers, body);
      // GitHub redirects the API of a renamed or moved repository; follow it within the API's own
      // origin only (the token goes with the request), and fail on anything else.
      for (let hops = 0; REDIRECTS.has(res.status); hops++) {
        const to = res.headers.location ? new URL(res.headers.location, url) : undefined;
        if (!to || to.origin !== url.origin || hops === 3) {
          throw new HttpError(`${method} ${path}: ${res.status} redirected ${to ? `to ${to.origin}` : 'without a location'}; not followed`, res.status, { headers: res.headers, data: undefined });
        }
        const keep = res.status === 307 || res.status === 308 || method === 'GET' || method === 'HEAD';
        res = await http.request(to, keep ? method : 'GET', headers, keep ? body : undefined);
      }
      const text = res.body.toString('utf8');
      let data: unknown = text;
      if ((res.headers['content-type'] ?? '').includes('json') && text) {
        try {
          data = JSON.parse(text);
        } catch {
          // A success that cannot be read is no success. Without a status this counts as a
          // network failure: retried, then reported.
          if (res.status < 400) throw new Error(`${method} ${path}: the answer is not valid JSON`);
        }
      } else if (text === '') {
        data = undefined;
      }
      if (res.status >= 400) {
        const message = (data as { message?: string } | undefined)?.message ?? `HTTP ${res.status}`;
        throw new HttpError(`${method} ${path}: ${res.status} ${message}`, res.status, { headers: res.headers, data });
      }
      if (res.status >= 300) throw new HttpError(`${method} ${path}: unexpected ${res.status}`, res.status, { headers: res.headers, data });
      return { status: res.status, data };
    },
  };
}
