// The App's decision code without the server: bot/decide.ts's bind() and decide(), wrapped in the
// same glue as bot/reconcile.ts (one state per (head, base) — `since` and the ledger — the sticky
// comment's head per PR, the authoriser), so random histories run by the thousand per second.
// Also an adapter for the design before the binding fixes (commit d4c4d5f), for the measurement.
import {
  bind as bindNow,
  decide as decideNow,
  type CommentInfo,
  type GateState,
  type LedgerEntry,
  type Outcome,
} from '../../bot/decide.js';
import { parseCommands as parseNow } from '../../bot/commands.js';
import { BASES, gateOf, isBot, RSOS, USERS, type CommentFacts, type PrFacts, type UserName } from './signoff-model.js';
import type { Ev, World } from './signoff-history.js';
import type { AppUnderTest, Write } from './signoff-run.js';

const userOf = (u: UserName) => ({ id: 5000 + USERS.indexOf(u), login: u, type: isBot(u) ? 'Bot' : 'User' });

function gateState(w: World, head: number, base: number): GateState {
  const g = gateOf(w.kinds[head], base);
  return {
    relevant: g !== 'none',
    verdict: g === 'fail' ? 'fail' : 'pass',
    approvalRequired: g === 'pass_required' || g === 'fail',
  };
}

/** The comment as the App lists it now (edited: another body, a later updated_at). */
function listed(w: World, c: CommentFacts): CommentInfo {
  const at = w.iso(c.t);
  return {
    id: c.id + 1,
    body: c.edited ? 'edited' : w.body(c),
    created_at: at,
    updated_at: c.edited ? w.iso(c.t + 0.5) : at,
    html_url: `u${c.id}`,
    user: userOf(c.by),
  };
}
/** The comment as its `created` webhook carries it. */
function asCreated(w: World, c: CommentFacts): CommentInfo {
  const at = w.iso(c.t);
  return { id: c.id + 1, body: w.body(c), created_at: at, updated_at: at, html_url: `u${c.id}`, user: userOf(c.by) };
}

function authorizer(pr: PrFacts, base: number) {
  return (u: { login: string; type: string }) => {
    const login = u.login as UserName;
    if (u.type === 'Bot') return 'bots cannot act as RSO';
    if (!RSOS[BASES[base]].includes(login)) return 'not an RSO';
    if (login === pr.author) return 'the author';
    if (pr.pushers.has(login)) return 'a pusher';
    return undefined;
  };
}

const conclusion = (o: Outcome): Write['conclusion'] =>
  o.state === 'approved' || o.state === 'not_required' || o.state === 'not_release'
    ? 'success'
    : o.state === 'waiting'
      ? null
      : 'failure';

interface DecideModule {
  bind: typeof bindNow;
  decide: typeof decideNow;
}

