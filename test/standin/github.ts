// A loopback stand-in for the parts of GitHub's REST API that asl-gate uses. It keeps repository
// contents per commit and pull requests in memory, records every request, and injects faults on
// demand. Response shapes follow GitHub's OpenAPI description (checked in
// test/standin/standin.test.ts against @octokit/openapi). Other tests add routes with `on()`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

export type TreeFiles = Record<string, string | { symlink: string }>;

export interface RecordedRequest {
  /** When it arrived (ms since the epoch). */
  at: number;
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
  /** The path before a rename (GitHub sends it with `status: renamed`). */
  previous_filename?: string;
}

/** A server that sends its status and headers at once, then the body one byte every `everyMs`. */
export interface Drip {
  method: string;
  path: RegExp;
  everyMs: number;
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

export interface User {
  id: number;
  login: string;
  type: 'User' | 'Bot';
}

export interface Pull {
  number: number;
  state: 'open' | 'closed';
  author: string;
  head: string;
  base: string;
  /** The base branch's name (`base.ref`). */
  baseRef: string;
  /** Where the PR's branch left the base branch: `base` until the base branch moves on (advanceBase). */
  mergeBase: string;
  commits: Array<{ sha: string; author: string; committer: string }>;
}

export interface Comment {
  id: number;
  issue: number;
  user: User;
  body: string;
  created_at: string;
  updated_at: string;
  performed_via_github_app: { id: number; slug: string } | null;
}

export interface Issue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason: 'completed' | 'reopened' | 'not_planned' | null;
  labels: string[];
  user: User;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface CheckRun {
  id: number;
  head_sha: string;
  name: string;
  status: string;
  conclusion: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  app_id: number;
  started_at: string;
  completed_at: string | null;
}

export class GitHubStandIn {
  readonly requests: RecordedRequest[] = [];
  readonly users = new Map<string, User>();
  readonly teams = new Map<string, Set<string>>();
  readonly pulls = new Map<number, Pull>();
  readonly comments: Comment[] = [];
  readonly checkRuns: CheckRun[] = [];
  readonly reactions: Array<{ comment: number; content: string; user: string }> = [];
  /** A PR's events as GitHub records them (force-pushes, retargets): `GET …/issues/{n}/events`. */
  readonly events: Array<{ issue: number; event: string; created_at: string }> = [];
  /** commit sha -> when GitHub created its first check suite (the push time). */
  readonly suites = new Map<string, string>();
  /** Repositories that exist (owner/name). */
  readonly repos = new Set(['lab/models']);
  readonly rulesets: Array<Record<string, unknown>> = [];
  readonly issues: Issue[] = [];
  /** Who the Action's token is: the author of the issues it opens (`GITHUB_TOKEN`'s identity). */
  tokenUser = 'github-actions[bot]';
  /** When false, ruleset requests answer 403 as for a token without admin rights. */
  admin = true;
  /** The App the installation tokens belong to. */
  app = { id: 4242, slug: 'asl-gate' };
  private lastTs = 0;
  private nextId = 1000;
  /** commit sha -> files */
  readonly commits = new Map<string, TreeFiles>();
  /** pull number -> changed files */
  readonly pullFiles = new Map<number, PullFile[]>();
  readonly faults: Fault[] = [];
  readonly drips: Drip[] = [];
  private readonly routes: Array<{ method: string; re: RegExp; handler: Handler }> = [];
  private server?: Server;
  url = '';

  constructor() {
    this.get(/^\/repos\/([^/]+)\/([^/]+)\/contents(?:\/(.*))?$/, ({ params, query }) =>
      this.contents(params[2] ?? '', query.ref ?? ''),
    );
    this.get(/^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/files$/, ({ params, query }) =>
      this.pullFilesPage(params[0], params[1], Number(params[2]), query),
    );
    // A three-dot comparison of two commits, as a PR between them: its merge base, its commits (a
    // page of them) and, on the first page only, at most 300 changed files. The stand-in knows the
    // commit graph only through its PRs: a pair no PR joins is unknown.
    this.get(/^\/repos\/([^/]+)\/([^/]+)\/compare\/([0-9a-f]{40})\.\.\.([0-9a-f]{40})$/, ({ params, query }) => {
      const pr = [...this.pulls.values()].find((p) => p.base === params[2] && p.head === params[3]);
      if (!pr) return { status: 404, body: { message: 'Not Found' } };
      const perPage = Number(query.per_page ?? 250);
      const page = Number(query.page ?? 1);
      const files = page === 1 ? (this.pullFiles.get(pr.number) ?? []).slice(0, 300) : [];
      const commitJson = (sha: string) =>
        documented('commit', { sha, url: 'https://x', html_url: 'https://x', files: [] });
      return {
        status: 200,
        body: documented('commit-comparison', {
          base_commit: commitJson(pr.base),
          merge_base_commit: commitJson(pr.mergeBase),
          status: pr.mergeBase === pr.base ? 'ahead' : 'diverged',
          ahead_by: pr.commits.length,
          behind_by: pr.mergeBase === pr.base ? 0 : 1,
          total_commits: pr.commits.length,
          commits: pr.commits.slice((page - 1) * perPage, page * perPage).map((c) => commitJson(c.sha)),
          files: files.map((f, i) => diffEntry(f, i)),
        }),
      };
    });
    this.appRoutes();
    this.issueRoutes();
  }

