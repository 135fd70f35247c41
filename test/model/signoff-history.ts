// Random histories of a release PR (issue 21) and the world they build: what GitHub holds, which
// webhooks are waiting to be delivered, and the facts the reference model (signoff-model.ts) reads.
import fc from 'fast-check';
import {
  authorised,
  BASES,
  gateOf,
  KINDS,
  USERS,
  type Cmd,
  type CommentFacts,
  type Facts,
  type Kind,
  type PrFacts,
  type UserName,
} from './signoff-model.js';

/** How many commits a history may use: 4 originals and 2 look-alikes sharing the first 12 hex digits of commits 0 and 1. */
export const COMMITS = 6;
const LOOKALIKE_OF: Record<number, number> = { 4: 0, 5: 1 };

export type Step =
  | { a: 'push'; pr: number; commit: number; by: UserName; now: boolean }
  | { a: 'retarget'; pr: number; base: number; now: boolean }
  | { a: 'open2'; commit: number; base: number; now: boolean }
  | { a: 'comment'; pr: number; by: UserName; cmd: Cmd; now: boolean }
  | { a: 'edit'; nth: number }
  | { a: 'delete'; nth: number }
  | { a: 'ready'; pr: number; now: boolean }
  | { a: 'deliver'; nth: number }
  | { a: 'redeliver'; nth: number };

export interface History {
  kinds: Kind[];
  start: { commit: number; base: number; now: boolean };
  steps: Step[];
  /** `causal`: a push, open or retarget is delivered before any comment written after it (webhooks may
   * otherwise come late, twice or out of order); `any`: no order at all. */
  order: 'causal' | 'any';
}

const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      v: fc.constant('approve' as const),
      sha: fc.constantFrom('none' as const, 'short' as const, 'long' as const, 'full' as const),
      of: fc.oneof(fc.constant('head' as const), fc.nat(COMMITS - 1)),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ v: 'reject' as const }) },
  { weight: 2, arbitrary: fc.constant({ v: 'revoke' as const }) },
  { weight: 1, arbitrary: fc.constantFrom({ v: 'status' as const }, { v: 'recheck' as const }) },
);

const userArb = fc.constantFrom<UserName>(...USERS, 'rso-a', 'rso-b', 'rso-a');
const prArb = fc.nat(1);
const baseArb = fc.nat(BASES.length - 1);
const commitArb = fc.nat(COMMITS - 1);

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      a: fc.constant('push' as const),
      pr: prArb,
      commit: commitArb,
      by: fc.constantFrom<UserName>('author', 'author', 'pusher', 'rso-b'),
      now: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ a: fc.constant('retarget' as const), pr: prArb, base: baseArb, now: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ a: fc.constant('open2' as const), commit: commitArb, base: baseArb, now: fc.boolean() }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      a: fc.constant('comment' as const),
      pr: prArb,
      by: userArb,
      cmd: cmdArb,
      now: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('edit' as const), nth: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('delete' as const), nth: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('ready' as const), pr: prArb, now: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ a: fc.constant('deliver' as const), nth: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ a: fc.constant('redeliver' as const), nth: fc.nat() }) },
);

export function historyArb(opts: { maxSteps?: number; order?: History['order'] } = {}): fc.Arbitrary<History> {
  return fc.record({
    kinds: fc.array(fc.constantFrom<Kind>(...KINDS, 'pass', 'pass'), { minLength: COMMITS, maxLength: COMMITS }),
    start: fc.record({ commit: commitArb, base: baseArb, now: fc.boolean() }),
    steps: fc.array(stepArb, { minLength: 2, maxLength: opts.maxSteps ?? 24, size: 'max' }),
    order: opts.order ? fc.constant(opts.order) : fc.constantFrom<History['order']>('causal', 'causal', 'any'),
  });
}

