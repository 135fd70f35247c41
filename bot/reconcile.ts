import { checkRepository, releasePathMatcher } from '../src/check.js';
import { todayUtc } from '../src/dates.js';
import { DEFAULT_CONFIG_PATH, loadPolicy, type Policy } from '../src/policy.js';
import { GitHubSnapshot, GitTreeSnapshot, listPullFiles, type GitHubApi } from '../src/snapshot/github.js';
import { parseCommands } from './commands.js';
import { decide, type Authorize, type CommentInfo, type Decision, type Outcome } from './decide.js';
import { decodeState, renderCheck, renderSticky, STICKY_MARKER, type GateSummary } from './render.js';

export const CHECK_NAME = 'RSO approval';

/** What a handler needs from Probot's context: the REST client and the repository. */
export interface Ctx {
  api: GitHubApi;
  owner: string;
  repo: string;
  /** This App's id: only its own check runs and comments are trusted as state. */
  appId: number;
  log: { info(msg: string): void; warn(msg: string): void; error(msg: string): void };
  today?: string;
}

export interface PullInfo {
  number: number;
  state: string;
  user: { id: number; login: string } | null;
  head: { sha: string };
  base: { sha: string };
  /** How many files the PR changes, when GitHub says (it does on the pull request object). */
  changed_files?: number;
}

interface CheckRunInfo {
  id: number;
  head_sha: string;
  started_at: string | null;
  app: { id: number } | null;
  output: { text: string | null } | null;
}

export interface ReconcileResult {
  outcome: Outcome;
  decisions: Decision[];
  comments: CommentInfo[];
  gate: GateSummary;
  head: string;
}

/** A finding of the gate's own configuration (on the base branch) that blocks approval. */
class ConfigBroken extends Error {}

/**
 * Rebuild the approval state of a PR's head from GitHub alone — base config, changed files, the
 * gate verdict on the head, every comment — and write the `RSO approval` check and the sticky
 * comment to match. Safe to run any number of times, in any order, on any replica.
 */
export async function reconcile(ctx: Ctx, pr: PullInfo, opts: { recompute?: boolean } = {}): Promise<ReconcileResult | undefined> {
  if (pr.state !== 'open') return undefined;
  const head = pr.head.sha;
  const policy = await loadPolicy(new GitHubSnapshot(ctx.api, ctx.owner, ctx.repo, pr.base.sha));
  const existing = await findCheckRun(ctx, head);
  if (!policy.ok) {
    const msg = policy.findings.map((f) => `${f.file ?? ''}${f.line ? `:${f.line}` : ''} ${f.code}: ${f.message}`).join('\n');
    await writeCheck(ctx, head, existing, {
      status: 'completed',
      conclusion: 'failure',
      output: { title: 'The gate configuration on the base branch is broken', summary: `Approval cannot be granted until it is fixed:\n\n\`\`\`\n${msg}\n\`\`\`` },
    });
    throw new ConfigBroken(`base config broken: ${policy.findings[0]!.code}`);
  }

  // The gate verdict on this head: reused from this App's own check run unless asked to recompute.
  const key = { head, base: pr.base.sha, today: ctx.today ?? todayUtc() };
  let gate = opts.recompute ? undefined : decodeState(existing?.output?.text, key);
  gate ??= await computeGate(ctx, pr, policy.policy, key.today);

  if (!gate.relevant) {
    const outcome: Outcome = { state: 'not_release' };
    await writeCheck(ctx, head, existing, renderCheck({ outcome, gate, head, policy: policy.policy, key }));
    return { outcome, decisions: [], comments: [], gate, head };
  }

  const [comments, pushers] = await Promise.all([listComments(ctx, pr.number), listPushers(ctx, pr.number)]);
  const headSince = await headSinceFor(ctx, head, existing, comments);
  const authorize = await authorizer(ctx, policy.policy, pr, pushers, comments);
  const { outcome, decisions } = decide({ head, ...(headSince ? { headSince } : {}), gate, comments, authorize });
  await writeCheck(ctx, head, existing, renderCheck({ outcome, gate, head, policy: policy.policy, key }));
  await upsertSticky(ctx, pr.number, comments, renderSticky({ outcome, gate, head, policy: policy.policy, owner: ctx.owner }));
  return { outcome, decisions, comments, gate, head };
}

