import type { Context, Probot } from 'probot';
import { parseCommands, type ParsedCommand } from './commands.js';
import { baseOfApprovalCheck } from '../src/constants.js';
import type { CommentInfo, Decision } from './decide.js';
import { deliveryLog, logged } from './log.js';
import {
  byThisApp,
  ConfigBroken,
  listComments,
  recheckRefusal,
  reconcile,
  type Ctx,
  type PullInfo,
  type ReconcileResult,
} from './reconcile.js';

const REPLY_MARKER = (id: number) => `<!-- asl-gate:reply:${id} -->`;
/** The (head, base) pairs whose recheck is being judged in this process: another waits for none. */
const rechecking = new Set<string>();
const NOT_A_RELEASE = 'this pull request touches no release, gate config or pack: there is nothing to approve';

export interface AppOptions {
  /** This App's id (APP_ID): only its own check runs and comments are trusted as state. */
  appId: number;
  /** The day the gate judges on; today (UTC) by default. For tests and demos. */
  today?: () => string;
}

/**
 * The `RSO approval: <base>` App. Every handler rebuilds the state from GitHub (see reconcile.ts, and
 * decide.ts for how approvals are bound), so redelivered or reordered webhooks and several replicas
 * converge on the same check and comment.
 */
export function aslGateApp(app: Probot, options: AppOptions): void {
  const ctxOf = (context: Context, owner: string, repo: string): Ctx => ({
    api: context.octokit,
    owner,
    repo,
    appId: options.appId,
    log: deliveryLog(context),
    ...(options.today ? { today: options.today() } : {}),
  });

  // Each of these makes the payload's head the PR's head for its base (a retarget: for a new base).
  app.on(
    [
      'pull_request.opened',
      'pull_request.reopened',
      'pull_request.synchronize',
      'pull_request.ready_for_review',
      'pull_request.edited',
    ],
    async (context) => {
      const { pull_request: pr, repository } = context.payload;
      const retarget =
        context.payload.action === 'edited' &&
        (context.payload as { changes?: { base?: unknown } }).changes?.base !== undefined;
      // Other edits (title, body) change nothing the App decides on.
      if (context.payload.action === 'edited' && !retarget) return;
      await guarded(context, `PR #${pr.number}`, async () => {
        const ctx = ctxOf(context, repository.owner.login, repository.name);
        // A push, reopen or retarget restarts the time from which bare commands can bind to the head.
        const headEvent = context.payload.action !== 'ready_for_review';
        // A retarget is judged on the PR as it is now (its base may have moved on again since).
        const pull = retarget ? await getPull(ctx, pr.number) : (pr as unknown as PullInfo);
        logged(deliveryLog(context), pull, await reconcile(ctx, pull, { headEvent }));
      });
    },
  );

  app.on('check_run.rerequested', async (context) => {
    const { check_run: run, repository } = context.payload;
    const base = baseOfApprovalCheck(run.name);
    if (base === undefined) return;
    await guarded(context, `check run ${run.id}`, async () => {
      const ctx = ctxOf(context, repository.owner.login, repository.name);
      for (const p of run.pull_requests) {
        const pull = await getPull(ctx, p.number);
        // Only the PRs this run speaks for: same head, same base.
        if (pull.base.ref === base && pull.head.sha === run.head_sha)
          logged(deliveryLog(context), pull, await reconcile(ctx, pull, { recompute: true }));
      }
    });
  });

  // Only newly created comments carry commands; edits are ignored (SPEC §5).
  app.on('issue_comment.created', async (context) => {
    const { comment, issue, repository } = context.payload;
    if (!issue.pull_request || comment.user?.type === 'Bot') return;
    const commands = parseCommands(comment.body ?? '');
    if (commands.length === 0) return;
    await guarded(context, `comment ${comment.id}`, async () => {
      const ctx = ctxOf(context, repository.owner.login, repository.name);
      const pr = await getPull(ctx, issue.number);
      // A recheck takes a worker of the small shared judging pool: only a role holder's counts, and
      // one at a time per (head, base) in this process (see recheckRefusal).
      const asked = commands.some((c) => c.name === 'recheck');
      const refused = asked ? await recheckRefusal(ctx, pr, comment.user as CommentInfo['user']) : undefined;
      const key = `${repository.owner.login}/${repository.name}@${pr.head.sha}:${pr.base.sha}`;
      const recompute = asked && refused === undefined && !rechecking.has(key);
      if (recompute) rechecking.add(key);
      let result: ReconcileResult | undefined;
      try {
        result = logged(
          deliveryLog(context),
          pr,
          await reconcile(ctx, pr, { recompute, comment: comment as unknown as CommentInfo }),
        );
      } finally {
        if (recompute) rechecking.delete(key);
      }
      await answer(ctx, issue.number, comment.id, commands, result, refused ? [refused] : []);
    });
  });
}

