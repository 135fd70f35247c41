import { approvalCheckName, MAX_PULL_COMMITS } from '../src/constants.js';
import { todayUtc } from '../src/dates.js';
import type { Policy, RoleHolders } from '../src/load/policy.js';
import { rolesRequired } from '../src/engine/signoff.js';
import { compareWithBase, GitTreeSnapshot, listPullFiles, type GitHubApi } from '../github/snapshot.js';
import {
  bind,
  decideRoles,
  type Authorize,
  type AuthorizeRole,
  type CommentInfo,
  type Decision,
  type LedgerEntry,
  type Outcome,
  type RoleRules,
  type RoleState,
} from './decide.js';
import { parseCommands, roleOf } from './commands.js';
import { failedClosed, judgeOffThread, loadPolicyOffThread } from './gate.js';
import { immutableReads, policyAt } from './immutable.js';
import {
  CHECK_OUTPUT_MAX,
  decodeState,
  fit,
  renderCheck,
  renderSticky,
  sealedCheck,
  stateBlock,
  STICKY_MARKER,
  type GateKey,
  type GateSummary,
  type RunState,
} from './render.js';

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
  base: { sha: string; ref: string };
  /** How many files the PR changes, when GitHub says (it does on the pull request object). */
  changed_files?: number;
  /** How many commits the PR has, when GitHub says (it does on the pull request object). */
  commits?: number;
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
  /** What was decided about the commands of the comment being handled, if any. */
  decisions: Decision[];
  comments: CommentInfo[];
  gate: GateSummary;
  head: string;
  /** With a config's `signoff:`, the state of each required role. */
  roles?: RoleState[];
}

export interface ReconcileOptions {
  /** Recompute the gate verdict instead of reusing this App's cached one. */
  recompute?: boolean;
  /** The event made this commit the PR's head (opened, reopened, synchronize, retarget): restart `since`. */
  headEvent?: boolean;
  /** The newly created comment being handled: its commands are bound to the head now. */
  comment?: CommentInfo;
}

/** A finding of the gate's own configuration (on the base branch) that blocks approval. */
class ConfigBroken extends Error {}

/**
 * Rebuild the approval state of a PR's (head, base) from GitHub alone — base config, changed files,
 * the gate verdict on the head, every comment, this App's check run — and write the
 * `RSO approval: <base>` check and the sticky comment to match. Safe to run any number of times, in
 * any order, on any replica (see the binding design in decide.ts).
 */
