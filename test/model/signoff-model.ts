// The reference model of issue 21: what the `RSO approval: <base>` check may say for a commit H and a
// base B, given everything that happened on GitHub and everything the App was delivered. It is
// deliberately small; everything else in test/model/ only generates histories and plays them.
//
// SPEC §5, stated directly (H a head, B a base branch, "bound" = the App handled the comment's
// `issue_comment.created` while GitHub said the comment's PR had head H and base B):
//
//  1. Success is allowed only when the gate passes on (H, B) — or the PR touches no release on (H, B).
//  2. A rejection bound to (H, B), by someone authorised when the App handled it, holds (whatever
//     later happens to its comment, and whatever is approved later) until a revoke bound to
//     (H, B), by someone authorised, written later while the PR's head and base were (H, B).
//  3. When approval is required, success needs an approval that is still in force:
//     - bound to (H, B) (the head the App saw when it handled it: a full SHA elsewhere never counts),
//     - about (H, B): it names H in full, or it was written while the PR's head and base were
//       (H, B) (a short SHA must then be a prefix of H: it only selects that head),
//     - its author authorised for B when it was handled and now (listed for B, not a bot, not the
//       PR's author, never pushed to the PR), its comment neither edited nor deleted,
//     - not followed by a revoke bound to (H, B), written later while the PR was at (H, B).
//  A revoke counts only where the App could place it: the design refuses a revoke when it cannot
//  tell the head at the time it was written (a push or retarget it handled in between, or it had
//  not drawn this head yet) and the reply asks for the revoke again; until then the approval stands.
//  (Safety cost, stated: such a refused revoke leaves an approval in force.)
//  Nothing else carries an approval: not another head (a later push, a look-alike short SHA, a
//  force-push back), not another base (a retarget, a twin PR), not a comment the App never handled.
//
// This is SAFETY: the App may be more careful (waiting where the model allows success: a bare
// approval whose head the App cannot establish is refused, a revoke it cannot place is refused).
// The LIVENESS the design guarantees is checked separately (livenessFullSha below).

export const USERS = ['rso-a', 'rso-b', 'author', 'pusher', 'ci-bot', 'stranger'] as const;
export type UserName = (typeof USERS)[number];
export const isBot = (u: UserName) => u === 'ci-bot';

/** Bases: `main` asks the RSO from ASL-3; `weak` only from ASL-4 and allows 10 grace days; `alt` has another RSO list. */
export const BASES = ['main', 'weak', 'alt'] as const;
export const RSOS: Record<(typeof BASES)[number], readonly UserName[]> = {
  main: ['rso-a', 'rso-b', 'author', 'pusher', 'ci-bot'],
  weak: ['rso-a', 'rso-b', 'author', 'pusher', 'ci-bot'],
  alt: ['rso-b', 'author', 'pusher'],
};

/** What a commit holds: a passing ASL-3 release, a failing one, one evaluation 3 days late, or no release change. */
export const KINDS = ['pass', 'fail', 'late', 'none'] as const;
export type Kind = (typeof KINDS)[number];
export type Gate = 'none' | 'fail' | 'pass_required' | 'pass_not_required';

/** The gate verdict on a head of `kind` judged by base `base`'s config. */
export function gateOf(kind: Kind, base: number): Gate {
  const name = BASES[base];
  if (kind === 'none') return 'none';
  if (kind === 'fail' || (kind === 'late' && name !== 'weak')) return 'fail';
  return name === 'weak' ? 'pass_not_required' : 'pass_required';
}

export type Cmd =
  | { v: 'approve'; sha: 'none' | 'short' | 'long' | 'full'; of: number | 'head' }
  | { v: 'reject' }
  | { v: 'revoke' }
  | { v: 'status' }
  | { v: 'recheck' };

export interface PrFacts {
  author: UserName;
  head: number;
  base: number;
  pushers: Set<UserName>;
}

