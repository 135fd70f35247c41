import { parseCommands, roleOf, type Command } from './commands.js';

/**
 * How an approval stays on the commit the RSO saw (SPEC §5's binding invariants), with no state
 * but GitHub's:
 *
 * - The App's check run `RSO approval: <base>` on a head H is the only state it trusts: only this
 *   App can write it, one or more runs per (head, base) whose ledgers are merged. Its output carries
 *   a ledger of the commands the App accepted for (H, base) — comment id, who, when,
 *   approve/reject/revoke — and `since`, when the App saw H become the head of the PR named with it
 *   (reset on every push, reopen or retarget event). A branch that returns to H restarts `since`;
 *   the ledger of (H, base) still applies (an approval bound to H, a rejection until revoked).
 * - A command is bound when the App handles its `issue_comment.created`: to the full SHA of the
 *   PR's head at that moment, and only if the App can tell that H was already the head when the
 *   comment was written: the run of (H, base) says since < created_at for this PR (a run is per
 *   commit: another PR's `since` says nothing about this one), `since` being GitHub's own
 *   `started_at` of the run a head event created (never the App host's clock, never a comment
 *   anyone with write access can edit), and GitHub's record of the PR's events shows no force-push,
 *   retarget, close or reopen from the comment on (the only ways a branch can return to H, or a
 *   PR to a base, after the comment). A short SHA only selects that head. Otherwise a bare approval is refused and the reply
 *   asks for the full SHA: `/rso approve <40 hex>` naming the current head binds, but only for the
 *   base the PR had when the comment was written (no retarget since it, in GitHub's events).
 * - A decision replays (H, base)'s ledger only, never the comments (a full SHA included): a later
 *   commit, another PR's base or a retarget never inherits an approval, and a commit the branch
 *   returns to keeps only what was bound to it.
 *   Approvals need their comment untouched and their author still authorised; rejections stay once
 *   recorded (editing or deleting the comment, or a later approval, changes nothing) until a revoke
 *   or a new head.
 * - Roles (a config's `signoff:`): every entry carries the role it acts for (none: rso), and the
 *   replay keeps one state per role. Each required role needs an approval by a different person:
 *   an approval by someone whose approval already fills another role does not count (the two-person
 *   rule), and a rejection for any role rejects. Without `signoff:` the only role is rso.
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

/** Why a user may not act for `role` on this PR, or undefined when they may. */
export type AuthorizeRole = (user: { id: number; login: string; type: string }, role: string) => string | undefined;

/** The roles of a config's `signoff:` as they apply to one head (SPEC §1.3). */
export interface RoleRules {
  /** The roles this head needs, each signed by a different person. */
  required: string[];
  /** Every role the config defines. */
  known: string[];
  authorize: AuthorizeRole;
  /** The roles a user holds, before the author and pusher exclusions. */
  held(user: { id: number; login: string }): string[];
}

/** One role's state for the head. */
export interface RoleState {
  role: string;
  state: 'approved' | 'rejected' | 'waiting';
  /** The approval or rejection that stands. */
  record?: AuditRecord;
  /** The last revoke, while nothing new stands. */
  revokedBy?: AuditRecord;
}

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
  /** The role it acts for; absent: rso (every entry before roles existed). */
  role?: string;
}

export interface AuditRecord {
  action: 'approve' | 'reject';
  /** The role signed for (absent: rso). */
  role?: string;
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
  /** The config's `signoff:` roles for this head; absent: one role, rso, authorised by `authorize`. */
  roles?: RoleRules;
}

const untouched = (c: CommentInfo) => c.updated_at === c.created_at;
const RSO = 'rso';

/** The single-role rules of a config without `signoff:`: rso, authorised as before. */
function rulesOf(input: DecideInput): RoleRules {
  return (
    input.roles ?? {
      required: [RSO],
      known: [RSO],
      authorize: (user, role) =>
        role === RSO
          ? input.authorize(user)
          : `there is no ${role} role here: the base branch's gate config has no signoff: roles (only rso)`,
      held: () => [RSO],
    }
  );
}

/** A ledger entry, or a full-SHA `/signoff approve` whose role is the one its author holds that is still open. */
type Item = LedgerEntry & { infer?: boolean };

/**
 * The approval state of `head`: replay its ledger, oldest first.
 * Pure: the same facts give the same outcome, whichever replica or delivery runs it.
 */
export function decide(input: DecideInput): { outcome: Outcome } {
  return { outcome: decideRoles(input).outcome };
}

