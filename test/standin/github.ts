// A loopback stand-in for the parts of GitHub's REST API that asl-gate uses. It keeps repository
// contents per commit and pull requests in memory, records every request, and injects faults on
// demand. Response shapes follow GitHub's OpenAPI description (checked in
// test/standin.test.ts against @octokit/openapi). Other tests add routes with `on()`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type TreeFiles = Record<string, string | { symlink: string }>;

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  headers: IncomingMessage['headers'];
}

export interface Fault {
  method: string;
  /** Matched against the path (no query). */
  path: RegExp;
  status: number;
  /** How many matching requests fail; Infinity for always. */
  times: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface PullFile {
  filename: string;
  status: 'added' | 'modified' | 'removed' | 'renamed';
}

export interface HandlerRequest {
  params: string[];
  query: Record<string, string>;
  body: unknown;
  method: string;
  headers: IncomingMessage['headers'];
}
export interface HandlerResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
export type Handler = (req: HandlerRequest) => HandlerResponse;

export class GitHubStandIn {
  readonly requests: RecordedRequest[] = [];
  /** commit sha -> files */
  readonly commits = new Map<string, TreeFiles>();
  /** pull number -> changed files */
  readonly pullFiles = new Map<number, PullFile[]>();
  readonly faults: Fault[] = [];
  private readonly routes: Array<{ method: string; re: RegExp; handler: Handler }> = [];
  private server?: Server;
  url = '';

  constructor() {
    this.get(/^\/repos\/([^/]+)\/([^/]+)\/contents(?:\/(.*))?$/, ({ params, query, headers }) => this.contents(params[2] ?? '', query.ref ?? '', headers.accept ?? ''));
    this.get(/^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/files$/, ({ params, query }) => this.pullFilesPage(Number(params[2]), query));
  }

  /** Add a route; later routes take precedence. */
  on(method: string, re: RegExp, handler: Handler): this {
    this.routes.unshift({ method, re, handler });
    return this;
  }

  get(re: RegExp, handler: Handler): this {
    return this.on('GET', re, handler);
  }

  /** Fail matching requests with `status`, `times` times (default: always). */
  fail(fault: Omit<Fault, 'times'> & { times?: number }): this {
    this.faults.push({ times: Infinity, ...fault });
    return this;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Requests seen, as "METHOD /path" lines (handy in assertions). */
  calls(filter?: RegExp): string[] {
    return this.requests.map((r) => `${r.method} ${r.path}`).filter((l) => !filter || filter.test(l));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    // GHE-style hosts serve the API under /api/v3.
    const path = decodeURIComponent(url.pathname.replace(/^\/api\/v3/, ''));
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      /* keep the raw text */
    }
    const query = Object.fromEntries(url.searchParams);
    const method = req.method ?? 'GET';
    this.requests.push({ method, path, query, body, headers: req.headers });

    const fault = this.faults.find((f) => f.method === method && f.path.test(path) && f.times > 0);
    if (fault) {
      fault.times -= 1;
      return send(res, fault.status, fault.body ?? { message: `injected fault ${fault.status}` }, fault.headers);
    }
    for (const r of this.routes) {
      if (r.method !== method) continue;
      const m = r.re.exec(path);
      if (!m) continue;
      const out = r.handler({ params: m.slice(1), query, body, method, headers: req.headers });
      return send(res, out.status, out.body, out.headers);
    }
    send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
  }

  private contents(path: string, ref: string, accept: string): HandlerResponse {
    const files = this.commits.get(ref);
    if (!files) return { status: 404, body: { message: 'No commit found for the ref' } };
    path = path.replace(/\/$/, '');
    const entry = files[path];
    if (typeof entry === 'string') {
      if (accept.includes('raw')) return { status: 200, body: entry, headers: { 'content-type': 'text/plain; charset=utf-8' } };
      const size = Buffer.byteLength(entry);
      // Like GitHub, files over 1 MB come without content.
      const content = size > 1024 * 1024 ? { content: '', encoding: 'none' } : { content: Buffer.from(entry).toString('base64'), encoding: 'base64' };
      return { status: 200, body: contentItem('file', path, size, content) };
    }
    if (entry && 'symlink' in entry) {
      // GitHub answers a symlink to a file with the target file itself.
      const target = posixJoin(path.split('/').slice(0, -1).join('/'), entry.symlink);
      const t = files[target];
      if (typeof t === 'string') {
        return { status: 200, body: contentItem('file', target, Buffer.byteLength(t), { content: Buffer.from(t).toString('base64'), encoding: 'base64' }) };
      }
      return { status: 200, body: { ...contentItem('symlink', path, entry.symlink.length), target: entry.symlink } };
    }
    const prefix = path ? `${path}/` : '';
    const children = new Map<string, 'file' | 'dir' | 'symlink'>();
    for (const [p, v] of Object.entries(files)) {
      if (!p.startsWith(prefix)) continue;
      const rest = p.slice(prefix.length).split('/');
      children.set(rest[0]!, rest.length > 1 ? 'dir' : typeof v === 'string' ? 'file' : 'symlink');
    }
    if (children.size === 0) return { status: 404, body: { message: 'Not Found' } };
    return {
      status: 200,
      body: [...children].map(([name, type]) => {
        const p = prefix + name;
        const v = files[p];
        return contentItem(type, p, typeof v === 'string' ? Buffer.byteLength(v) : 0);
      }),
    };
  }

  private pullFilesPage(pull: number, query: Record<string, string>): HandlerResponse {
    const files = this.pullFiles.get(pull);
    if (!files) return { status: 404, body: { message: 'Not Found' } };
    const perPage = Number(query.per_page ?? 30);
    const page = Number(query.page ?? 1);
    // Like GitHub, the listing stops at 3,000 files.
    const slice = files.slice(0, 3000).slice((page - 1) * perPage, page * perPage);
    return {
      status: 200,
      body: slice.map((f, i) => ({
        sha: (i + 1).toString(16).padStart(40, '0'),
        filename: f.filename,
        status: f.status,
        additions: 1,
        deletions: 0,
        changes: 1,
        blob_url: `https://github.com/o/r/blob/x/${f.filename}`,
        raw_url: `https://github.com/o/r/raw/x/${f.filename}`,
        contents_url: `https://api.github.com/repos/o/r/contents/${f.filename}`,
      })),
    };
  }
}

function contentItem(type: string, path: string, size: number, extra: Record<string, unknown> = {}) {
  const name = path.split('/').pop() ?? path;
  return {
    type,
    size,
    name,
    path,
    sha: '0'.repeat(40),
    url: `https://api.github.com/repos/o/r/contents/${path}`,
    git_url: null,
    html_url: null,
    download_url: null,
    _links: { self: `https://api.github.com/repos/o/r/contents/${path}`, git: null, html: null },
    ...extra,
  };
}

function posixJoin(dir: string, rel: string): string {
  const parts = dir ? dir.split('/') : [];
  for (const seg of rel.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg && seg !== '.') parts.push(seg);
  }
  return parts.join('/');
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-github-request-id': 'standin', ...headers });
  res.end(text);
}
