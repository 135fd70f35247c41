import { parseCommands, type Command } from './commands.js';

/**
 * How an approval stays on the commit the RSO saw (SPEC §5's binding invariants), with no state
 * but GitHub's:
 *
 * - The App's check run `RSO approval: <base>` on a head H is the only state it trusts: only this
 *   App can write it, and it exists once per (head, base). Its output carries a ledger of the
 *   commands the App accepted for (H, base) — comment id, who, when, approve/reject/revoke — and
 *   `since`, when the App saw H become this PR's head (reset on every push, reopen or retarget event,
 *   so a branch forced back to an older commit starts afresh).
 * - A command is bound when the App handles its `issue_comment.created`: to the full SHA of the
 *   PR's head at that moment, and only if the App can tell that H was already the head when the
 *   comment was written (the ledger of H says since < created_at, and the App's sticky comment was
 *   last drawn for H). A short SHA only selects that head. Otherwise a bare approval is refused and
 *   the reply asks for the full SHA: `/rso approve <40 hex>` naming the current head always binds.
 * - A decision replays (H, base)'s ledger only, never the comments (a full SHA included): a later
 *   commit, one the branch returns to, another PR's base or a retarget never inherits an approval.
 *   Approvals need their comment untouched and their author still authorised; rejections stay once
 *   recorded (editing or deleting the comment, or a later approval, changes nothing) until a revoke
 *   or a new head.
 */

/** A PR comment, as the REST API lists it. */
export interface CommentInfo {
  id: number;
  body: string;
  created_at: string;
  updated_at: string;
  html_url: string;
  user: { id: number; login: string; type: string } | null;
  /** Set on comments an App made: how the sticky comment is told from look-alikes. */
  performed_via_github_app?: { id: number } | null;
}

/** Why a user may not act as RSO on this PR, or undefined when they may. */
export type Authorize = (user: { id: number; login: string; type: string }) => string | undefined;

export interface GateState {
  /** Does the PR touch a release, the gate config or a pack? */
  relevant: boolean;
  verdict: 'pass' | 'fail';
  approvalRequired: boolean;
}

export interface Decision {
  commentId: number;
  command: Command;
  accepted: boolean;
  /** Why it was refused, in one sentence. */
  reason?: string;
}

/** One command this App accepted for a (head, base), as its check run records it. */
export interface LedgerEntry {
  comment: number;
  kind: 'approve' | 'reject' | 'revoke';
  user: { id: number; login: string };
  /** The comment's created_at. */
  at: string;
  url: string;
  reason?: string;
}

export interface AuditRecord {
  action: 'approve' | 'reject';
  user: { id: number; login: string };
  at: string;
  sha: string;
  commentUrl: string;
  reason?: string;
}

export type Outcome =
  | { state: 'not_release' }
  | { state: 'gate_failing' }
  | { state: 'not_required' }
  | { state: 'waiting'; revokedBy?: AuditRecord; blocked?: string }
  | { state: 'approved'; record: AuditRecord }
  | { state: 'rejected'; record: AuditRecord };

export interface DecideInput {
  /** The full SHA of the PR's head. */
  head: string;
  gate: GateState;
  /** Every comment on the PR now. */
  comments: CommentInfo[];
  /** What this App recorded for (head, base). */
  ledger: LedgerEntry[];
  authorize: Authorize;
  /** Why no approval can count on this PR (more commits than GitHub lists), if so. */
  blocked?: string;
}

const untouched = (c: CommentInfo) => c.updated_at === c.created_at;

/**
 * The approval state of `head`: replay its ledger, oldest first.
 * Pure: the same facts give the same outcome, whichever replica or delivery runs it.
 */