/** `decide`, with the state of each required role (what the sticky comment and the check show). */
export function decideRoles(input: DecideInput): { outcome: Outcome; roles: RoleState[] } {
  const rules = rulesOf(input);
  const byId = new Map(input.comments.map((c) => [c.id, c]));
  // Only what the App bound to (head, base) when it handled the comment: a full SHA in a comment it
  // refused, or bound to another base, approves nothing here.
  const items: Item[] = [...input.ledger];
  items.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.comment - b.comment);
  const standing = new Map<string, { kind: 'approve' | 'reject'; record: AuditRecord }>();
  const revoked = new Map<string, AuditRecord>();
  const fills = (userId: number, except: string) =>
    [...standing].find(([r, s]) => r !== except && s.kind === 'approve' && s.record.user.id === userId)?.[0];
  for (const e of items) {
    let role = e.role ?? RSO;
    if (e.infer) {
      const open = rules.held(e.user).filter((r) => rules.required.includes(r) && standing.get(r)?.kind !== 'approve');
      if (open.length !== 1) continue;
      role = open[0]!;
    }
    if (!rules.required.includes(role)) continue;
    const record: AuditRecord = {
      action: e.kind === 'reject' ? 'reject' : 'approve',
      ...(input.roles ? { role } : {}),
      user: e.user,
      at: e.at,
      sha: input.head,
      commentUrl: e.url,
      ...(e.reason ? { reason: e.reason } : {}),
    };
    if (e.kind === 'approve') {
      // An approval holds while its comment says what was approved and its author may still approve.
      const c = byId.get(e.comment);
      if (!c?.user || !untouched(c) || input.blocked || input.gate.verdict !== 'pass' || rules.authorize(c.user, role))
        continue;
      // A rejection holds until a revoke: a later approval does not replace it.
      if (standing.get(role)?.kind === 'reject') continue;
      // The two-person rule: one person's approval fills one role.
      if (fills(c.user.id, role)) continue;
      standing.set(role, { kind: 'approve', record });
      revoked.delete(role);
    } else if (e.kind === 'reject') {
      standing.set(role, { kind: 'reject', record });
      revoked.delete(role);
    } else if (standing.has(role)) {
      standing.delete(role);
      revoked.set(role, record);
    }
  }
  const roles: RoleState[] = rules.required.map((role) => {
    const s = standing.get(role);
    const r = revoked.get(role);
    return {
      role,
      state: s ? (s.kind === 'approve' ? 'approved' : 'rejected') : 'waiting',
      ...(s ? { record: s.record } : {}),
      ...(r ? { revokedBy: r } : {}),
    };
  });
  const latest = (rs: AuditRecord[]) => rs.sort((a, b) => Date.parse(a.at) - Date.parse(b.at)).at(-1);
  const rejection = latest(roles.flatMap((r) => (r.state === 'rejected' ? [r.record!] : [])));
  const approvedAll = roles.length > 0 && roles.every((r) => r.state === 'approved');
  const revokedBy = latest(roles.flatMap((r) => (r.state === 'waiting' && r.revokedBy ? [r.revokedBy] : [])));
  const approvalRequired = input.roles ? input.roles.required.length > 0 : input.gate.approvalRequired;
  let outcome: Outcome;
  if (!input.gate.relevant) outcome = { state: 'not_release' };
  else if (rejection) outcome = { state: 'rejected', record: rejection };
  else if (input.gate.verdict !== 'pass') outcome = { state: 'gate_failing' };
  else if (approvedAll) outcome = { state: 'approved', record: latest(roles.map((r) => r.record!))! };
  else if (!approvalRequired) outcome = { state: 'not_required' };
  else
    outcome = {
      state: 'waiting',
      ...(revokedBy ? { revokedBy } : {}),
      ...(input.blocked ? { blocked: input.blocked } : {}),
    };
  return { outcome, roles };
}