/** A webhook GitHub sent: a PR event carries the PR as it was then; a comment event the comment as written. */
export type Ev =
  | {
      id: number;
      t: number;
      kind: 'pr';
      action: 'opened' | 'synchronize' | 'edited' | 'ready_for_review';
      pr: number;
      head: number;
      base: number;
    }
  | { id: number; t: number; kind: 'comment'; comment: number };

type WithoutStamp<T> = T extends unknown ? Omit<T, 'id' | 't'> : never;
type EvBody = WithoutStamp<Ev>;

export const isHeadEvent = (e: Ev) => e.kind === 'pr' && e.action !== 'ready_for_review';

/** What happened on GitHub so far, and which webhooks are pending or were delivered. */
export class World implements Facts {
  kinds: Kind[];
  prs: PrFacts[] = [];
  comments: CommentFacts[] = [];
  /** World clock: one tick per step (and per delivery). */
  t = 0;
  pending: Ev[] = [];
  delivered: Ev[] = [];
  private nextEv = 0;
  /** When each commit was first seen by GitHub (the old design's check-suite time). */
  firstSeen = new Map<number, number>();

  constructor(
    readonly h: History,
    /** The SHA of commit i (look-alikes share 12 hex digits with their original). */
    readonly sha: (i: number) => string,
  ) {
    this.kinds = h.kinds;
  }

  selects = (c: CommentFacts, h: number): boolean => {
    if (c.named === undefined) return false;
    const typed = this.typedSha(c);
    return typed !== undefined && this.sha(h).startsWith(typed);
  };

  typedSha(c: CommentFacts): string | undefined {
    if (c.cmd.v !== 'approve' || c.cmd.sha === 'none' || c.named === undefined) return undefined;
    return this.sha(c.named).slice(0, c.cmd.sha === 'short' ? 7 : c.cmd.sha === 'long' ? 12 : 40);
  }

  body(c: CommentFacts): string {
    switch (c.cmd.v) {
      case 'approve':
        return `/rso approve${c.named !== undefined ? ` ${this.typedSha(c)}` : ''}`;
      case 'reject':
        return '/rso reject not yet';
      default:
        return `/rso ${c.cmd.v}`;
    }
  }

  private emit(e: EvBody): Ev {
    const ev = { ...e, id: this.nextEv++, t: this.t };
    this.pending.push(ev);
    return ev;
  }

  private seen(commit: number) {
    if (!this.firstSeen.has(commit)) this.firstSeen.set(commit, this.t);
  }

  /** Apply one world step; returns the events to deliver at once (in order). */
  open(): Ev[] {
    this.t++;
    const { commit, base, now } = this.h.start;
    this.prs.push({ author: 'author', head: commit, base, pushers: new Set(['author']) });
    this.seen(commit);
    const e = this.emit({ kind: 'pr', action: 'opened', pr: 0, head: commit, base });
    return now ? [e] : [];
  }

