// Issue 21, whole server: random histories played against the real App (`npm start`'s command) with
// the loopback stand-in as GitHub — webhooks delivered late, twice and out of order — and every
// `RSO approval: <base>` check it writes compared with the reference model. Fewer runs than the
// pure property (each delivery is a real webhook and a dozen API requests).
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentEvent, deliver, pullRequestEvent, startBot, type BotProcess } from '../helpers/bot.js';
import { edit, exampleRepo } from '../helpers/repo.js';
import { GitHubStandIn, type Comment, type PullFile, type TreeFiles } from '../standin/github.js';
import { historyArb, shaFor, World, type Ev, type History, type Step } from './signoff-history.js';
import { BASES, RSOS, USERS, type Kind } from './signoff-model.js';
import { runHistory, type AppUnderTest, type Write } from './signoff-run.js';

const RUNS = Number(process.env.FUZZ_SIGNOFF_SERVER_RUNS ?? 20);
const SEED = Number(process.env.FUZZ_SIGNOFF_SEED ?? 20261202);

const config = exampleRepo()['.github/asl-gate.yml'].replace(/teams: \[[^\]]*\]/, 'teams: []');
const BASE_SHA = ['b'.repeat(40), 'd'.repeat(40), 'e'.repeat(40)];
const baseFiles = (b: number): TreeFiles => {
  let c = config.replace(/users: \[[^\]]*\]/, `users: [${RSOS[BASES[b]].join(', ')}]`);
  if (BASES[b] === 'weak')
    c = c.replace('from_level: ASL-3', 'from_level: ASL-4').replace('grace_days: 0', 'grace_days: 10');
  return { '.github/asl-gate.yml': c, 'README.md': '# models\n' };
};
const release = exampleRepo('nova-2');
delete release['.github/asl-gate.yml'];
function headFiles(kind: Kind, i: number): TreeFiles {
  const stamp = { 'releases/nova-2/reports/stamp.md': `# commit ${i}\n` };
  if (kind === 'none') return { 'README.md': `# models, commit ${i}\n` };
  if (kind === 'fail') {
    const f: TreeFiles = { ...release, ...stamp };
    delete f['releases/nova-2/reports/capability.md'];
    return f;
  }
  if (kind === 'late')
    return {
      ...edit(release, 'releases/nova-2/assessments/cbrn.yml', 'completed: 2026-11-14', 'completed: 2026-11-18'),
      ...stamp,
    };
  return { ...release, ...stamp };
}
const changesOf = (kind: Kind, files: TreeFiles): PullFile[] =>
  kind === 'none'
    ? [{ filename: 'README.md', status: 'modified' }]
    : Object.keys(files)
        .filter((p) => p.startsWith('releases/'))
        .map((filename) => ({ filename, status: 'added' }));

let gh: GitHubStandIn;
let bot: BotProcess;
let nextPr = 1;

beforeAll(async () => {
  gh = new GitHubStandIn();
  await gh.start();
  BASE_SHA.forEach((sha, b) => gh.commits.set(sha, baseFiles(b)));
  for (const u of USERS) gh.user(u, u === 'ci-bot' ? 'Bot' : 'User');
  bot = await startBot(gh);
});
afterAll(async () => {
  await bot?.stop();
  await gh?.stop();
});

/** The real App behind the stand-in: world steps become GitHub's state, events become webhooks. */
function serverApp(n: number): AppUnderTest {
  const numbers: number[] = [];
  const comments = new Map<number, Comment>();
  const payloads = new Map<number, { name: string; body: Record<string, unknown> }>();
  const sha = shaFor(n);
  const idx = new Map(Array.from({ length: 6 }, (_, i) => [sha(i), i]));
  const files = (w: World, i: number) => headFiles(w.kinds[i], i);
  return {
    sync(w: World, s?: Step) {
      w.prs.forEach((p, i) => {
        const head = sha(p.head);
        const f = files(w, p.head);
        if (numbers[i] === undefined) {
          numbers[i] = nextPr++;
          gh.openPull(numbers[i], p.author, BASE_SHA[p.base], head, f, changesOf(w.kinds[p.head], f), BASES[p.base]);
          return;
        }
        const pr = gh.pulls.get(numbers[i])!;
        if (pr.head !== head)
          gh.push(pr.number, head, f, s?.a === 'push' ? s.by : p.author, changesOf(w.kinds[p.head], f));
        if (pr.baseRef !== BASES[p.base]) {
          const from = gh.retarget(pr.number, BASE_SHA[p.base], BASES[p.base]);
          const ev = w.pending.find(
            (e) => e.kind === 'pr' && e.action === 'edited' && e.pr === i && !payloads.has(e.id),
          );
          if (ev)
            payloads.set(ev.id, { name: 'pull_request', body: pullRequestEvent(gh, pr, 'edited', { base: from }) });
        }
      });
      for (const c of w.comments) {
        let g = comments.get(c.id);
        if (!g) comments.set(c.id, (g = gh.comment(numbers[c.pr], c.by, w.body(c))));
        if (c.edited && g.body !== 'edited') {
          g.body = 'edited';
          g.updated_at = gh.now();
        }
        if (c.deleted && gh.comments.includes(g)) gh.comments.splice(gh.comments.indexOf(g), 1);
      }
      for (const e of w.pending) {
        if (payloads.has(e.id)) continue;
        if (e.kind === 'comment')
          payloads.set(e.id, { name: 'issue_comment', body: commentEvent(gh, comments.get(e.comment)!) });
        else
          payloads.set(e.id, {
            name: 'pull_request',
            body: pullRequestEvent(gh, gh.pulls.get(numbers[e.pr])!, e.action),
          });
      }
    },
    async handle(e: Ev, w: World): Promise<Write[]> {
      const from = gh.requests.length;
      const p = payloads.get(e.id)!;
      expect(await deliver(bot, p.name, p.body)).toBe(200);
      if (e.kind === 'comment') {
        const c = w.comments[e.comment];
        if (c.by !== 'ci-bot') {
          const reply = gh.comments.find((x) => x.body.includes(`<!-- asl-gate:reply:${comments.get(c.id)!.id} -->`));
          w.handled(c.id, !reply?.body.includes('cannot tell which commit was the head'));
        }
      }
      // Every check run the App created or updated while handling this delivery, as it stands now.
      const written = new Set<number>();
      for (const r of gh.requests.slice(from)) {
        if (r.method === 'PATCH' && /\/check-runs\/\d+$/.test(r.path)) written.add(Number(r.path.split('/').pop()));
        if (r.method === 'POST' && r.path.endsWith('/check-runs')) {
          const b = r.body as { name: string; head_sha: string };
          const run = gh.checkRuns
            .filter((x) => x.name === b.name && x.head_sha === b.head_sha)
            .sort((a, c) => c.id - a.id)[0];
          if (run) written.add(run.id);
        }
      }
      const out: Write[] = [];
      for (const r of gh.checkRuns) {
        if (!written.has(r.id)) continue;
        const base = BASES.indexOf(r.name.replace('RSO approval: ', '') as (typeof BASES)[number]);
        const head = idx.get(r.head_sha);
        if (base >= 0 && head !== undefined)
          out.push({
            head,
            base,
            conclusion: r.conclusion === 'success' ? 'success' : r.conclusion === 'failure' ? 'failure' : null,
          });
      }
      return out;
    },
  };
}