export async function reconcile(
  ctx: Ctx,
  pr: PullInfo,
  opts: ReconcileOptions = {},
): Promise<ReconcileResult | undefined> {
  if (pr.state !== 'open') return undefined;
  const head = pr.head.sha;
  const name = approvalCheckName(pr.base.ref);
  // The base's config and pack: read once per base commit (bot/immutable.ts).
  // Parsed in a worker, within the judging budget: a base branch is anyone's with push access.
  const policy = await policyAt(ctx.api, ctx.owner, ctx.repo, pr.base.sha, loadPolicyOffThread);
  const key = { head, base: pr.base.sha, today: ctx.today ?? todayUtc() };
  // Outside a command the gate is judged afresh, before anything else is read: a PR that touches
  // nothing relevant then costs the changed-files listing, its head's tree (the base's reads are
  // kept per base commit, blobs per SHA) and one new check run, no more. The new
  // run carries no ledger, and needs none: the ledger of (head, base) is the union over every run
  // of ours (stateOf), and a later event that finds the PR relevant reads them all. Its `since` is
  // its own `started_at` (GitHub's clock), which only ever makes a bare command's binding stricter.
  let fresh: GateSummary | undefined;
  if (!opts.comment && policy.ok) {
    fresh = await computeGate(ctx, pr, policy.policy, key.today);
    if (!fresh.relevant) {
      const outcome: Outcome = { state: 'not_release' };
      await writeCheck(
        ctx,
        name,
        head,
        undefined,
        renderCheck({
          outcome,
          gate: fresh,
          head,
          policy: policy.policy,
          key,
          state: { sinceRun: true, sincePr: pr.number, ledger: [] },
        }),
      );
      return { outcome, decisions: [], comments: [], gate: fresh, head };
    }
  }
  let runs = await findCheckRuns(ctx, head, name);
  const stored = stateOf(runs, key);
  // A head event restarts `since`: a branch that returns to a commit starts afresh. It writes a new
  // run, whose `started_at` (GitHub's clock, never this host's) is the new `since`.
  const sinceState: Pick<RunState, 'since' | 'sinceRun' | 'sincePr' | 'sealed'> = {
    ...(opts.headEvent
      ? { sinceRun: true, sincePr: pr.number }
      : stored.since
        ? { since: stored.since, ...(stored.sincePr !== undefined ? { sincePr: stored.sincePr } : {}) }
        : {}),
    ...(stored.sealed ? { sealed: stored.sealed } : {}),
  };
  const target = (recorded: boolean) => (opts.headEvent || recorded ? undefined : runs[0]);
  if (!policy.ok) {
    const msg = policy.findings
      .map((f) => `${f.file ?? ''}${f.line ? `:${f.line}` : ''} ${f.code}: ${f.message}`)
      .join('\n');
    const state = { ...sinceState, ledger: stored.ledger };
    const block = stateBlock(state, key);
    await writeCheckOrFallback(
      ctx,
      name,
      head,
      target(false),
      block === undefined
        ? sealedCheck(state, key, 'the record of decisions outgrew the check run')
        : {
            status: 'completed',
            conclusion: 'failure',
            output: {
              title: 'The gate configuration on the base branch is broken',
              summary: fit(`Approval cannot be granted until it is fixed:\n\n\`\`\`\n${msg}\n\`\`\``, CHECK_OUTPUT_MAX),
              text: block,
            },
          },
      state,
      key,
    );
    throw new ConfigBroken(`base config broken: ${policy.findings[0].code}`);
  }

  // The gate verdict on this head: reused from this App's own check run unless asked to recompute.
  const gate =
    fresh ?? (opts.recompute ? undefined : stored.gate) ?? (await computeGate(ctx, pr, policy.policy, key.today));

  if (!gate.relevant) {
    const outcome: Outcome = { state: 'not_release' };
    const state = { ...sinceState, ledger: stored.ledger };
    await writeCheckOrFallback(
      ctx,
      name,
      head,
      target(false),
      renderCheck({ outcome, gate, head, policy: policy.policy, key, state }),
      state,
      key,
    );
    return { outcome, decisions: [], comments: [], gate, head };
  }

  // A command that binds (approve, revoke) needs GitHub's record of the PR's force-pushes,
  // retargets, closes and reopens since the App saw the head (its own runs cannot say what
  // happened while it was not looking): the timeline holds those and the comments in one listing.
  const binds =
    opts.comment !== undefined &&
    parseCommands(opts.comment.body).some((cmd) => cmd.name === 'approve' || cmd.name === 'revoke');
  const { comments, events } = binds
    ? await listTimeline(ctx, pr.number)
    : { comments: await listComments(ctx, pr.number), events: undefined };
  // Who pushed matters only to someone's command (the authorizer refuses everyone else anyway): with
  // no command in the thread, the commit listing is skipped and only its length is looked at.
  const commands =
    opts.comment !== undefined ||
    comments.some((c) => c.user && c.user.type !== 'Bot' && parseCommands(c.body).length > 0);
  const commits =
    commands || pr.commits === undefined
      ? await listPushers(ctx, pr)
      : { ids: new Set<number>(), unlisted: pr.commits > MAX_PULL_COMMITS };
  // The comment being handled counts as the webhook carried it: edited or deleted since, its author is still resolved.
  const auth = await authorizer(
    ctx,
    policy.policy,
    pr,
    commits.ids,
    opts.comment ? [...comments, opts.comment] : comments,
  );
  const authorize = auth.authorize;
  const signoff = signoffRules(policy.policy, gate, auth);
  const roles = signoff ? { roles: signoff.rules } : {};
  const blocked = commits.unlisted
    ? `this pull request has ${pr.commits ?? 'more'} commits and GitHub lists only the first ${MAX_PULL_COMMITS}, so the App cannot tell who authored the others (an RSO may not approve their own work); squash or split it`
    : stored.sealed
      ? `the App could not keep the record of decisions on this commit whole (${stored.sealed}); push a new commit`
      : undefined;
  /** No event of `kinds` at or after `t` (GitHub's seconds: a tie counts), and GitHub listed them all. */
  const quietSince = (t: string, kinds: ReadonlySet<string>) =>
    events !== undefined && !events.some((e) => kinds.has(e.event) && !(Date.parse(e.created_at) < Date.parse(t)));
  let ledger = stored.ledger;
  let decisions: Decision[] = [];
  let added: LedgerEntry[] = [];
  if (opts.comment) {
    // Was `head` already the head (for this base) when the comment was written? The App saw it
    // become the head before the comment (GitHub's clock on both sides), and GitHub records no
    // force-push, retarget, close or reopen from the comment on: a head or base that changed before
    // the comment and is `head` again came back by one of those, after it. (A change before the
    // comment that stayed is not `head` now.) Nothing anyone else can edit (the sticky comment)
    // is evidence.
    // `since` must have been set by this PR's own head event: another PR with the same head and base
    // shares the run, and its time says nothing about when this PR's branch reached the commit.
    const headKnown =
      stored.since !== undefined &&
      stored.sincePr === pr.number &&
      Date.parse(stored.since) < Date.parse(opts.comment.created_at) &&
      quietSince(opts.comment.created_at, HEAD_CHANGES);
    // Was the base the same when the comment was written? No retarget since it.
    const baseKnown = quietSince(opts.comment.created_at, RETARGETS);
    const bound = bind({
      head,
      gate,
      comments,
      ledger,
      authorize,
      ...roles,
      ...(blocked ? { blocked } : {}),
      comment: opts.comment,
      headKnown,
      baseKnown,
    });
    decisions = bound.decisions;
    added = bound.entries.filter((e) => !ledger.some((l) => sameEntry(l, e)));
    ledger = mergeLedgers(ledger, added);
  }
  const render = (l: LedgerEntry[]) => {
    const decided = decideRoles({
      head,
      gate,
      comments,
      ledger: l,
      authorize,
      ...roles,
      ...(blocked ? { blocked } : {}),
    });
    const view = {
      outcome: decided.outcome,
      roles: decided.roles,
      ...(signoff ? { why: signoff.why } : {}),
      gate,
      head,
      policy: policy.policy,
    };
    const state = { ...sinceState, ledger: l };
    return { outcome: decided.outcome, view, state, check: renderCheck({ ...view, key, state }) };
  };
  let { outcome, view, state, check } = render(ledger);
  // A command recorded goes into a new run, never over the newest one: a replica writing what it
  // read before this run existed then only overwrites an older run, which nobody reads but for its
  // ledger (the ledger is the union over every run of ours on (head, base)).
  await writeCheckOrFallback(ctx, name, head, target(added.length > 0), check, state, key);
  // Two replicas recording at once each write a run without the other's entry: read back, and
  // redraw the newest run until it holds every entry any run holds.
  for (let attempt = 0; added.length > 0 && attempt < 3; attempt++) {
    runs = await findCheckRuns(ctx, head, name);
    const union = stateOf(runs, key).ledger;
    const shown = decodeState(runs[0]?.output?.text, key).ledger;
    if (union.every((e) => shown.some((l) => sameEntry(l, e)))) break;
    ledger = mergeLedgers(union, ledger);
    ({ outcome, view, state, check } = render(ledger));
    await writeCheckOrFallback(ctx, name, head, runs[0], check, state, key);
  }
  await upsertSticky(ctx, pr.number, comments, renderSticky({ ...view, owner: ctx.owner, base: pr.base.ref }));
  return { outcome, decisions, comments, gate, head, ...(signoff ? { roles: view.roles } : {}) };
}