/** The gate verdict on the head: which changed files are releases, the config or a pack, and the engine's verdict on them. */
async function computeGate(ctx: Ctx, pr: PullInfo, policy: Policy, today: string): Promise<GateSummary> {
  const listed = await listPullFiles(ctx.api, ctx.owner, ctx.repo, pr.number, pr.changed_files);
  if (!listed.ok) {
    // The change cannot be seen whole (past GitHub's 3,000-file listing, or a short one). Fail closed.
    return { relevant: true, verdict: 'fail', approvalRequired: true, policyChanged: false, releases: [], findings: [{ code: 'input.too_large', where: '', message: listed.problem }] };
  }
  const files = listed.paths;
  const inRelease = releasePathMatcher(policy.settings.releases);
  const packPath = policy.pack.file.startsWith('built-in:') ? undefined : policy.pack.file;
  const policyFiles = files.filter((f) => f === (policy.settings.file ?? DEFAULT_CONFIG_PATH) || f === packPath || f.startsWith('packs/'));
  const releaseFiles = files.filter(inRelease);
  const policyChanged = policyFiles.length > 0;
  if (releaseFiles.length === 0) return { relevant: policyChanged, verdict: 'pass', approvalRequired: policyChanged, policyChanged, releases: [], findings: [] };
  const snapshot = new GitTreeSnapshot(ctx.api, ctx.owner, ctx.repo, pr.head.sha);
  const report = await checkRepository({ snapshot, policy, today, changedFiles: releaseFiles });
  return {
    relevant: true,
    verdict: report.verdict,
    approvalRequired: policyChanged || report.releases.some((r) => r.approvalRequired),
    policyChanged,
    releases: report.releases.map((r) => ({ declaration: r.declaration, model: r.model ?? null, declared: r.declared ?? {}, verdict: r.verdict, noncompliance: r.noncompliance })),
    // Findings outside any release (declaration.missing) and the first few of each release.
    findings: report.findings.filter((f) => f.severity === 'error').slice(0, 20).map((f) => ({ code: f.code, where: `${f.file ?? ''}${f.line ? `:${f.line}` : ''}`, message: f.message })),
  };
}

async function findCheckRun(ctx: Ctx, head: string): Promise<CheckRunInfo | undefined> {
  const { data } = await ctx.api.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
    owner: ctx.owner,
    repo: ctx.repo,
    ref: head,
    check_name: CHECK_NAME,
    app_id: ctx.appId,
    per_page: 100,
  });
  const runs = (data as { check_runs: CheckRunInfo[] }).check_runs.filter((r) => r.app?.id === ctx.appId);
  // The newest run is the one GitHub shows and branch protection reads.
  return runs.sort((a, b) => b.id - a.id)[0];
}

export interface CheckFields {
  status: 'in_progress' | 'completed';
  conclusion?: 'success' | 'failure';
  output: { title: string; summary: string; text?: string };
}

async function writeCheck(ctx: Ctx, head: string, existing: CheckRunInfo | undefined, fields: CheckFields): Promise<void> {
  const body = { ...fields, ...(fields.status === 'completed' ? { completed_at: new Date().toISOString() } : {}) };
  if (existing) {
    await ctx.api.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', { owner: ctx.owner, repo: ctx.repo, check_run_id: existing.id, name: CHECK_NAME, ...body });
  } else {
    await ctx.api.request('POST /repos/{owner}/{repo}/check-runs', { owner: ctx.owner, repo: ctx.repo, name: CHECK_NAME, head_sha: head, ...body });
  }
}

async function listComments(ctx: Ctx, issue: number): Promise<CommentInfo[]> {
  const out: CommentInfo[] = [];
  for (let page = 1; ; page++) {
    const { data } = await ctx.api.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: ctx.owner, repo: ctx.repo, issue_number: issue, per_page: 100, page });
    const list = data as CommentInfo[];
    out.push(...list);
    if (list.length < 100) return out;
  }
}

/** Users who authored or committed the PR's commits: they may not approve their own work. */
async function listPushers(ctx: Ctx, pull: number): Promise<Set<number>> {
  const ids = new Set<number>();
  for (let page = 1; ; page++) {
    const { data } = await ctx.api.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/commits', { owner: ctx.owner, repo: ctx.repo, pull_number: pull, per_page: 100, page });
    const list = data as Array<{ author: { id: number; login: string } | null; committer: { id: number; login: string } | null }>;
    for (const c of list) {
      if (c.author) ids.add(c.author.id);
      // GitHub's web-flow commits the web editor's and merge commits; it is not a person.
      if (c.committer && c.committer.login !== 'web-flow') ids.add(c.committer.id);
    }
    if (list.length < 100) return ids;
  }
}

/**
 * When the head reached GitHub, as precisely as the bare commands on the PR need. This App's own
 * run on the head was created after the push, so its start is an upper bound and costs nothing;
 * only when a bare command is not clearly after it, ask GitHub when it first saw the commit.
 */
async function headSinceFor(ctx: Ctx, head: string, existing: CheckRunInfo | undefined, comments: CommentInfo[]): Promise<string | undefined> {
  const bound = existing?.started_at ?? undefined;
  const bare = comments.filter((c) => parseCommands(c.body).some((cmd) => (cmd.name === 'approve' && !cmd.sha) || cmd.name === 'reject' || cmd.name === 'revoke'));
  if (bound && bare.every((c) => Date.parse(bound) < Date.parse(c.created_at))) return bound;
  if (bare.length === 0) return bound;
  const seen = await headSinceOf(ctx, head);
  if (!seen) return bound;
  return !bound || Date.parse(seen) < Date.parse(bound) ? seen : bound;
}