  /** An issue opened by `login` (e.g. a look-alike of the Action's), as GitHub stores it. */
  openIssue(
    login: string,
    fields: { title: string; body: string; labels?: string[] },
    type: 'User' | 'Bot' = 'User',
  ): Issue {
    const at = this.now();
    // Issues and pull requests share one sequence of numbers.
    const number = Math.max(0, ...this.issues.map((i) => i.number), ...this.pulls.keys()) + 1;
    const issue: Issue = {
      number,
      title: fields.title,
      body: fields.body,
      state: 'open',
      state_reason: null,
      labels: fields.labels ?? [],
      user: this.user(login, type),
      created_at: at,
      updated_at: at,
      closed_at: null,
    };
    this.issues.push(issue);
    return issue;
  }

  /** The REST shape of an issue. */
  issueJson(i: Issue): Record<string, unknown> {
    const api = `${this.url}/repos/lab/models/issues/${i.number}`;
    return documented('issue', {
      id: 90_000 + i.number,
      node_id: `I_${i.number}`,
      url: api,
      repository_url: `${this.url}/repos/lab/models`,
      labels_url: `${api}/labels{/name}`,
      comments_url: `${api}/comments`,
      events_url: `${api}/events`,
      html_url: `https://github.com/lab/models/issues/${i.number}`,
      number: i.number,
      state: i.state,
      state_reason: i.state_reason,
      title: i.title,
      body: i.body,
      user: userJson(i.user),
      labels: i.labels.map((name, k) => ({
        id: 70_000 + k,
        node_id: `L_${k}`,
        url: `${this.url}/repos/lab/models/labels/${encodeURIComponent(name)}`,
        name,
        description: null,
        color: 'd73a4a',
        default: false,
      })),
      assignee: null,
      assignees: [],
      milestone: null,
      locked: false,
      comments: 0,
      pull_request: undefined,
      closed_at: i.closed_at,
      created_at: i.created_at,
      updated_at: i.updated_at,
      closed_by: undefined,
      author_association: 'MEMBER',
    });
  }