const sameEntry = (a: LedgerEntry, b: LedgerEntry) =>
  a.comment === b.comment && a.kind === b.kind && (a.role ?? 'rso') === (b.role ?? 'rso');

function mergeLedgers(a: LedgerEntry[], b: LedgerEntry[]): LedgerEntry[] {
  return [...a, ...b.filter((e) => !a.some((x) => sameEntry(x, e)))];
}

/**
 * The state of every run of ours on (head, base), merged: a ledger entry written to any of them
 * counts, and so does any run's seal; `since` is the newest run's.
 */
function stateOf(runs: CheckRunInfo[], key: { head: string; base: string; today: string }): RunState {
  const states = runs.map((r) => decodeState(r.output?.text, key, r.started_at));
  const newest = states[0] ?? { ledger: [] };
  const sealed = states.find((s) => s.sealed)?.sealed;
  return {
    ...(newest.gate ? { gate: newest.gate } : {}),
    ...(newest.since ? { since: newest.since } : {}),
    ...(newest.sincePr !== undefined ? { sincePr: newest.sincePr } : {}),
    ...(sealed ? { sealed } : {}),
    ledger: states.reduce<LedgerEntry[]>((l, s) => mergeLedgers(l, s.ledger), []),
  };
}

/** Events that can bring a PR back to an earlier head or base, or that change its base. */
const HEAD_CHANGES: ReadonlySet<string> = new Set([
  'head_ref_force_pushed',
  'head_ref_deleted',
  'head_ref_restored',
  'base_ref_changed',
  'closed',
  'reopened',
]);
const RETARGETS: ReadonlySet<string> = new Set(['base_ref_changed', 'closed', 'reopened']);
/** Most pages of a PR's timeline read for its events; past them the App cannot tell, and binds nothing bare. */
const MAX_EVENT_PAGES = 10;