export interface Handling {
  head: number;
  base: number;
  /** The author was authorised for `base` on this PR when the App handled it. */
  authorised: boolean;
  /** The App could tell the head when the comment was written (else it refused a bare command and said so). */
  placed: boolean;
}

export interface CommentFacts {
  id: number;
  pr: number;
  by: UserName;
  cmd: Cmd;
  /** World time it was written. */
  t: number;
  /** The PR's head and base when it was written. */
  at: { head: number; base: number };
  /** The commit the SHA it names selects (index), for approvals with a SHA. */
  named?: number;
  /** `named` is named in full (40 hex). */
  full: boolean;
  edited: boolean;
  deleted: boolean;
  handled: Handling[];
}

export interface Facts {
  kinds: Kind[];
  /** SHA prefix relation: does the SHA `c.named` names (as typed) select commit `h`? */
  selects: (c: CommentFacts, h: number) => boolean;
  prs: PrFacts[];
  comments: CommentFacts[];
}

export const authorised = (u: UserName, pr: PrFacts, base: number) =>
  !isBot(u) && RSOS[BASES[base]].includes(u) && u !== pr.author && !pr.pushers.has(u);

const boundTo = (c: CommentFacts, H: number, B: number) =>
  c.handled.some((h) => h.head === H && h.base === B && h.authorised);
const writtenAt = (c: CommentFacts, H: number, B: number) => c.at.head === H && c.at.base === B;

/** Is `success` allowed for the check `RSO approval: B` on commit H now? */
export function maySucceed(f: Facts, H: number, B: number): boolean {
  const gate = gateOf(f.kinds[H], B);
  if (gate === 'none') return true;
  if (gate === 'fail') return false;
  const revokes = f.comments.filter(
    (v) =>
      v.cmd.v === 'revoke' &&
      v.handled.some((h) => h.head === H && h.base === B && h.authorised && h.placed) &&
      writtenAt(v, H, B),
  );
  const revokedAfter = (c: CommentFacts) => revokes.some((v) => v.t > c.t);
  if (f.comments.some((r) => r.cmd.v === 'reject' && boundTo(r, H, B) && !revokedAfter(r))) return false;
  if (gate === 'pass_not_required') return true;
  return f.comments.some(
    (a) =>
      a.cmd.v === 'approve' &&
      boundTo(a, H, B) &&
      (a.full ? a.named === H : writtenAt(a, H, B) && (a.named === undefined || f.selects(a, H))) &&
      authorised(a.by, f.prs[a.pr], B) &&
      !a.edited &&
      !a.deleted &&
      !revokedAfter(a),
  );
}

/**
 * Liveness the design guarantees: right after the App handled `c` — an authorised RSO's approval
 * naming in full the head (H) the PR has, on base B, with a passing gate, untouched, and no
 * rejection ever bound to (H, B) nor a revoke written after it — the check on (H, B) says success.
 */
export function livenessFullSha(f: Facts, c: CommentFacts): { H: number; B: number } | undefined {
  const pr = f.prs[c.pr];
  const [H, B] = [pr.head, pr.base];
  const gate = gateOf(f.kinds[H], B);
  if (c.cmd.v !== 'approve' || !c.full || c.named !== H || c.edited || c.deleted) return undefined;
  // An approval counts only for the base it was written for: after a retarget the App asks again.
  if (c.at.base !== B) return undefined;
  if (gate !== 'pass_required' && gate !== 'pass_not_required') return undefined;
  if (!authorised(c.by, pr, B)) return undefined;
  if (
    f.comments.some((r) => r.cmd.v === 'reject' && r.handled.some((h) => h.head === H && h.base === B && h.authorised))
  )
    return undefined;
  if (f.comments.some((v) => v.cmd.v === 'revoke' && v.t > c.t && v.handled.some((h) => h.head === H && h.base === B)))
    return undefined;
  return { H, B };
}