  private issueRoutes(): void {
    const notFound = { status: 404, body: { message: 'Not Found' } };
    // GET /repos/{owner}/{repo}/issues: filters state (default open), labels (all of them), creator; newest first.
    this.get(/^\/repos\/([^/]+)\/([^/]+)\/issues$/, ({ query }) => {
      const state = query.state ?? 'open';
      const labels = (query.labels ?? '')
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean);
      const listed = this.issues
        .filter((i) => state === 'all' || i.state === state)
        .filter((i) => labels.every((l) => i.labels.includes(l)))
        .filter((i) => !query.creator || i.user.login === query.creator)
        .sort((a, b) => b.number - a.number);
      const perPage = Number(query.per_page ?? 30);
      const p = Number(query.page ?? 1);
      return {
        status: 200,
        body: page(listed, query).map((i) => this.issueJson(i)),
        headers: linkHeader(`${this.url}/repos/lab/models/issues`, p, perPage, listed.length),
      };
    });
    this.on('POST', /^\/repos\/([^/]+)\/([^/]+)\/issues$/, ({ body }) => {
      const b = body as { title?: string; body?: string; labels?: string[] };
      if (typeof b?.title !== 'string' || b.title === '')
        return { status: 422, body: { message: 'Validation Failed' } };
      const issue = this.openIssue(
        this.tokenUser,
        { title: b.title, body: b.body ?? '', labels: b.labels ?? [] },
        this.tokenUser.endsWith('[bot]') ? 'Bot' : 'User',
      );
      return { status: 201, body: this.issueJson(issue) };
    });
    this.on('PATCH', /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)$/, ({ params, body }) => {
      const issue = this.issues.find((i) => i.number === Number(params[2]));
      if (!issue) return notFound;
      const b = body as {
        title?: string;
        body?: string;
        state?: 'open' | 'closed';
        state_reason?: Issue['state_reason'];
        labels?: string[];
      };
      if (b.title !== undefined) issue.title = b.title;
      if (b.body !== undefined) issue.body = b.body;
      if (b.labels !== undefined) issue.labels = b.labels;
      if (b.state !== undefined && b.state !== issue.state) {
        issue.state = b.state;
        issue.closed_at = b.state === 'closed' ? this.now() : null;
        issue.state_reason = b.state === 'closed' ? (b.state_reason ?? 'completed') : 'reopened';
      }
      issue.updated_at = this.now();
      return { status: 200, body: this.issueJson(issue) };
    });
  }

  /** A strictly increasing clock, so created_at orders events as they happened. */
  now(): string {
    this.lastTs = Math.max(Date.now(), this.lastTs + 1);
    return new Date(this.lastTs).toISOString();
  }

  user(login: string, type: 'User' | 'Bot' = 'User'): User {
    let u = this.users.get(login);
    if (!u) this.users.set(login, (u = { id: 5000 + this.users.size, login, type }));
    return u;
  }

  /** Open PR `number` from `author` with `files` on top of the base commit. */
  openPull(
    number: number,
    author: string,
    base: string,
    head: string,
    headFiles: TreeFiles,
    changed: PullFile[],
    baseRef = 'main',
  ): Pull {
    this.user(author);
    this.commits.set(head, headFiles);
    if (!this.suites.has(head)) this.suites.set(head, this.now());
    const pr: Pull = {
      number,
      state: 'open',
      author,
      base,
      baseRef,
      mergeBase: base,
      head,
      commits: [{ sha: head, author, committer: author }],
    };
    this.pulls.set(number, pr);
    this.pullFiles.set(number, changed);
    return pr;
  }

  /**
   * `author` pushes a new head to PR `number`. Going back to a commit the PR already had is a force
   * push (GitHub records `head_ref_force_pushed`), as is any push with `force`.
   */
  push(number: number, sha: string, files: TreeFiles, author: string, changed?: PullFile[], force = false): void {
    const pr = this.pulls.get(number)!;
    if (force || pr.commits.some((c) => c.sha === sha))
      this.events.push({ issue: number, event: 'head_ref_force_pushed', created_at: this.now() });
    this.commits.set(sha, files);
    // GitHub makes a commit's check suite when it first sees the commit, not when a branch returns to it.
    if (!this.suites.has(sha)) this.suites.set(sha, this.now());
    pr.head = sha;
    pr.commits.push({ sha, author, committer: author });
    if (changed) this.pullFiles.set(number, changed);
  }

  /** Change PR `number`'s base branch (GitHub then sends `pull_request.edited` with `changes.base`). */
  retarget(number: number, base: string, baseRef: string): { ref: { from: string }; sha: { from: string } } {
    const pr = this.pulls.get(number)!;
    const from = { ref: { from: pr.baseRef }, sha: { from: pr.base } };
    pr.base = base;
    pr.baseRef = baseRef;
    pr.mergeBase = base;
    this.events.push({ issue: number, event: 'base_ref_changed', created_at: this.now() });
    return from;
  }

  /**
   * The base branch of PR `number` moves on to commit `sha` (holding `files`) while the PR's branch
   * stays where it left it: its merge base is still the old base commit.
   */
  advanceBase(number: number, sha: string, files: TreeFiles): void {
    const pr = this.pulls.get(number)!;
    this.commits.set(sha, files);
    pr.base = sha;
  }

  /** A comment by `login` on PR `number`, as GitHub stores it; returns the record. */
  comment(number: number, login: string, body: string): Comment {
    const at = this.now();
    const c: Comment = {
      id: this.nextId++,
      issue: number,
      user: this.user(login),
      body,
      created_at: at,
      updated_at: at,
      performed_via_github_app: null,
    };
    this.comments.push(c);
    return c;
  }

  /** The REST shape of a comment (also what a webhook carries). */
  commentJson(c: Comment): Record<string, unknown> {
    return documented('issue-comment', {
      id: c.id,
      node_id: `IC_${c.id}`,
      url: `${this.url}/repos/lab/models/issues/comments/${c.id}`,
      html_url: `https://github.com/lab/models/pull/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${this.url}/repos/lab/models/issues/${c.issue}`,
      body: c.body,
      user: userJson(c.user),
      created_at: c.created_at,
      updated_at: c.updated_at,
      author_association: 'MEMBER',
      performed_via_github_app: c.performed_via_github_app ? appJson(c.performed_via_github_app, c.created_at) : null,
    });
  }

  pullJson(pr: Pull): Record<string, unknown> {
    return documented('pull-request', {
      id: pr.number,
      number: pr.number,
      state: pr.state,
      title: `Release #${pr.number}`,
      user: userJson(this.user(pr.author)),
      head: { sha: pr.head, ref: 'release', label: 'lab:release' },
      base: { sha: pr.base, ref: pr.baseRef, label: `lab:${pr.baseRef}` },
      html_url: `https://github.com/lab/models/pull/${pr.number}`,
      changed_files: this.pullFiles.get(pr.number)?.length ?? 0,
      requested_teams: [],
      commits: pr.commits.length,
    });
  }

  /** The latest run named `name` on `sha` (default `RSO approval: main`), as branch protection would read it. */
  latestCheck(sha: string, name = 'RSO approval: main'): CheckRun | undefined {
    return this.checkRuns.filter((r) => r.head_sha === sha && r.name === name).sort((a, b) => b.id - a.id)[0];
  }

  stickyComments(number: number): Comment[] {
    return this.comments.filter((c) => c.issue === number && c.body.startsWith('<!-- asl-gate:rso-approval -->'));
  }

  private rulesetRoutes(): void {
    const repoOk = (o: string, r: string) => this.repos.has(`${o}/${r}`);
    const notFound = { status: 404, body: { message: 'Not Found' } };
    const forbidden = { status: 403, body: { message: 'Resource not accessible by integration' } };
    this.get(/^\/repos\/([^/]+)\/([^/]+)$/, ({ params }) =>
      repoOk(params[0], params[1])
        ? {
            status: 200,
            body: documented('full-repository-default-response', {
              id: 1,
              name: params[1],
              full_name: `${params[0]}/${params[1]}`,
              private: true,
              default_branch: 'main',
              language: 'Python',
              source: undefined,
              parent: undefined,
            }),
          }
        : notFound,
    );
    this.get(/^\/repos\/([^/]+)\/([^/]+)\/rulesets$/, ({ params }) => {
      if (!repoOk(params[0], params[1])) return notFound;
      if (!this.admin) return forbidden;
      return {
        status: 200,
        body: this.rulesets.map((r) =>
          documented('repository-ruleset-items', {
            id: r.id,
            name: r.name,
            target: r.target,
            enforcement: r.enforcement,
            source_type: 'Repository',
            source: `${params[0]}/${params[1]}`,
          }),
        ),
      };
    });
    this.get(/^\/repos\/([^/]+)\/([^/]+)\/rulesets\/(\d+)$/, ({ params }) => {
      const r = this.rulesets.find((x) => x.id === Number(params[2]));
      return r ? { status: 200, body: r } : notFound;
    });
    this.on('POST', /^\/repos\/([^/]+)\/([^/]+)\/rulesets$/, ({ params, body }) => {
      if (!repoOk(params[0], params[1])) return notFound;
      if (!this.admin) return forbidden;
      const r = documented('repository-ruleset', {
        ...(body as object),
        id: this.nextId++,
        source_type: 'Repository',
        source: `${params[0]}/${params[1]}`,
      });
      this.rulesets.push(r);
      return { status: 201, body: r };
    });
    this.on('PUT', /^\/repos\/([^/]+)\/([^/]+)\/rulesets\/(\d+)$/, ({ params, body }) => {
      if (!this.admin) return forbidden;
      const i = this.rulesets.findIndex((x) => x.id === Number(params[2]));
      if (i < 0) return notFound;
      this.rulesets[i] = { ...this.rulesets[i], ...(body as object), id: Number(params[2]) };
      return { status: 200, body: this.rulesets[i] };
    });
  }

  private appRoutes(): void {
    this.rulesetRoutes();
    const installationUser = () => this.user(`${this.app.slug}[bot]`, 'Bot');
    this.on('POST', /^\/app\/installations\/(\d+)\/access_tokens$/, () => ({
      status: 201,
      body: {
        token: 'ghs_standin',
        expires_at: new Date(Date.now() + 3600_000).toISOString(),
        permissions: { checks: 'write' },
        repository_selection: 'all',
      },
    }));
    this.get(/^\/app$/, () => ({ status: 200, body: { id: this.app.id, slug: this.app.slug, name: 'asl-gate' } }));
    this.get(/^\/users\/([^/]+)$/, ({ params }) => {
      const u = this.users.get(params[0]);
      return u
        ? { status: 200, body: documented('public-user-default-response', userJson(u)) }
        : { status: 404, body: { message: 'Not Found' } };
    });
    this.get(/^\/orgs\/([^/]+)\/teams\/([^/]+)\/memberships\/([^/]+)$/, ({ params }) =>
      this.teams.get(params[1])?.has(params[2])
        ? {
            status: 200,
            body: documented('team-membership-response-if-user-is-a-team-maintainer', {
              role: 'member',
              state: 'active',
            }),
          }
        : { status: 404, body: { message: 'Not Found' } },
    );
    this.get(/^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/, ({ params }) => {
      const pr = this.pulls.get(Number(params[2]));
      return pr ? { status: 200, body: this.pullJson(pr) } : { status: 404, body: { message: 'Not Found' } };
    });
    this.get(/^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/commits$/, ({ params, query }) => {
      const pr = this.pulls.get(Number(params[2]));
      if (!pr) return { status: 404, body: { message: 'Not Found' } };
      return {
        status: 200,
        // Like GitHub, the listing stops at 250 commits (the pull request's `commits` counts them all).
        body: page(pr.commits.slice(0, 250), query).map((c) =>
          documented('commit-items', {
            sha: c.sha,
            node_id: 'C',
            url: 'https://x',
            html_url: 'https://x',
            comments_url: 'https://x',
            commit: {
              message: 'release',
              author: { name: c.author, email: 'a@x', date: '2026-11-01T00:00:00Z' },
              committer: { name: c.committer, email: 'a@x', date: '2026-11-01T00:00:00Z' },
              url: 'https://x',
              tree: { sha: c.sha, url: 'https://x' },
              comment_count: 0,
            },
            author: userJson(this.user(c.author)),
            committer: userJson(this.user(c.committer)),
            parents: [],
          }),
        ),
      };
    });
    this.get(/^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/, ({ params, query }) => ({
      status: 200,
      body: page(
        this.comments.filter((c) => c.issue === Number(params[2])),
        query,
      ).map((c) => this.commentJson(c)),
    }));
    this.get(/^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/events$/, ({ params, query }) => ({
      status: 200,
      body: page(
        this.events.filter((e) => e.issue === Number(params[2])),
        query,
      ).map((e, i) =>
        documented('issue-event-for-issue-items', {
          id: i + 1,
          event: e.event,
          created_at: e.created_at,
          actor: userJson(this.user('dev-mallory')),
        }),
      ),
    }));
    // The timeline: comments (`commented`, the comment's fields plus `event` and `actor`), the
    // events above, and one `committed` item per commit, which, like GitHub's, has no `created_at`.
    // GitHub orders it by time; here comments and events by their clock, commits first.
    this.get(/^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/timeline$/, ({ params, query }) => {
      const issue = Number(params[2]);
      const committed = (this.pulls.get(issue)?.commits ?? []).map((c) => ({
        event: 'committed',
        sha: c.sha,
        node_id: 'C',
        url: 'https://x',
        html_url: 'https://x',
        author: { name: c.author, email: 'a@x', date: '2026-11-01T00:00:00Z' },
        committer: { name: c.committer, email: 'a@x', date: '2026-11-01T00:00:00Z' },
        message: 'release',
        tree: { sha: c.sha, url: 'https://x' },
        parents: [],
        verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
      }));
      const timed = [
        ...this.comments
          .filter((c) => c.issue === issue)
          .map((c) => ({
            at: c.created_at,
            item: { ...this.commentJson(c), event: 'commented', actor: userJson(c.user) },
          })),
        ...this.events
          .filter((e) => e.issue === issue)
          .map((e, i) => ({
            at: e.created_at,
            item: documented('issue-event-for-issue-items', {
              id: 100_000 + i,
              event: e.event,
              created_at: e.created_at,
              actor: userJson(this.user('dev-mallory')),
            }),
          })),
      ].sort((a, b) => a.at.localeCompare(b.at));
      return { status: 200, body: page([...committed, ...timed.map((t) => t.item)], query) };
    });
    this.on('POST', /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/, ({ params, body }) => {
      if (tooLong((body as { body?: string }).body, COMMENT_MAX)) return unprocessable(COMMENT_MAX);
      const c = this.comment(Number(params[2]), installationUser().login, (body as { body: string }).body);
      c.performed_via_github_app = { ...this.app };
      return { status: 201, body: this.commentJson(c) };
    });
    this.on('PATCH', /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/, ({ params, body }) => {
      const c = this.comments.find((x) => x.id === Number(params[2]));
      if (!c) return { status: 404, body: { message: 'Not Found' } };
      if (tooLong((body as { body?: string }).body, COMMENT_MAX)) return unprocessable(COMMENT_MAX);
      c.body = (body as { body: string }).body;
      c.updated_at = this.now();
      return { status: 200, body: this.commentJson(c) };
    });
    this.on('DELETE', /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/, ({ params }) => {
      const i = this.comments.findIndex((x) => x.id === Number(params[2]));
      if (i < 0) return { status: 404, body: { message: 'Not Found' } };
      this.comments.splice(i, 1);
      return { status: 204 };
    });
    this.on('POST', /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)\/reactions$/, ({ params, body }) => {
      const content = (body as { content: string }).content;
      const comment = Number(params[2]);
      const existing = this.reactions.find((r) => r.comment === comment && r.content === content);
      if (!existing) this.reactions.push({ comment, content, user: installationUser().login });
      return {
        status: existing ? 200 : 201,
        body: documented('reaction', {
          id: comment * 10,
          user: userJson(installationUser()),
          content,
          created_at: this.now(),
        }),
      };
    });
    this.get(/^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)\/check-runs$/, ({ params, query }) => {
      let runs = this.checkRuns.filter(
        (r) =>
          r.head_sha === params[2] &&
          (!query.check_name || r.name === query.check_name) &&
          (!query.app_id || r.app_id === Number(query.app_id)),
      );
      // Like GitHub, `filter` defaults to `latest`: only the newest run of each name; `all` lists every one.
      if (query.filter !== 'all') runs = runs.filter((r) => !runs.some((o) => o.name === r.name && o.id > r.id));
      return { status: 200, body: { total_count: runs.length, check_runs: runs.map((r) => this.checkRunJson(r)) } };
    });
    this.get(/^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)\/check-suites$/, ({ params }) => {
      const at = this.suites.get(params[2]);
      const suites = at
        ? [documented('check-suite-paginated', {}).check_suites]
            .flat()
            .slice(0, 1)
            .map((x) =>
              merge(x as Record<string, unknown>, {
                head_sha: params[2],
                created_at: at,
                updated_at: at,
                pull_requests: [],
              }),
            )
        : [];
      return { status: 200, body: { total_count: suites.length, check_suites: suites } };
    });
    this.on('POST', /^\/repos\/([^/]+)\/([^/]+)\/check-runs$/, ({ body }) => {
      const b = body as Record<string, unknown>;
      if (outputTooLong(b.output)) return unprocessable(CHECK_OUTPUT_MAX);
      const at = this.now();
      const run: CheckRun = {
        id: this.nextId++,
        head_sha: b.head_sha as string,
        name: b.name as string,
        status: (b.status as string) ?? 'queued',
        conclusion: (b.conclusion as string) ?? null,
        output: { title: null, summary: null, text: null, ...(b.output as object) },
        app_id: this.app.id,
        started_at: at,
        completed_at: b.status === 'completed' ? at : null,
      };
      this.checkRuns.push(run);
      return { status: 201, body: this.checkRunJson(run) };
    });
    this.on('PATCH', /^\/repos\/([^/]+)\/([^/]+)\/check-runs\/(\d+)$/, ({ params, body }) => {
      const run = this.checkRuns.find((r) => r.id === Number(params[2]));
      if (!run) return { status: 404, body: { message: 'Not Found' } };
      const b = body as Record<string, unknown>;
      if (outputTooLong(b.output)) return unprocessable(CHECK_OUTPUT_MAX);
      if (b.status) run.status = b.status as string;
      run.conclusion = b.status === 'completed' ? ((b.conclusion as string) ?? null) : null;
      run.completed_at = b.status === 'completed' ? this.now() : null;
      if (b.output) run.output = { title: null, summary: null, text: null, ...b.output };
      return { status: 200, body: this.checkRunJson(run) };
    });
    this.get(/^\/repos\/([^/]+)\/([^/]+)\/git\/trees\/([^/]+)$/, ({ params }) => {
      const files = this.commits.get(params[2]);
      if (!files) return { status: 404, body: { message: 'Not Found' } };
      const tree: Array<Record<string, unknown>> = [];
      const dirs = new Set<string>();
      for (const [path, v] of Object.entries(files)) {
        const parts = path.split('/');
        for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
        const text = typeof v === 'string' ? v : v.symlink;
        tree.push({
          path,
          mode: typeof v === 'string' ? '100644' : '120000',
          type: 'blob',
          sha: this.blob(text),
          size: Buffer.byteLength(text),
          url: 'https://x',
        });
      }
      for (const d of dirs)
        tree.push({
          path: d,
          mode: '040000',
          type: 'tree',
          sha: createHash('sha1').update(`tree:${d}`).digest('hex'),
          url: 'https://x',
        });
      tree.sort((a, b) => ((a.path as string) < (b.path as string) ? -1 : 1));
      return { status: 200, body: { sha: params[2], url: 'https://x', tree, truncated: false } };
    });
    this.get(/^\/repos\/([^/]+)\/([^/]+)\/git\/blobs\/([0-9a-f]{40})$/, ({ params }) => {
      const text = this.blobs.get(params[2]);
      if (text === undefined) return { status: 404, body: { message: 'Not Found' } };
      return {
        status: 200,
        body: documented('blob', {
          sha: params[2],
          size: Buffer.byteLength(text),
          content: Buffer.from(text).toString('base64'),
          encoding: 'base64',
        }),
      };
    });
  }

  private readonly blobs = new Map<string, string>();
  private blob(text: string): string {
    const sha = createHash('sha1')
      .update(`blob ${Buffer.byteLength(text)}\0${text}`)
      .digest('hex');
    this.blobs.set(sha, text);
    return sha;
  }

  private checkRunJson(r: CheckRun): Record<string, unknown> {
    return documented('check-run', {
      id: r.id,
      node_id: 'CR',
      head_sha: r.head_sha,
      external_id: null,
      url: 'https://x',
      html_url: 'https://x',
      details_url: null,
      status: r.status,
      conclusion: r.conclusion,
      started_at: r.started_at,
      completed_at: r.completed_at,
      output: { ...r.output, annotations_count: 0, annotations_url: 'https://x' },
      name: r.name,
      check_suite: { id: 1 },
      app: appJson({ id: r.app_id, slug: this.app.slug }, r.started_at),
      pull_requests: [],
    });
  }

  /** Add a route; later routes take precedence. */
  on(method: string, re: RegExp, handler: Handler): this {
    this.routes.unshift({ method, re, handler });
    return this;
  }

  get(re: RegExp, handler: Handler): this {
    return this.on('GET', re, handler);
  }

  /** Answer matching requests with a body that never ends, one byte at a time (a slow-drip server). */
  drip(drip: Drip): this {
    this.drips.push(drip);
    return this;
  }

  /** Rate-limit matching requests as GitHub does: `status` (429 or 403) with Retry-After in seconds. */
  rateLimit(opts: { method: string; path: RegExp; retryAfter: number; status?: 403 | 429; times?: number }): this {
    return this.fail({
      method: opts.method,
      path: opts.path,
      status: opts.status ?? 429,
      ...(opts.times !== undefined ? { times: opts.times } : {}),
      headers: { 'retry-after': String(opts.retryAfter), 'x-ratelimit-remaining': '0' },
      body: {
        message: 'API rate limit exceeded',
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
      },
    });
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
    this.requests.push({ at: Date.now(), method, path, query, body, headers: req.headers });

    const drip = this.drips.find((d) => d.method === method && d.path.test(path));
    if (drip) {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.write('[');
      const timer = setInterval(() => res.write(' '), drip.everyMs);
      res.on('close', () => clearInterval(timer));
      return;
    }
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

  private contents(path: string, ref: string): HandlerResponse {
    const files = this.commits.get(ref);
    if (!files) return { status: 404, body: { message: 'No commit found for the ref' } };
    path = path.replace(/\/$/, '');
    const entry = files[path];
    if (typeof entry === 'string') {
      const size = Buffer.byteLength(entry);
      // Like GitHub, files over 1 MB come without content.
      const content =
        size > 1024 * 1024
          ? { content: '', encoding: 'none' }
          : { content: Buffer.from(entry).toString('base64'), encoding: 'base64' };
      return { status: 200, body: contentItem('file', path, size, content) };
    }
    if (entry && 'symlink' in entry) {
      // GitHub answers a symlink to a file with the target file itself.
      const target = posixJoin(path.split('/').slice(0, -1).join('/'), entry.symlink);
      const t = files[target];
      if (typeof t === 'string') {
        return {
          status: 200,
          body: contentItem('file', target, Buffer.byteLength(t), {
            content: Buffer.from(t).toString('base64'),
            encoding: 'base64',
          }),
        };
      }
      return { status: 200, body: { ...contentItem('symlink', path, entry.symlink.length), target: entry.symlink } };
    }
    const prefix = path ? `${path}/` : '';
    const children = new Map<string, 'file' | 'dir' | 'symlink'>();
    for (const [p, v] of Object.entries(files)) {
      if (!p.startsWith(prefix)) continue;
      const rest = p.slice(prefix.length).split('/');
      children.set(rest[0], rest.length > 1 ? 'dir' : typeof v === 'string' ? 'file' : 'symlink');
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

  private pullFilesPage(owner: string, repo: string, pull: number, query: Record<string, string>): HandlerResponse {
    const files = this.pullFiles.get(pull);
    if (!files) return { status: 404, body: { message: 'Not Found' } };
    const perPage = Number(query.per_page ?? 30);
    const page = Number(query.page ?? 1);
    // Like GitHub, the listing stops at 3,000 files.
    const listed = files.slice(0, 3000);
    const slice = listed.slice((page - 1) * perPage, page * perPage);
    return {
      status: 200,
      headers: linkHeader(`${this.url}/repos/${owner}/${repo}/pulls/${pull}/files`, page, perPage, listed.length),
      body: slice.map((f, i) => diffEntry(f, i)),
    };
  }
}

/** One changed file as the PR files listing and a comparison show it (GitHub's diff-entry). */
function diffEntry(f: PullFile, i: number): Record<string, unknown> {
  return {
    sha: (i + 1).toString(16).padStart(40, '0'),
    filename: f.filename,
    status: f.status,
    // A removed file has only deletions; a pure rename changes no line.
    additions: f.status === 'removed' || f.status === 'renamed' ? 0 : 1,
    deletions: f.status === 'removed' ? 1 : 0,
    changes: f.status === 'renamed' ? 0 : 1,
    blob_url: `https://github.com/o/r/blob/x/${f.filename}`,
    raw_url: `https://github.com/o/r/raw/x/${f.filename}`,
    contents_url: `https://api.github.com/repos/o/r/contents/${f.filename}`,
    ...(f.status === 'renamed' ? { previous_filename: f.previous_filename } : {}),
  };
}

/** GitHub's documented limits: a check run's output.summary and output.text, a comment's body. */
const CHECK_OUTPUT_MAX = 65_535;
const COMMENT_MAX = 65_536;
const tooLong = (s: unknown, max: number) => typeof s === 'string' && [...s].length > max;
function outputTooLong(output: unknown): boolean {
  const o = output as { summary?: unknown; text?: unknown } | undefined;
  return tooLong(o?.summary, CHECK_OUTPUT_MAX) || tooLong(o?.text, CHECK_OUTPUT_MAX);
}
function unprocessable(max: number) {
  return {
    status: 422,
    body: {
      message: `Invalid request.\n\nOnly ${max} characters are allowed.`,
      documentation_url: 'https://docs.github.com/rest',
    },
  };
}

let examples: Record<string, { value: unknown }> | undefined;
/**
 * GitHub's documented example for a response (from @octokit/openapi), with our fields laid over
 * it: every field a real response has is there, with a realistic value.
 */
function documented(name: string, overlay: Record<string, unknown>): Record<string, unknown> {
  examples ??= (
    createRequire(import.meta.url)('@octokit/openapi/generated/api.github.com.json') as {
      components: { examples: Record<string, { value: unknown }> };
    }
  ).components.examples;
  let base: unknown = structuredClone(examples[name].value);
  if (Array.isArray(base)) base = base[0];
  return merge(base as Record<string, unknown>, overlay);
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = base[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)
        ? merge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

function userJson(u: User): Record<string, unknown> {
  const api = `https://api.github.com/users/${u.login}`;
  return {
    login: u.login,
    id: u.id,
    node_id: `U_${u.id}`,
    avatar_url: 'https://avatars.githubusercontent.com/u/1',
    gravatar_id: '',
    url: api,
    html_url: `https://github.com/${u.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: u.type,
    site_admin: false,
  };
}

/** A GitHub App as the API describes one (performed_via_github_app, check_run.app). */
function appJson(app: { id: number; slug: string }, at: string): Record<string, unknown> {
  return {
    id: app.id,
    slug: app.slug,
    node_id: `A_${app.id}`,
    client_id: 'Iv1.standin',
    owner: userJson({ id: 1, login: 'lab', type: 'User' }),
    name: 'RSO approval',
    description: null,
    external_url: 'https://example.org',
    html_url: `https://github.com/apps/${app.slug}`,
    created_at: at,
    updated_at: at,
    permissions: { checks: 'write' },
    events: ['pull_request'],
  };
}

/** GitHub's pagination header: the next and last pages, when there is a next one. */
function linkHeader(url: string, page: number, perPage: number, total: number): Record<string, string> {
  const last = Math.max(1, Math.ceil(total / perPage));
  if (page >= last) return {};
  return {
    link: `<${url}?per_page=${perPage}&page=${page + 1}>; rel="next", <${url}?per_page=${perPage}&page=${last}>; rel="last"`,
  };
}

function page<T>(items: T[], query: Record<string, string>): T[] {
  const perPage = Number(query.per_page ?? 30);
  const p = Number(query.page ?? 1);
  return items.slice((p - 1) * perPage, p * perPage);
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
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'x-github-request-id': 'standin',
    ...headers,
  });
  res.end(text);
}