/**
 * A PR's comments and its events on GitHub's clock, from one listing of its timeline. Only the
 * events that can change a head or base are kept (`committed`, `labeled` and the like say nothing
 * of the kind); one of those the App cannot read counts as a change, now. `events` is undefined
 * past MAX_EVENT_PAGES pages (then nothing binds bare); the comments are always read whole.
 */
async function listTimeline(
  ctx: Ctx,
  issue: number,
): Promise<{ comments: CommentInfo[]; events: Array<{ event: string; created_at: string }> | undefined }> {
  const comments: CommentInfo[] = [];
  const events: Array<{ event: string; created_at: string }> = [];
  let page = 1;
  for (; ; page++) {
    const { data } = await ctx.api.request('GET /repos/{owner}/{repo}/issues/{issue_number}/timeline', {
      owner: ctx.owner,
      repo: ctx.repo,
      issue_number: issue,
      per_page: 100,
      page,
    });
    const list = data as Array<Record<string, unknown>>;
    for (const item of list) {
      const { event, created_at } = item;
      if (event === 'commented') comments.push(commentOf(item));
      else if (typeof event !== 'string' || HEAD_CHANGES.has(event) || RETARGETS.has(event))
        events.push(
          typeof event === 'string' && typeof created_at === 'string' && !isNaN(Date.parse(created_at))
            ? { event, created_at }
            : { event: 'base_ref_changed', created_at: '9999-12-31T23:59:59Z' },
        );
    }
    if (list.length < 100) break;
  }
  return { comments, events: page <= MAX_EVENT_PAGES ? events : undefined };
}

/** A timeline's `commented` item as the comment it is (the same fields as the comments listing). */
function commentOf(item: Record<string, unknown>): CommentInfo {
  const { id, body, created_at, updated_at, html_url, user, performed_via_github_app } = item as Partial<CommentInfo>;
  if (typeof id !== 'number' || typeof created_at !== 'string' || typeof updated_at !== 'string')
    throw new Error('GitHub listed a comment in the timeline without its id or dates');
  return {
    id,
    body: typeof body === 'string' ? body : '',
    created_at,
    updated_at,
    html_url: typeof html_url === 'string' ? html_url : '',
    user: user ?? null,
    performed_via_github_app: performed_via_github_app ?? null,
  };
}

/**
 * Write the check; when that fails (a 422 on an output GitHub will not take, a 5xx), write a new,
 * minimal run that is never `success`, so an earlier approval never stays the newest run, and that
 * keeps the ledger (or, when even the ledger cannot be kept, seals (head, base)). Then rethrow.
 */
