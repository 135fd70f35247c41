import { parseCommands, type Command } from './commands.js';

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
  | { state: 'waiting'; revokedBy?: AuditRecord }
  | { state: 'approved'; record: AuditRecord }
  | { state: 'rejected'; record: AuditRecord };

export interface DecideInput {
  head: string;
  /** When `head` became the PR's head (GitHub's record); bare commands bind to it only after. */
  headSince?: string;
  gate: GateState;
  comments: CommentInfo[];
  authorize: Authorize;
}

/**
 * Replay every command on the PR, oldest first, and derive the approval state of `head`. Pure:
 * the same comments and facts always give the same outcome, whichever replica or delivery runs it.
 */
export function decide(input: DecideInput): { outcome: Outcome; decisions: Decision[] } {
  const decisions: Decision[] = [];
  let last: { kind: 'approve' | 'reject' | 'revoke'; record: AuditRecord } | undefined;
  const sorted = [...input.comments].sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || a.id - b.id);
  for (const c of sorted) {
    if (!c.user || c.user.type === 'Bot') continue;
    // An edited comment may no longer say what was acted on; only untouched comments count.
    if (c.updated_at !== c.created_at) continue;
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
      // Which commit does the command speak of?
      let sha: string | undefined;
      if (cmd.name === 'approve' && cmd.sha) {
        if (!input.head.startsWith(cmd.sha)) {
          refuse(`${cmd.sha} is not the head of this pull request (the head is ${input.head.slice(0, 7)}); approve the head: \`/rso approve ${input.head.slice(0, 7)}\``);
          continue;
        }
        sha = input.head;
      } else if (input.headSince !== undefined && Date.parse(input.headSince) < Date.parse(c.created_at)) {
        // Strictly after: GitHub times have whole seconds, and a tie cannot prove the order.
        sha = input.head;
      } else {
        // Made before the head was pushed: it spoke of an older commit, which no longer matters.
        refuse(`a commit was pushed after this comment; ${cmd.name} again for the head ${input.head.slice(0, 7)}`);
        continue;
      }
      const record: AuditRecord = { action: cmd.name === 'reject' ? 'reject' : 'approve', user: { id: c.user.id, login: c.user.login }, at: c.created_at, sha, commentUrl: c.html_url };
      if (cmd.name === 'approve') {
        if (input.gate.verdict !== 'pass') {
          refuse(`the ASL gate fails on ${sha.slice(0, 7)}; an approval cannot be granted until it passes`);
          continue;
        }
        last = { kind: 'approve', record };
      } else if (cmd.name === 'reject') {
        last = { kind: 'reject', record: { ...record, reason: cmd.reason } };
      } else {
        if (!last || last.kind === 'revoke') {
          refuse(`there is no approval or rejection of ${sha.slice(0, 7)} to revoke`);
          continue;
        }
        last = { kind: 'revoke', record };
      }
      decisions.push({ commentId: c.id, command: cmd, accepted: true });
    }
  }
  let outcome: Outcome;
  if (!input.gate.relevant) outcome = { state: 'not_release' };
  else if (last?.kind === 'reject') outcome = { state: 'rejected', record: last.record };
  else if (input.gate.verdict !== 'pass') outcome = { state: 'gate_failing' };
  else if (last?.kind === 'approve') outcome = { state: 'approved', record: last.record };
  else if (!input.gate.approvalRequired) outcome = { state: 'not_required' };
  else outcome = last?.kind === 'revoke' ? { state: 'waiting', revokedBy: last.record } : { state: 'waiting' };
  return { outcome, decisions };
}
