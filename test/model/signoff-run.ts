// Play a history (signoff-history.ts) against an App — the pure decision code with the App's glue
// (signoff-pure.ts), or the real server against the stand-in (signoff.server.property.test.ts) —
// and compare every `RSO approval: <base>` check it writes with the reference model.
import { BASES, livenessFullSha, maySucceed } from './signoff-model.js';
import { World, type Ev, type History, type Step } from './signoff-history.js';

/** A check the App wrote while handling one delivery. `base: '*'` — one check for every base (the old design). */
export interface Write {
  head: number;
  base: number | '*';
  conclusion: 'success' | 'failure' | null;
}

export interface AppUnderTest {
  /** Handle one delivery of `e`; return the checks written. Calls `w.handled(id)` when it handles a comment's commands. */
  handle(e: Ev, w: World): Write[] | Promise<Write[]>;
  /** Mirror a world step on GitHub (the stand-in) before anything is delivered. */
  sync?(w: World, s?: Step): void;
}

export interface RunResult {
  violations: string[];
  deliveries: number;
}

const name = (w: World, head: number, base: number) =>
  `RSO approval: ${BASES[base]} on ${w.sha(head).slice(0, 12)} (commit ${head})`;

export async function runHistory(
  h: History,
  app: AppUnderTest,
  sha: (i: number) => string,
  opts: { liveness?: boolean; stopAtFirst?: boolean; staleTaints?: boolean } = {},
): Promise<RunResult> {
  const w = new World(h, sha);
  const violations: string[] = [];
  // (head, base) pairs a late PR webhook reached after the PR had moved on: the App judges the
  // payload's head with the PR's file listing of the moment and caches that verdict, so liveness is
  // not promised for them (a finding reported with issue 21; safety still holds).
  const tainted = new Set<string>();
  let deliveries = 0;
  const deliver = async (evs: Ev[]) => {
    for (const e of evs) {
      w.t++;
      w.take(e);
      deliveries++;
      if (
        opts.staleTaints &&
        e.kind === 'pr' &&
        e.action !== 'edited' &&
        (w.prs[e.pr].head !== e.head || w.prs[e.pr].base !== e.base)
      )
        tainted.add(`${e.head}|${e.base}`);
      const writes = await app.handle(e, w);
      for (const wr of writes) {
        if (wr.conclusion !== 'success') continue;
        const bases = wr.base === '*' ? w.prs.filter((p) => p.head === wr.head).map((p) => p.base) : [wr.base];
        for (const b of bases)
          if (!maySucceed(w, wr.head, b))
            violations.push(
              `step t=${w.t}: ${name(w, wr.head, b)} says success; the model says it must not (delivery ${JSON.stringify(e)})`,
            );
      }
      if (!opts.liveness) continue;
      if (e.kind === 'comment') {
        const c = w.comments[e.comment];
        const live = livenessFullSha(w, c);
        if (
          live &&
          !tainted.has(`${live.H}|${live.B}`) &&
          !writes.some((x) => x.head === live.H && x.base === live.B && x.conclusion === 'success')
        )
          violations.push(
            `step t=${w.t}: liveness: ${name(w, live.H, live.B)} is not success after an authorised full-SHA approval of the head (comment ${c.id})`,
          );
      } else {
        const head = e.action === 'edited' ? w.prs[e.pr].head : e.head;
        const base = e.action === 'edited' ? w.prs[e.pr].base : e.base;
        // Only for the PR as it is now: a stale payload is judged with today's file listing.
        const current = w.prs[e.pr].head === head && w.prs[e.pr].base === base;
        if (
          current &&
          !tainted.has(`${head}|${base}`) &&
          w.gate(head, base) === 'none' &&
          !writes.some((x) => x.head === head && x.base === base && x.conclusion === 'success')
        )
          violations.push(`step t=${w.t}: liveness: ${name(w, head, base)} touches no release but is not success`);
      }
    }
  };
  const opened = w.open();
  app.sync?.(w);
  await deliver(opened.flatMap((e) => w.withCausal(e)));
  for (const s of h.steps) {
    if (opts.stopAtFirst && violations.length) break;
    if (s.a === 'deliver' || s.a === 'redeliver') await deliver(w.pick(s));
    else {
      const now = w.apply(s);
      app.sync?.(w, s);
      for (const e of now) if (w.pending.includes(e)) await deliver(w.withCausal(e));
    }
  }
  // Whatever is still pending arrives at last, in the order GitHub sent it.
  while (w.pending.length && !(opts.stopAtFirst && violations.length)) await deliver(w.withCausal(w.pending[0]));
  return { violations, deliveries };
}