async function writeCheckOrFallback(
  ctx: Ctx,
  name: string,
  head: string,
  existing: CheckRunInfo | undefined,
  fields: CheckFields,
  state: RunState,
  key: GateKey,
): Promise<void> {
  try {
    await writeCheck(ctx, name, head, existing, fields);
  } catch (e) {
    const block = stateBlock({ ...state, gate: undefined }, key);
    const minimal: CheckFields =
      block === undefined
        ? sealedCheck(state, key, 'the record of decisions outgrew the check run')
        : {
            status: 'in_progress',
            output: {
              title: 'The App could not write this check',
              summary: `Writing the check for ${head.slice(0, 7)} failed${(e as { status?: number }).status ? ` (HTTP ${(e as { status?: number }).status})` : ''}; it is held until the next event redraws it (comment \`/rso recheck\`).`,
              text: block,
            },
          };
    try {
      await writeCheck(ctx, name, head, undefined, minimal);
    } catch {
      if (block !== undefined)
        await writeCheck(ctx, name, head, undefined, sealedCheck(state, key, 'the check could not be written'));
    }
    throw e;
  }
}

/**
 * The gate verdict on the head (see gate.ts). Reading and judging the files runs in a worker
 * thread, so a costly file never holds up this process's other webhooks.
 */
async function computeGate(ctx: Ctx, pr: PullInfo, policy: Policy, today: string): Promise<GateSummary> {
  // Trees and blobs are named by SHA: each commit's tree is read once, and a file the head shares
  // with the base (or with an earlier head) once (bot/immutable.ts).
  const api = immutableReads(ctx.api, ctx.owner, ctx.repo);
  const base = new GitTreeSnapshot(api, ctx.owner, ctx.repo, pr.base.sha);
  const baseAt = { sha: pr.base.sha, repo: `${ctx.owner}/${ctx.repo}` };
  // Most PRs touch no release. One comparison gives their change and merge base, and the rule
  // judged with the merge base standing in for the head says so without reading the head: the head
  // is the merge base plus the change, so unless a changed path lies in a release folder (or
  // matches the release globs) or is referenced at the base or the merge base, the head's releases
  // and references are the merge base's, and the change touches nothing there either. Anything
  // else is judged at the real head, as before. The merge base is usually the base commit, whose
  // reads are kept.
  const compared = await compareWithBase(ctx.api, ctx.owner, ctx.repo, pr.base.sha, pr.head.sha, pr.changed_files);
  if (compared) {
    const mergeBase =
      compared.mergeBase === pr.base.sha ? base : new GitTreeSnapshot(api, ctx.owner, ctx.repo, compared.mergeBase);
    const early = await judgeOffThread({ base, head: mergeBase, changes: compared.files, policy, today, baseAt });
    if (!early.relevant) return early;
  }
  // GitHub's entries, as the Action lists them (github/snapshot.ts): fails closed past 3,000 files,
  // on an empty listing and on one shorter than the PR's `changed_files`.
  // A PR that changes nothing (both GitHub's count and its listing say so) touches nothing; an
  // empty listing against any other count fails closed.
  const listed = compared
    ? { ok: true as const, files: compared.files }
    : (await changesNothing(ctx, pr))
      ? { ok: true as const, files: [] }
      : await listPullFiles(ctx.api, ctx.owner, ctx.repo, pr.number, pr.changed_files);
  if (!listed.ok) return failedClosed(listed.problem);
  const head = new GitTreeSnapshot(api, ctx.owner, ctx.repo, pr.head.sha);
  return judgeOffThread({ base, head, changes: listed.files, policy, today, baseAt });
}

/** GitHub's pull request says it changes no file, and its listing agrees. */
async function changesNothing(ctx: Ctx, pr: PullInfo): Promise<boolean> {
  if (pr.changed_files !== 0) return false;
  const { data } = await ctx.api.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
    owner: ctx.owner,
    repo: ctx.repo,
    pull_number: pr.number,
    per_page: 100,
  });
  return Array.isArray(data) && data.length === 0;
}