describe('sign-off model: the whole server', () => {
  it('regression: a bare approval written while the head touched no release binds to nothing after a force-push back (the sticky follows non-release heads)', async () => {
    // Release head 1 (seen), push 0 that touches no release (seen), the RSO writes a bare approval
    // on 0, the branch is forced back to 1 and the App handles the approval before that push.
    const h: History = {
      kinds: ['none', 'pass', 'pass', 'pass', 'pass', 'pass'],
      start: { commit: 1, base: 0, now: true },
      steps: [
        { a: 'push', pr: 0, commit: 0, by: 'author', now: true },
        { a: 'comment', pr: 0, by: 'rso-a', cmd: { v: 'approve', sha: 'none', of: 'head' }, now: false },
        { a: 'push', pr: 0, commit: 1, by: 'author', now: false },
        { a: 'deliver', nth: 0 },
      ],
      order: 'causal',
    };
    expect(
      (await runHistory(h, serverApp(0x3fffe), shaFor(0x3fffe), { liveness: true, staleTaints: true })).violations,
    ).toEqual([]);
  });

  it('regression: a rejection edited (or deleted) before the App handles it still holds (its author is resolved from the webhook)', async () => {
    for (const a of ['edit', 'delete'] as const) {
      const h: History = {
        kinds: ['pass', 'pass', 'pass', 'pass', 'pass', 'pass'],
        start: { commit: 1, base: 1, now: true },
        steps: [
          { a: 'comment', pr: 0, by: 'rso-a', cmd: { v: 'reject' }, now: false },
          { a, nth: 0 },
          { a: 'deliver', nth: 0 },
        ],
        order: 'causal',
      };
      expect(
        (
          await runHistory(h, serverApp(a === 'edit' ? 0x3fffd : 0x3fffc), shaFor(a === 'edit' ? 0x3fffd : 0x3fffc), {
            liveness: true,
            staleTaints: true,
          })
        ).violations,
      ).toEqual([]);
    }
  });

  it.runIf(!!process.env.FUZZ_SIGNOFF_HISTORY)('one given history (FUZZ_SIGNOFF_HISTORY)', async () => {
    const h = JSON.parse(process.env.FUZZ_SIGNOFF_HISTORY!) as History;
    const r = await runHistory(h, serverApp(0x3ffff), shaFor(0x3ffff), { liveness: true, staleTaints: true });
    if (process.env.FUZZ_SIGNOFF_DEBUG)
      console.log(
        gh.checkRuns
          .map((c) => `${c.id} ${c.name} ${c.head_sha.slice(0, 12)} ${c.status} ${c.conclusion} ${c.output.title}`)
          .join('\n'),
        gh.calls(/pulls|check-runs/).join('\n'),
      );
    expect(r.violations).toEqual([]);
  });

  it(`the real App never says success where the model says no (${RUNS} histories, seed ${SEED})`, async () => {
    let n = 0x40000;
    const stats = {
      histories: 0,
      deliveries: [] as number[],
      violations: 0,
      ms: 0,
      first: undefined as undefined | { run: number; violations: string[] },
    };
    const t0 = performance.now();
    const result = await fc.check(
      fc.asyncProperty(historyArb({ order: 'causal', maxSteps: 14 }), async (h) => {
        n++;
        const r = await runHistory(h, serverApp(n), shaFor(n), { liveness: true, staleTaints: true });
        stats.histories++;
        stats.deliveries.push(r.deliveries);
        if (r.violations.length) {
          stats.violations++;
          stats.first ??= { run: stats.histories, violations: r.violations };
          throw new Error(r.violations.join('\n'));
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    stats.ms = performance.now() - t0;
    if (process.env.FUZZ_SIGNOFF_OUT)
      writeFileSync(
        process.env.FUZZ_SIGNOFF_OUT,
        JSON.stringify({ kind: 'server', ...stats, counterexample: result.counterexample?.[0] ?? null }),
      );
    expect(result.failed ? `${fc.defaultReportMessage(result)}\n${String(result.errorInstance)}` : 'ok').toBe('ok');
  });
});