async function getPull(ctx: Ctx, number: number): Promise<PullInfo> {
  const { data } = await ctx.api.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
    owner: ctx.owner,
    repo: ctx.repo,
    pull_number: number,
  });
  return data as PullInfo;
}

/** React to a command comment and, when something was refused, say why in one reply. */
async function answer(
  ctx: Ctx,
  issue: number,
  commentId: number,
  commands: ParsedCommand[],
  result: ReconcileResult | undefined,
  /** Refusals decided here, not by reconcile (a recheck from someone holding no role). */
  refusals: string[] = [],
): Promise<void> {
  // Not a release: reconcile replays no comments, so state-changing commands are refused here.
  const notRelease = result?.outcome.state === 'not_release';
  const mine = notRelease
    ? commands
        .filter((c) => c.name === 'approve' || c.name === 'reject' || c.name === 'revoke')
        .map(() => ({ accepted: false, reason: NOT_A_RELEASE }))
    : (result?.decisions ?? []);
  const invalid = commands.filter((c): c is Extract<ParsedCommand, { name: 'invalid' }> => c.name === 'invalid');
  const refused: Array<Pick<Decision, 'reason'>> = [
    ...mine.filter((d) => !d.accepted),
    ...invalid.map((c) => ({ reason: c.why })),
    ...refusals.map((reason) => ({ reason })),
  ];
  const lines = refused.map((d) => `- ${d.reason}`);
  if (!result) lines.push('- this pull request is closed');
  if (commands.some((c) => c.name === 'status') && result) {
    const roles = result.roles
      ?.map((r) => `${r.role} ${r.state}${r.record ? ` by @${r.record.user.login}` : ''}`)
      .join(', ');
    lines.push(
      `- status of \`${result.head.slice(0, 7)}\`: **${result.outcome.state.replace('_', ' ')}**${roles ? ` (${roles})` : ''}`,
    );
  }
  const ok = refused.length === 0 && result !== undefined;
  await ctx.api.request('POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', {
    owner: ctx.owner,
    repo: ctx.repo,
    comment_id: commentId,
    content: ok ? '+1' : '-1',
  });
  if (lines.length === 0) return;
  // One reply per command comment, even when the webhook is delivered twice.
  const comments = result && !notRelease ? result.comments : await listComments(ctx, issue);
  if (comments.some((c) => byThisApp(c, ctx) && c.body.includes(REPLY_MARKER(commentId)))) return;
  const body = `${REPLY_MARKER(commentId)}\n${ok ? '' : 'Not done:\n'}${lines.join('\n')}`;
  await ctx.api.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    owner: ctx.owner,
    repo: ctx.repo,
    issue_number: issue,
    body,
  });
}

/** Fail closed and say so in one log line: an error never leaves a success behind. */
async function guarded(context: Context, what: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    const err = e as { status?: number; message?: string };
    const log = deliveryLog(context);
    if (e instanceof ConfigBroken) log.warn(`asl-gate: ${what}: ${err.message}; RSO approval set to failure`);
    else
      log.error(
        `asl-gate: ${what} failed${err.status ? ` (HTTP ${err.status})` : ''}: ${err.message}; the RSO approval check was not set to success`,
      );
    throw e;
  }
}