/** This App's runs named `name` on `head`, newest first (the newest is what branch protection reads). */
async function findCheckRuns(ctx: Ctx, head: string, name: string): Promise<CheckRunInfo[]> {
  const { data } = await ctx.api.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
    owner: ctx.owner,
    repo: ctx.repo,
    ref: head,
    check_name: name,
    app_id: ctx.appId,
    filter: 'all',
    per_page: 100,
  });
  const runs = (data as { check_runs: Array<CheckRunInfo & { name?: string }> }).check_runs.filter(
    (r) => r.app?.id === ctx.appId && (r.name === undefined || r.name === name),
  );
  return runs.sort((a, b) => b.id - a.id);
}

export interface CheckFields {
  status: 'in_progress' | 'completed';
  conclusion?: 'success' | 'failure';
  output: { title: string; summary: string; text?: string };
}

async function writeCheck(
  ctx: Ctx,
  name: string,
  head: string,
  existing: CheckRunInfo | undefined,
  fields: CheckFields,
): Promise<void> {
  const body = { ...fields, ...(fields.status === 'completed' ? { completed_at: new Date().toISOString() } : {}) };
  if (existing) {
    await ctx.api.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      owner: ctx.owner,
      repo: ctx.repo,
      check_run_id: existing.id,
      name,
      ...body,
    });
  } else {
    await ctx.api.request('POST /repos/{owner}/{repo}/check-runs', {
      owner: ctx.owner,
      repo: ctx.repo,
      name,
      head_sha: head,
      ...body,
    });
  }
}

async function listComments(ctx: Ctx, issue: number): Promise<CommentInfo[]> {
  const out: CommentInfo[] = [];
  for (let page = 1; ; page++) {
    const { data } = await ctx.api.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      owner: ctx.owner,
      repo: ctx.repo,
      issue_number: issue,
      per_page: 100,
      page,
    });
    const list = data as CommentInfo[];
    out.push(...list);
    if (list.length < 100) return out;
  }
}

/**
 * Users who authored or committed the PR's commits: they may not approve their own work. GitHub
 * lists at most 250 commits; when the PR has more (its `commits` count), `unlisted` says so.
 */
async function listPushers(ctx: Ctx, pr: PullInfo): Promise<{ ids: Set<number>; unlisted: boolean }> {
  const ids = new Set<number>();
  let listed = 0;
  for (let page = 1; ; page++) {
    const { data } = await ctx.api.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/commits', {
      owner: ctx.owner,
      repo: ctx.repo,
      pull_number: pr.number,
      per_page: 100,
      page,
    });
    const list = data as Array<{
      author: { id: number; login: string } | null;
      committer: { id: number; login: string } | null;
    }>;
    listed += list.length;
    for (const c of list) {
      if (c.author) ids.add(c.author.id);
      // GitHub's web-flow commits the web editor's and merge commits; it is not a person.
      if (c.committer && c.committer.login !== 'web-flow') ids.add(c.committer.id);
    }
    if (list.length < 100)
      return { ids, unlisted: pr.commits !== undefined ? pr.commits > listed : listed >= MAX_PULL_COMMITS };
  }
}

const userIds = new Map<string, { id: number; at: number }>();
const USER_ID_TTL_MS = 10 * 60 * 1000;

/** Numeric id of whoever holds a login now (logins can be renamed and reused; ids cannot). Cached briefly. */
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
    const { data } = await ctx.api.request('GET /orgs/{org}/teams/{team_slug}/memberships/{username}', {
      org: ctx.owner,
      team_slug: team,
      username: login,
    });
    return (data as { state: string }).state === 'active';
  } catch (e) {
    if ((e as { status?: number }).status === 404) return false;
    throw e;
  }
}

/**
 * Does this commenter hold the role? Listed by login (compared case-insensitively with the login
 * their comment carries, then by numeric id: the login's holder now must be this user), or an
 * active member of a listed team. Only the commenter is looked up, never the rest of the list: one
 * `GET /users/{login}` per acting commenter (cached), one membership request per (team, commenter).
 */