export interface BindInput extends DecideInput {
  /** The comment whose `issue_comment.created` the App is handling. */
  comment: CommentInfo;
  /** Can the App tell that `head` was already the PR's head when the comment was written? */
  headKnown: boolean;
  /**
   * Can the App tell that the PR's base now is the one it had when the comment was written (no
   * retarget since, in GitHub's events)? A full SHA binds only for the base it was written for.
   */
  baseKnown: boolean;
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
  const user = c.user;
  const rules = rulesOf(input);
  const multi = input.roles !== undefined;
  const head = input.head;
  const short = head.slice(0, 7);
  const now = () => decideRoles({ ...input, ledger: [...input.ledger, ...entries] });
  for (const cmd of parseCommands(c.body)) {
    if (cmd.name === 'invalid') continue;
    const refuse = (reason: string) => decisions.push({ commentId: c.id, command: cmd, accepted: false, reason });
    if (cmd.name === 'status' || cmd.name === 'recheck') {
      decisions.push({ commentId: c.id, command: cmd, accepted: true });
      continue;
    }
    // The command as the reply spells it: `/rso approve` or `/signoff approve ROLE`.
    const spell = (role: string) => (cmd.signoff ? `/signoff ${cmd.name} ${role}` : `/rso ${cmd.name}`);
    const unknownHead = (role: string) =>
      `the App cannot tell which commit was the head when this comment was written (a push came after it, or the App had not yet seen the head); to ${cmd.name} the head, name it in full: \`${spell(role)} ${head}\``;
    let reason = cmd.name === 'reject' ? cmd.reason : undefined;
    let role = roleOf(cmd);
    if (cmd.name === 'reject' && cmd.signoff && role !== undefined && !rules.known.includes(role)) {
      // `/signoff reject Missing report`: the first word is the reason's, not a role.
      role = undefined;
      reason = cmd.reasonWithRole ?? cmd.reason;
    }
    if (role === undefined) {
      const picked = inferRole(cmd.name, user, rules, now().roles);
      if ('refuse' in picked) {
        refuse(picked.refuse);
        continue;
      }
      role = picked.role;
    }
    if (!rules.known.includes(role)) {
      refuse(
        multi
          ? `\`${role}\` is not a role of this repository (signoff.roles in the base branch's gate config has ${rules.known.map((r) => `\`${r}\``).join(', ')})`
          : rules.authorize(user, role)!,
      );
      continue;
    }
    const why = rules.authorize(user, role);
    if (why) {
      refuse(why);
      continue;
    }
    if (!rules.required.includes(role)) {
      refuse(
        `the ${role} role's sign-off is not required for ${short} (required: ${rules.required.join(', ') || 'none'})`,
      );
      continue;
    }
    if (cmd.name === 'approve') {
      if (cmd.sha !== undefined && !head.startsWith(cmd.sha)) {
        refuse(
          `${cmd.sha} is not the head of this pull request (the head is ${short}); approve the head: \`${spell(role)} ${short}\``,
        );
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
      if (!input.baseKnown) {
        refuse(
          `the base branch of this pull request changed after this comment was written (or the App cannot tell), and an approval counts only for the base it was given for; to ${cmd.name} the head for this base, comment again: \`${spell(role)} ${head}\``,
        );
        continue;
      }
      if (now().roles.find((r) => r.role === role)?.state === 'rejected') {
        refuse(`${short} was rejected; an approval does not lift a rejection: an RSO comments \`/rso revoke\` first`);
        continue;
      }
      // A short SHA only selects the head: it binds like a bare approval. The full SHA is explicit.
      if (cmd.sha !== head && !input.headKnown) {
        refuse(unknownHead(role));
        continue;
      }
      const other = now().roles.find((r) => r.role !== role && r.state === 'approved' && r.record!.user.id === user.id);
      if (other) {
        refuse(
          `@${user.login} already signed off ${short} as ${other.role}; one person fills one role (two-person rule), so ${role} still needs someone else`,
        );
        continue;
      }
    } else if (cmd.name === 'revoke') {
      if (!input.headKnown) {
        refuse(
          `the App cannot tell that ${short} was already the head when this comment was written (a push, retarget or reopen came after it, or the App missed one); comment \`${spell(role)}\` again`,
        );
        continue;
      }
      if (now().roles.find((r) => r.role === role)?.state === 'waiting') {
        // Still recorded: an approval written before it but delivered after it is revoked too.
        entries.push({ ...entryOf(c, 'revoke'), ...(role !== RSO || cmd.signoff ? { role } : {}) });
        refuse(
          `there is no ${multi ? `${role} ` : ''}approval or rejection of ${short} to revoke (yet: one written before this comment still is)`,
        );
        continue;
      }
    }
    // A rejection binds to the head the App sees even when it cannot tell more: it only holds back.
    entries.push({
      ...entryOf(c, cmd.name),
      ...(reason !== undefined ? { reason } : {}),
      ...(role !== RSO || cmd.signoff ? { role } : {}),
    });
    decisions.push({ commentId: c.id, command: cmd, accepted: true });
  }
  return { decisions, entries };
}

/**
 * The role a `/signoff` command without ROLE acts for: the one role its author holds that is still
 * needed (for revoke: that has a decision to revoke). Otherwise a refusal listing their roles.
 */
function inferRole(
  verb: 'approve' | 'reject' | 'revoke',
  user: { id: number; login: string; type: string },
  rules: RoleRules,
  states: RoleState[],
): { role: string } | { refuse: string } {
  const held = rules.held(user);
  const open = held.filter((r) => {
    const s = states.find((x) => x.role === r);
    if (!s) return false;
    return verb === 'approve' ? s.state !== 'approved' : verb === 'revoke' ? s.state !== 'waiting' : true;
  });
  if (open.length === 1) return { role: open[0] };
  const list = (rs: string[]) => rs.map((r) => `\`${r}\``).join(', ');
  if (held.length === 0)
    return {
      refuse: `@${user.login} holds no sign-off role in this repository (see signoff.roles in the base branch's gate config)`,
    };
  if (open.length === 0)
    return {
      refuse: `@${user.login} holds ${list(held)}; none of them ${verb === 'revoke' ? 'has a decision to revoke' : 'is still needed'} for this head`,
    };
  return {
    refuse: `@${user.login} holds ${list(open)}, each still open for this head: say which, e.g. \`/signoff ${verb} ${open[0]}${verb === 'reject' ? ' <reason>' : ''}\``,
  };
}

function entryOf(c: CommentInfo, kind: LedgerEntry['kind']): LedgerEntry {
  return { comment: c.id, kind, user: { id: c.user!.id, login: c.user!.login }, at: c.created_at, url: c.html_url };
}