  /** Apply a world step (not a delivery); returns the events to deliver now. */
  apply(s: Step): Ev[] {
    this.t++;
    const out: Ev[] = [];
    const pr = 'pr' in s ? this.prs[s.pr] : undefined;
    switch (s.a) {
      case 'push':
        if (!pr || pr.head === s.commit) return out;
        pr.head = s.commit;
        pr.pushers.add(s.by);
        this.seen(s.commit);
        out.push(this.emit({ kind: 'pr', action: 'synchronize', pr: s.pr, head: pr.head, base: pr.base }));
        break;
      case 'retarget':
        if (!pr || pr.base === s.base) return out;
        pr.base = s.base;
        out.push(this.emit({ kind: 'pr', action: 'edited', pr: s.pr, head: pr.head, base: pr.base }));
        break;
      case 'open2':
        if (this.prs.length > 1) return out;
        this.prs.push({ author: 'author', head: s.commit, base: s.base, pushers: new Set(['author']) });
        this.seen(s.commit);
        out.push(this.emit({ kind: 'pr', action: 'opened', pr: 1, head: s.commit, base: s.base }));
        break;
      case 'ready':
        if (!pr) return out;
        out.push(this.emit({ kind: 'pr', action: 'ready_for_review', pr: s.pr, head: pr.head, base: pr.base }));
        break;
      case 'comment': {
        if (!pr) return out;
        const named =
          s.cmd.v === 'approve' && s.cmd.sha !== 'none' ? (s.cmd.of === 'head' ? pr.head : s.cmd.of) : undefined;
        const c: CommentFacts = {
          id: this.comments.length,
          pr: s.pr,
          by: s.by,
          cmd: s.cmd,
          t: this.t,
          at: { head: pr.head, base: pr.base },
          ...(named !== undefined ? { named } : {}),
          full: s.cmd.v === 'approve' && s.cmd.sha === 'full',
          edited: false,
          deleted: false,
          handled: [],
        };
        this.comments.push(c);
        out.push(this.emit({ kind: 'comment', comment: c.id }));
        break;
      }
      case 'edit':
      case 'delete': {
        const live = this.comments.filter((c) => !c.deleted);
        const c = live[s.nth % Math.max(1, live.length)];
        if (!c) return out;
        if (s.a === 'edit') c.edited = true;
        else c.deleted = true;
        return out;
      }
      default:
        return out;
    }
    return s.now ? out : [];
  }

  /** The event a `deliver`/`redeliver` step picks, with what must go first under causal order. */
  pick(s: Extract<Step, { a: 'deliver' | 'redeliver' }>): Ev[] {
    if (s.a === 'redeliver') {
      const e = this.delivered[s.nth % Math.max(1, this.delivered.length)];
      return e ? [e] : [];
    }
    const e = this.pending[s.nth % Math.max(1, this.pending.length)];
    return e ? this.withCausal(e) : [];
  }

  /** `e` preceded, under causal order, by the pending head events GitHub sent before `e`'s comment was written. */
  withCausal(e: Ev): Ev[] {
    if (this.h.order !== 'causal' || e.kind !== 'comment') return [e];
    return [...this.pending.filter((p) => isHeadEvent(p) && p.t < e.t), e];
  }

  /** Mark `e` delivered (it leaves the pending list). */
  take(e: Ev): void {
    const i = this.pending.indexOf(e);
    if (i >= 0) this.pending.splice(i, 1);
    if (!this.delivered.includes(e)) this.delivered.push(e);
  }

  /** Record that the App handled comment `id` now (GitHub's PR state now). */
  handled(id: number, placed = true): void {
    const c = this.comments[id];
    const pr = this.prs[c.pr];
    c.handled.push({ head: pr.head, base: pr.base, authorised: authorisedNow(c.by, pr), placed });
  }

  gate(head: number, base: number) {
    return gateOf(this.kinds[head], base);
  }

  /** An ISO time for world time t (whole seconds, like GitHub). */
  iso(t: number): string {
    return new Date(Date.UTC(2026, 10, 28) + t * 1000).toISOString().replace('.000', '');
  }

  lookalikeOf(i: number): number | undefined {
    return LOOKALIKE_OF[i];
  }
}

const authorisedNow = (u: UserName, pr: PrFacts) => authorised(u, pr, pr.base);

/** SHAs for history `n`: 12 hex digits of history and commit, then fill; look-alikes keep the first 12 and differ after. */
export function shaFor(n: number): (i: number) => string {
  return (i) => {
    const orig = LOOKALIKE_OF[i] ?? i;
    const head = `${(n % 0xfffff).toString(16).padStart(5, '0')}${orig.toString(16)}c0ffee`;
    return head.padEnd(40, LOOKALIKE_OF[i] === undefined ? '1' : '2');
  };
}

/** A one-line story of a history, for failure messages and regression tests. */
export function describe(h: History): string {
  return JSON.stringify(h);
}