async function holdsRole(
  ctx: Ctx,
  holders: RoleHolders,
  user: { id: number; login: string },
  member: Map<string, boolean>,
): Promise<boolean> {
  const login = user.login.toLowerCase();
  if (holders.users.some((u) => u.toLowerCase() === login) && (await userId(ctx, user.login)) === user.id) return true;
  for (const team of holders.teams) {
    // One request per (team, commenter), however many roles name the team.
    const k = `${team}\n${login}`;
    if (!member.has(k)) member.set(k, await activeTeamMember(ctx, team, user.login));
    if (member.get(k)) return true;
  }
  return false;
}

/** The roles of a policy: each `signoff.roles` entry, or rso alone. */
const rolesOf = (policy: Policy): Record<string, RoleHolders> =>
  policy.settings.signoff?.roles ?? { rso: policy.settings.rso };

/**
 * Why `/rso recheck` (or `/signoff recheck`) from this commenter does not recompute the gate, or
 * undefined when it does. A recompute takes a worker of the App's small shared pool for up to the
 * judging budget, so only someone holding a role in the base branch's config may ask for one (the
 * author and pushers exclusions do not apply: a recheck approves nothing). A push recomputes
 * anyway, and anyone with write access can re-run the check from GitHub's UI (check_run.rerequested).
 * Fails closed: a broken base config refuses.
 */
export async function recheckRefusal(
  ctx: Ctx,
  pr: PullInfo,
  user: { id: number; login: string; type: string } | null,
): Promise<string | undefined> {
  const spell = '`/rso recheck`';
  if (!user || user.type === 'Bot') return `${spell} is not taken from bots`;
  const policy = await policyAt(ctx.api, ctx.owner, ctx.repo, pr.base.sha, loadPolicyOffThread);
  if (!policy.ok)
    return `${spell} recomputes nothing while the gate configuration on the base branch is broken; fix it first`;
  const member = new Map<string, boolean>();
  for (const holders of Object.values(rolesOf(policy.policy)))
    if (await holdsRole(ctx, holders, user, member)) return undefined;
  return `${spell} asks for the gate to be judged again, which only someone holding a sign-off role in the base branch's gate config may do (@${user.login} holds none); a push, or re-running the check from the Checks tab, judges it again too`;
}

/** Who may act for which role on this PR, resolved up front for every commenter who issued a command. */
interface Authorization {
  /** As the rso role, in the words of a config without `signoff:`. */
  authorize: Authorize;
  forRole: AuthorizeRole;
  held: (user: { id: number }) => string[];
  known: string[];
}

/**
 * The rules of SPEC §5 for each role — `rso:` without `signoff:`, else each `signoff.roles` entry:
 * a listed user (by numeric id) or an active member of a listed team; never a bot, never the PR's
 * author unless `allow_author`, never someone who pushed commits to the PR. Only the commenters
 * who issued a command are resolved (see holdsRole), never every login the config lists.
 */
async function authorizer(
  ctx: Ctx,
  policy: Policy,
  pr: PullInfo,
  pushers: Set<number>,
  comments: CommentInfo[],
): Promise<Authorization> {
  const { approval, signoff } = policy.settings;
  const roles = rolesOf(policy);
  // Each commenter with a command, and the roles their commands act for (ROLE left out: any role).
  const candidates = new Map<number, { login: string; roles: Set<string> }>();
  for (const c of comments) {
    if (!c.user || c.user.type === 'Bot') continue;
    const commands = parseCommands(c.body);
    if (commands.length === 0) continue;
    const entry = candidates.get(c.user.id) ?? { login: c.user.login, roles: new Set<string>() };
    candidates.set(c.user.id, entry);
    for (const cmd of commands) {
      if (cmd.name !== 'approve' && cmd.name !== 'reject' && cmd.name !== 'revoke') continue;
      const role = roleOf(cmd);
      for (const r of role !== undefined && Object.hasOwn(roles, role) ? [role] : Object.keys(roles))
        entry.roles.add(r);
    }
  }
  const holds = new Map<number, Set<string>>();
  const member = new Map<string, boolean>();
  for (const [id, { login, roles: wanted }] of candidates) {
    const mine = new Set<string>();
    for (const [role, h] of Object.entries(roles)) {
      // Lookups only for the roles this commenter's commands act for: a request per role is the costly part.
      if (wanted.has(role) && (await holdsRole(ctx, h, { id, login }, member))) mine.add(role);
    }
    holds.set(id, mine);
  }
  const forRole: AuthorizeRole = (user, role) => {
    const who = role === 'rso' && !signoff ? 'the RSO' : `the ${role}`;
    if (user.type === 'Bot') return signoff ? 'bots cannot sign off' : 'bots cannot act as RSO';
    if (!holds.get(user.id)?.has(role)) {
      return signoff
        ? `@${user.login} does not hold the ${role} role in this repository (see signoff.roles.${role} in the base branch's gate config)`
        : `@${user.login} is not a Responsible Scaling Officer for this repository (see rso in the base branch's gate config)`;
    }
    if (pr.user && user.id === pr.user.id && !approval.allowAuthor)
      return `@${user.login} opened this pull request; ${who} approving a release must not be its author`;
    if (pushers.has(user.id))
      return `@${user.login} authored or committed commits in this pull request; ${signoff ? `the ${role} cannot sign off` : 'an RSO cannot approve'} their own changes`;
    return undefined;
  };
  return {
    authorize: (user) => forRole(user, 'rso'),
    forRole,
    held: (user) => [...(holds.get(user.id) ?? [])].sort(),
    known: Object.keys(roles),
  };
}