/** bot/decide.ts (or a module with the same exports) with reconcile.ts's glue. */
export function pureApp(mod: DecideModule = { bind: bindNow, decide: decideNow }, parse = parseNow): AppUnderTest {
  const runs = new Map<string, { since?: string; ledger: LedgerEntry[] }>();
  const sticky = new Map<number, string>();
  const reconcile = (
    w: World,
    prIdx: number,
    head: number,
    base: number,
    opts: { headEvent?: boolean; comment?: CommentFacts },
  ): Write[] => {
    const pr = w.prs[prIdx];
    const key = `${head}|${base}`;
    const stored = runs.get(key) ?? { ledger: [] };
    const now = w.iso(w.t);
    let since = opts.headEvent ? now : (stored.since ?? now);
    const gate = gateState(w, head, base);
    if (!gate.relevant) {
      if (opts.comment) w.handled(opts.comment.id);
      runs.set(key, { since, ledger: stored.ledger });
      // reconcile.ts: a sticky comment the PR has follows the head through heads that are no release.
      if (sticky.has(prIdx)) sticky.set(prIdx, key);
      return [{ head, base, conclusion: 'success' }];
    }
    const comments = w.comments.filter((c) => !c.deleted && c.pr === prIdx).map((c) => listed(w, c));
    const authorize = authorizer(pr, base);
    // reconcile.ts: a sticky comment drawn for another head or base means the head moved unseen: since restarts.
    const moved = sticky.has(prIdx) && sticky.get(prIdx) !== key;
    if (moved) since = now;
    let ledger = stored.ledger;
    const sha = w.sha(head);
    if (opts.comment) {
      const c = asCreated(w, opts.comment);
      const headKnown =
        stored.since !== undefined &&
        !opts.headEvent &&
        !moved &&
        Date.parse(stored.since) < Date.parse(c.created_at) &&
        sticky.get(prIdx) === key;
      w.handled(opts.comment.id, headKnown);
      // reconcile.ts reads GitHub's events for retargets since the comment; here the comment's own
      // record of its base stands for that (a retarget away and back is stricter in the App).
      const baseKnown = opts.comment.at.base === base;
      const bound = mod.bind({ head: sha, gate, comments, ledger, authorize, comment: c, headKnown, baseKnown });
      ledger = [
        ...ledger,
        ...bound.entries.filter((e) => !ledger.some((l) => l.comment === e.comment && l.kind === e.kind)),
      ];
    }
    const { outcome } = mod.decide({ head: sha, gate, comments, ledger, authorize });
    runs.set(key, { since, ledger });
    sticky.set(prIdx, key);
    return [{ head, base, conclusion: conclusion(outcome) }];
  };
  return {
    handle(e: Ev, w: World): Write[] {
      if (e.kind === 'pr') {
        // A retarget is judged on the PR as it is now; the other events on their payload.
        const pr = w.prs[e.pr];
        const [head, base] = e.action === 'edited' ? [pr.head, pr.base] : [e.head, e.base];
        return reconcile(w, e.pr, head, base, { headEvent: e.action !== 'ready_for_review' });
      }
      const c = w.comments[e.comment];
      if (isBot(c.by) || parse(w.body(c)).length === 0) return [];
      const pr = w.prs[c.pr];
      return reconcile(w, c.pr, pr.head, pr.base, { comment: c });
    },
  };
}

/** The decide() of commit d4c4d5f: one `RSO approval` check per head, every comment replayed, `headSince` from the check run or GitHub's first sight of the commit. */
export interface OldDecideModule {
  decide(input: {
    head: string;
    headSince?: string;
    gate: GateState;
    comments: CommentInfo[];
    authorize: (u: { id: number; login: string; type: string }) => string | undefined;
  }): { outcome: Outcome };
}

export function oldPureApp(mod: OldDecideModule, parse = parseNow): AppUnderTest {
  const started = new Map<number, string>();
  const reconcile = (w: World, prIdx: number, head: number, base: number): Write[] => {
    const pr = w.prs[prIdx];
    const gate = gateState(w, head, base);
    const now = w.iso(w.t);
    if (!gate.relevant) {
      if (!started.has(head)) started.set(head, now);
      return [{ head, base: '*', conclusion: 'success' }];
    }
    const comments = w.comments.filter((c) => !c.deleted && c.pr === prIdx).map((c) => listed(w, c));
    // headSinceFor() of d4c4d5f's reconcile.ts
    const bound = started.get(head);
    const bare = comments.filter((c) =>
      parse(c.body).some(
        (cmd) => (cmd.name === 'approve' && !cmd.sha) || cmd.name === 'reject' || cmd.name === 'revoke',
      ),
    );
    let headSince: string | undefined;
    if (bound && bare.every((c) => Date.parse(bound) < Date.parse(c.created_at))) headSince = bound;
    else if (bare.length === 0) headSince = bound;
    else {
      const seen = w.iso(w.firstSeen.get(head)!);
      headSince = !bound || Date.parse(seen) < Date.parse(bound) ? seen : bound;
    }
    const { outcome } = mod.decide({
      head: w.sha(head),
      ...(headSince ? { headSince } : {}),
      gate,
      comments,
      authorize: authorizer(pr, base),
    });
    if (!started.has(head)) started.set(head, now);
    return [{ head, base: '*', conclusion: conclusion(outcome) }];
  };
  return {
    handle(e: Ev, w: World): Write[] {
      if (e.kind === 'pr') {
        // d4c4d5f did not handle `edited` (a retarget).
        if (e.action === 'edited') return [];
        return reconcile(w, e.pr, e.head, e.base);
      }
      const c = w.comments[e.comment];
      if (isBot(c.by) || parse(w.body(c)).length === 0) return [];
      w.handled(c.id);
      const pr = w.prs[c.pr];
      return reconcile(w, c.pr, pr.head, pr.base);
    },
  };
}
