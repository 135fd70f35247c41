import type { Requester } from '../snapshot/github.js';

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

/**
 * A minimal REST client for the CLI's few admin calls: route templates as Octokit writes them
 * ("PUT /repos/{owner}/{repo}/rulesets/{ruleset_id}"), JSON in and out, a bearer token. The CLI
 * stays free of an Octokit dependency so `check` starts fast.
 */
export function restClient(opts: { baseUrl: string; token?: string; userAgent?: string }): Requester {
  return {
    async request(route, params = {}) {
      const [method, template] = route.split(' ') as [string, string];
      const rest: Record<string, unknown> = { ...params };
      const path = template.replace(/\{(\w+)\}/g, (_, k: string) => {
        const v = rest[k];
        delete rest[k];
        return encodeURIComponent(String(v));
      });
      const url = new URL(opts.baseUrl.replace(/\/$/, '') + path);
      let body: string | undefined;
      if (method === 'GET' || method === 'DELETE') {
        for (const [k, v] of Object.entries(rest)) if (v !== undefined) url.searchParams.set(k, String(v));
      } else {
        body = JSON.stringify(rest);
      }
      const res = await fetch(url, {
        method,
        headers: {
          accept: 'application/vnd.github+json',
          'x-github-api-version': '2022-11-28',
          'user-agent': opts.userAgent ?? 'asl-gate',
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body } : {}),
      });
      const text = await res.text();
      let data: unknown = text;
      try {
        data = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON */
      }
      if (!res.ok) {
        const message = (data as { message?: string } | undefined)?.message ?? res.statusText;
        throw new HttpError(`${method} ${path}: ${res.status} ${message}`, res.status, { headers: Object.fromEntries(res.headers), data });
      }
      return { status: res.status, data };
    },
  };
}