/** With a config's `signoff:`: the roles this head needs and why, and who may act for them. */
function signoffRules(
  policy: Policy,
  gate: GateSummary,
  auth: Authorization,
): { rules: RoleRules; why: Map<string, string[]> } | undefined {
  if (!policy.settings.signoff) return undefined;
  const subjects = gate.releases.map((r) => ({
    name: r.removed ? `${r.declaration} (removed)` : (r.model ?? r.declaration),
    declared: r.removed ? {} : r.declared,
    needsApproval: r.noncompliance.length > 0,
  }));
  const why = rolesRequired(policy, subjects, gate.policyChanged);
  // The gate asks for sign-off that no rule names (e.g. a change it could not see whole): every role a rule names, fail closed.
  if (gate.approvalRequired && why.size === 0)
    for (const r of new Set(policy.settings.signoff.require.flatMap((x) => x.roles)))
      why.set(r, ['the gate requires sign-off']);
  return {
    rules: { required: [...why.keys()].sort(), known: auth.known, authorize: auth.forRole, held: auth.held },
    why,
  };
}

/** Keep exactly one sticky comment of this App's: edit it in place, create it once, drop duplicates. */
async function upsertSticky(ctx: Ctx, issue: number, comments: CommentInfo[], body: string): Promise<void> {
  const ours = (cs: CommentInfo[]) =>
    cs.filter((c) => c.body.startsWith(STICKY_MARKER) && byThisApp(c, ctx)).sort((a, b) => a.id - b.id);
  const mine = ours(comments);
  if (mine.length === 0) {
    await ctx.api.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      owner: ctx.owner,
      repo: ctx.repo,
      issue_number: issue,
      body,
    });
    // Two replicas may both have created one: the oldest wins, the others go.
    const again = ours(await listComments(ctx, issue));
    for (const dup of again.slice(1)) await deleteComment(ctx, dup.id);
    if (again[0] && again[0].body !== body) await editComment(ctx, again[0].id, body);
    return;
  }
  if (mine[0].body !== body) await editComment(ctx, mine[0].id, body);
  for (const dup of mine.slice(1)) await deleteComment(ctx, dup.id);
}

/** Comments this App wrote: only those count as its own state (a user can copy any marker). */
export function byThisApp(c: CommentInfo, ctx: Ctx): boolean {
  return c.performed_via_github_app?.id === ctx.appId;
}

async function editComment(ctx: Ctx, id: number, body: string): Promise<void> {
  await ctx.api.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
    owner: ctx.owner,
    repo: ctx.repo,
    comment_id: id,
    body,
  });
}

async function deleteComment(ctx: Ctx, id: number): Promise<void> {
  try {
    await ctx.api.request('DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}', {
      owner: ctx.owner,
      repo: ctx.repo,
      comment_id: id,
    });
  } catch (e) {
    if ((e as { status?: number }).status !== 404) throw e; // another replica deleted it first
  }
}

export { ConfigBroken, listComments };