export function decide(input: DecideInput): { outcome: Outcome } {
  const byId = new Map(input.comments.map((c) => [c.id, c]));
  // Only what the App bound to (head, base) when it handled the comment: a full SHA in a comment it
  // refused, or bound to another base, approves nothing here.
  const items: LedgerEntry[] = [...input.ledger];
  items.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.comment - b.comment);
  let last: { kind: LedgerEntry['kind']; record: AuditRecord } | undefined;
  for (const e of items) {
    const record: AuditRecord = { action: e.kind === 'reject' ? 'reject' : 'approve', user: e.user, at: e.at, sha: input.head, commentUrl: e.url, ...(e.reason ? { reason: e.reason } : {}) };
    if (e.kind === 'approve') {
      // An approval holds while its comment says what was approved and its author may still approve.
      const c = byId.get(e.comment);
      if (!c?.user || !untouched(c) || input.blocked || input.gate.verdict !== 'pass' || input.authorize(c.user)) continue;
      // A rejection holds until a revoke: a later approval does not replace it.
      if (last?.kind === 'reject') continue;
      last = { kind: 'approve', record };
    } else if (e.kind === 'reject') {
      last = { kind: 'reject', record };
    } else if (last && last.kind !== 'revoke') {
      last = { kind: 'revoke', record };
    }
  }
  let outcome: Outcome;
  if (!input.gate.relevant) outcome = { state: 'not_release' };
  else if (last?.kind === 'reject') outcome = { state: 'rejected', record: last.record };
  else if (input.gate.verdict !== 'pass') outcome = { state: 'gate_failing' };
  else if (last?.kind === 'approve') outcome = { state: 'approved', record: last.record };
  else if (!input.gate.approvalRequired) outcome = { state: 'not_required' };
  else outcome = { state: 'waiting', ...(last?.kind === 'revoke' ? { revokedBy: last.record } : {}), ...(input.blocked ? { blocked: input.blocked } : {}) };
  return { outcome };
}

export interface BindInput extends DecideInput {
  /** The comment whose `issue_comment.created` the App is handling. */
  comment: CommentInfo;
  /** Can the App tell that `head` was already the PR's head when the comment was written? */
  headKnown: boolean;
}

/**
 * The commands of a newly created comment, judged against the head the App sees while handling
 * it: what to say about each, and the ledger entries to record for (head, base).
 */
export function bind(input: BindInput): { decisions: Decision[]; entries: LedgerEntry[] } {
  const c = input.comment;
  const decisions: Decision[] = [];
  const entries: LedgerEntry[] = [];
  if (!c.user || c.user.type === 'Bot') return { decisions, entries };
  const head = input.head;
  const short = head.slice(0, 7);
  const unknownHead = (verb: string) =>
    `the App cannot tell which commit was the head when this comment was written (a push came after it, or the App had not yet seen the head); to ${verb} the head, name it in full: \`/rso ${verb} ${head}\``;
  for (const cmd of parseCommands(c.body)) {
    if (cmd.name === 'invalid') continue;
    const refuse = (reason: string) => decisions.push({ commentId: c.id, command: cmd, accepted: false, reason });
    if (cmd.name === 'status' || cmd.name === 'recheck') {
      decisions.push({ commentId: c.id, command: cmd, accepted: true });
      continue;
    }
    const why = input.authorize(c.user);
    if (why) {
      refuse(why);
      continue;
    }
    if (cmd.name === 'approve') {
      if (cmd.sha !== undefined && !head.startsWith(cmd.sha)) {
        refuse(`${cmd.sha} is not the head of this pull request (the head is ${short}); approve the head: \`/rso approve ${short}\``);
        continue;
      }
      if (input.blocked) {
        refuse(input.blocked);
        continue;
      }
      if (input.gate.verdict !== 'pass') {
        refuse(`the ASL gate fails on ${short}; an approval cannot be granted until it passes`);
        continue;
      }
      if (decide({ ...input, ledger: [...input.ledger, ...entries] }).outcome.state === 'rejected') {
        refuse(`${short} was rejected; an approval does not lift a rejection: an RSO comments \`/rso revoke\` first`);
        continue;
      }
      // A short SHA only selects the head: it binds like a bare approval. The full SHA is explicit.
      if (cmd.sha !== head && !input.headKnown) {
        refuse(unknownHead('approve'));
        continue;
      }
    } else if (cmd.name === 'revoke') {
      if (!input.headKnown) {
        refuse(unknownHead('revoke').replace(/: `.*`$/, '; comment `/rso revoke` again'));
        continue;
      }
      const now = decide({ ...input, ledger: [...input.ledger, ...entries] }).outcome;
      if (now.state !== 'approved' && now.state !== 'rejected') {
        // Still recorded: an approval written before it but delivered after it is revoked too.
        entries.push(entryOf(c, 'revoke'));
        refuse(`there is no approval or rejection of ${short} to revoke (yet: one written before this comment still is)`);
        continue;
      }
    }
    // A rejection binds to the head the App sees even when it cannot tell more: it only holds back.
    entries.push({ ...entryOf(c, cmd.name), ...(cmd.name === 'reject' ? { reason: cmd.reason } : {}) });
    decisions.push({ commentId: c.id, command: cmd, accepted: true });
  }
  return { decisions, entries };
}

function entryOf(c: CommentInfo, kind: LedgerEntry['kind']): LedgerEntry {
  return { comment: c.id, kind, user: { id: c.user!.id, login: c.user!.login }, at: c.created_at, url: c.html_url };
}