/** When the head commit reached GitHub: the earliest check suite GitHub made for it on push. */
async function headSinceOf(ctx: Ctx, head: string): Promise<string | undefined> {
  const { data } = await ctx.api.request('GET /repos/{owner}/{repo}/commits/{ref}/check-suites', { owner: ctx.owner, repo: ctx.repo, ref: head, per_page: 100 });
  const times = (data as { check_suites: Array<{ created_at: string | null }> }).check_suites.map((s) => s.created_at).filter((t): t is string => !!t);
  return times.sort((a, b) => Date.parse(a) - Date.parse(b))[0];
}

const userIds = new Map<string, { id: number; at: number }>();
const USER_ID_TTL_MS = 10 * 60 * 1000;

/** Numeric id of a login (logins can be renamed and reused; ids cannot). Cached briefly. */
async function userId(ctx: Ctx, login: string): Promise<number | undefined> {
  const hit = userIds.get(login.toLowerCase());
  if (hit && Date.now() - hit.at < USER_ID_TTL_MS) return hit.id;
  try {
    const { data } = await ctx.api.request('GET /users/{username}', { username: login });
    const id = (data as { id: number }).id;
    userIds.set(login.toLowerCase(), { id, at: Date.now() });
    return id;
  } catch (e) {
    if ((e as { status?: number }).status === 404) return undefined;
    throw e;
  }
}

async function activeTeamMember(ctx: Ctx, team: string, login: string): Promise<boolean> {
  try {
    const { data } = await ctx.api.request('GET /orgs/{org}/teams/{team_slug}/memberships/{username}', { org: ctx.owner, team_slug: team, username: login });
    return (data as { state: string }).state === 'active';
  } catch (e) {
    if ((e as { status?: number }).status === 404) return false;
    throw e;
  }
}

/** The RSO rules of SPEC §5, resolved up front for every commenter who issued a command. */
async function authorizer(ctx: Ctx, policy: Policy, pr: PullInfo, pushers: Set<number>, comments: CommentInfo[]): Promise<Authorize> {
  const { rso, approval } = policy.settings;
  const ids = new Set((await Promise.all(rso.users.map((u) => userId(ctx, u)))).filter((x): x is number => x !== undefined));
  const candidates = new Map<number, string>();
  for (const c of comments) if (c.user && c.user.type !== 'Bot' && /^\s{0,3}\/rso\b/m.test(c.body)) candidates.set(c.user.id, c.user.login);
  const rsos = new Set<number>();
  for (const [id, login] of candidates) {
    if (ids.has(id)) rsos.add(id);
    else {
      for (const team of rso.teams) {
        if (await activeTeamMember(ctx, team, login)) {
          rsos.add(id);
          break;
        }
      }
    }
  }
  return (user) => {
    if (user.type === 'Bot') return 'bots cannot act as RSO';
    if (!rsos.has(user.id)) return `@${user.login} is not a Responsible Scaling Officer for this repository (see rso in the base branch's gate config)`;
    if (pr.user && user.id === pr.user.id && !approval.allowAuthor) return `@${user.login} opened this pull request; the RSO approving a release must not be its author`;
    if (pushers.has(user.id)) return `@${user.login} authored or committed commits in this pull request; an RSO cannot approve their own changes`;
    return undefined;
  };
}

/** Keep exactly one sticky comment of this App's: edit it in place, create it once, drop duplicates. */
async function upsertSticky(ctx: Ctx, issue: number, comments: CommentInfo[], body: string): Promise<void> {
  const ours = (cs: CommentInfo[]) => cs.filter((c) => c.body.startsWith(STICKY_MARKER) && byThisApp(c, ctx)).sort((a, b) => a.id - b.id);
  const mine = ours(comments);
  if (mine.length === 0) {
    await ctx.api.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: ctx.owner, repo: ctx.repo, issue_number: issue, body });
    // Two replicas may both have created one: the oldest wins, the others go.
    const again = ours(await listComments(ctx, issue));
    for (const dup of again.slice(1)) await deleteComment(ctx, dup.id);
    if (again[0] && again[0].body !== body) await editComment(ctx, again[0].id, body);
    return;
  }
  if (mine[0]!.body !== body) await editComment(ctx, mine[0]!.id, body);
  for (const dup of mine.slice(1)) await deleteComment(ctx, dup.id);
}

/** Comments this App wrote: only those count as its own state (a user can copy any marker). */
export function byThisApp(c: CommentInfo, ctx: Ctx): boolean {
  return c.performed_via_github_app?.id === ctx.appId;
}

async function editComment(ctx: Ctx, id: number, body: string): Promise<void> {
  await ctx.api.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner: ctx.owner, repo: ctx.repo, comment_id: id, body });
}

async function deleteComment(ctx: Ctx, id: number): Promise<void> {
  try {
    await ctx.api.request('DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner: ctx.owner, repo: ctx.repo, comment_id: id });
  } catch (e) {
    if ((e as { status?: number }).status !== 404) throw e; // another replica deleted it first
  }
}

export { ConfigBroken, listComments };
