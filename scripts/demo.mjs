// `npm run demo`: one release PR, end to end, on this machine, with no GitHub credentials. The
// release is at ASL-3, where the built-in pack demands the CEO and the RSO: both sign off.
// The real Action process (dist/index.js) and two real App servers (lib/bot/main.js, behind one
// webhook address) run against the loopback GitHub stand-in. Prints a timeline; exits 1 if any
// step does not behave as described.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commentEvent, deliver, freePort, pullRequestEvent, startBot } from '../lib/test/helpers/bot.js';
import { exampleRepo, writeRepo } from '../lib/test/helpers/repo.js';
import { GitHubStandIn } from '../lib/test/standin/github.js';

const ROOT = new URL('..', import.meta.url).pathname;
const RSO = process.env.ASL_GATE_DEMO_RSO ?? 'rso-kaplan';
const CEO = 'ceo-amodei';
const BASE = 'ba5e'.padEnd(40, '0');
const HEAD1 = '1a7e'.padEnd(40, '1');
const HEAD2 = 'ac4d'.padEnd(40, '2');
// The two required checks of the PR's base branch, main (check names carry the base).
const GATE = 'ASL gate: main';
const APPROVAL = 'RSO approval: main';
let failures = 0;
const t0 = Date.now();
const line = (who, what) =>
  console.log(`${String(((Date.now() - t0) / 1000).toFixed(1)).padStart(5)}s  ${who.padEnd(14)} ${what}`);
const expect = (ok, what) => {
  if (!ok) failures++;
  console.log(`        ${ok ? '✔' : '✘ UNEXPECTED:'} ${what}`);
};

const gh = new GitHubStandIn();
await gh.start();
gh.user(RSO);
gh.user(CEO);
gh.user('dev-alice');
gh.user('dev-bob');
// The examples' config, with sign-off by two roles: the built-in pack demands the CEO and the RSO
// from ASL-3 (RSP 2.2 §3.3, §4.3); the config says who they are.
const config = exampleRepo()
  ['.github/asl-gate.yml'].replace(/rso:\n {2}users: \[rso-kaplan\]\n {2}teams: \[responsible-scaling\]\n/, '')
  .replace(/ {2}from_level: ASL-3\n/, '')
  .concat(
    'signoff:\n  roles:\n    rso: {users: [rso-kaplan], teams: [responsible-scaling]}\n    ceo: {users: [ceo-amodei]}\n  require:\n    - {from_level: ASL-3, roles: [ceo, rso]}\n',
  );
gh.commits.set(BASE, { '.github/asl-gate.yml': config, 'README.md': '# models\n' });

// Two App replicas behind one webhook address (round robin): the App is stateless.
const replicas = [await startBot(gh, { LOG_LEVEL: 'warn' }), await startBot(gh, { LOG_LEVEL: 'warn' })];
let turn = 0;
const proxy = createServer(async (req, res) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const target = replicas[turn++ % replicas.length];
  const r = await fetch(`${target.url}${req.url}`, {
    method: req.method,
    headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length')),
    body: Buffer.concat(chunks),
  });
  res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'text/plain' });
  res.end(await r.text());
});
const proxyPort = await freePort();
await new Promise((r) => proxy.listen(proxyPort, '127.0.0.1', r));
const webhooks = { url: `http://127.0.0.1:${proxyPort}` };

/** Run the Action as GitHub Actions would on this head; record its job as the `ASL gate: main` check. */
async function runGate(pr, files) {
  const tmp = mkdtempSync(join(tmpdir(), 'asl-gate-demo-'));
  const eventPath = join(tmp, 'event.json');
  writeFileSync(
    eventPath,
    JSON.stringify({
      number: pr.number,
      pull_request: {
        number: pr.number,
        changed_files: gh.pullFiles.get(pr.number).length,
        base: { sha: pr.base },
        head: { sha: pr.head },
      },
    }),
  );
  for (const f of ['out', 'summary']) writeFileSync(join(tmp, f), '');
  const child = spawn(process.execPath, [join(ROOT, 'dist/index.js')], {
    env: {
      PATH: process.env.PATH,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: 'lab/models',
      GITHUB_WORKSPACE: writeRepo(files),
      GITHUB_API_URL: gh.url,
      GITHUB_OUTPUT: join(tmp, 'out'),
      GITHUB_STEP_SUMMARY: join(tmp, 'summary'),
      RUNNER_TEMP: tmp,
      INPUT_TOKEN: 'ghs_demo',
      INPUT_NOW: '2026-11-28',
    },
  });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const code = await new Promise((r) => child.on('close', r));
  const annotations = stdout
    .split('\n')
    .filter((l) => /^::(error|warning) /.test(l))
    .map((l) => l.replace(/^::(\w+) [^:]*title=([^,:]+)[^:]*::(.*)$/, '$1 $2: $3'));
  gh.checkRuns.push({
    id: 90000 + gh.checkRuns.length,
    head_sha: pr.head,
    name: GATE,
    status: 'completed',
    conclusion: code === 0 ? 'success' : 'failure',
    output: { title: null, summary: readFileSync(join(tmp, 'summary'), 'utf8'), text: null },
    app_id: 15368,
    started_at: gh.now(),
    completed_at: gh.now(),
  });
  return { code, annotations };
}

const checks = (sha) =>
  `"${GATE}" ${gh.latestCheck(sha, GATE)?.conclusion ?? '—'}, "${APPROVAL}" ${gh.latestCheck(sha, APPROVAL)?.conclusion ?? gh.latestCheck(sha, APPROVAL)?.status ?? '—'}`;

try {
  console.log('asl-gate demo: one model release PR, end to end (GitHub = loopback stand-in, no credentials)\n');

  // 1. The PR: orion-1, its CBRN evaluation completed three days late.
  const late = {};
  for (const [p, text] of Object.entries(exampleRepo('orion-1'))) late[p] = text;
  const changed = Object.keys(late)
    .filter((p) => p.startsWith('releases/'))
    .map((filename) => ({ filename, status: 'added' }));
  const pr = gh.openPull(7, 'dev-alice', BASE, HEAD1, { ...gh.commits.get(BASE), ...late }, changed);
  line(
    'dev-alice',
    `opens PR #7 "release orion-1" at ${HEAD1.slice(0, 7)} (CBRN evaluation done 2026-11-18, due 2026-11-15)`,
  );
  let gate = await runGate(pr, late);
  line('ASL gate', `exit ${gate.code}: ${gate.annotations.join(' | ')}`);
  expect(
    gate.code === 1 && gate.annotations.some((a) => a.startsWith('error evaluation.late')),
    'the gate fails on evaluation.late',
  );
  await deliver(webhooks, 'pull_request', pullRequestEvent(gh, pr, 'opened'));
  let run = gh.latestCheck(pr.head);
  line('RSO approval', `${run?.status}/${run?.conclusion ?? '-'}: ${run?.output.title}`);
  expect(run?.conclusion === 'failure', 'RSO approval cannot pass while the gate fails');
  const sticky = () => gh.stickyComments(7);
  expect(
    sticky().length === 1 && sticky()[0].body.includes(`@${RSO}`) && sticky()[0].body.includes(`@${CEO}`),
    `one comment asks @${RSO} and @${CEO}`,
  );

  // 2. The lateness is acknowledged as noncompliance in a new commit.
  const ack = {};
  for (const [p, text] of Object.entries(exampleRepo('orion-1-ack')))
    ack[p.replace('orion-1-ack', 'orion-1')] = text.replace('model: orion-1-ack', 'model: orion-1');
  gh.push(
    7,
    HEAD2,
    { ...gh.commits.get(BASE), ...ack },
    'dev-alice',
    Object.keys(ack)
      .filter((p) => p.startsWith('releases/'))
      .map((filename) => ({ filename, status: 'added' })),
  );
  line('dev-alice', `pushes ${HEAD2.slice(0, 7)}: noncompliance entry + report for the 3-day lateness`);
  gate = await runGate(pr, ack);
  line('ASL gate', `exit ${gate.code}: ${gate.annotations.join(' | ')}`);
  expect(
    gate.code === 0 && gate.annotations.some((a) => a.startsWith('warning evaluation.late')),
    'the gate passes with a warning',
  );
  await deliver(webhooks, 'pull_request', pullRequestEvent(gh, pr, 'synchronize'));
  run = gh.latestCheck(pr.head);
  line('RSO approval', `${run?.status}/${run?.conclusion ?? '-'}: ${run?.output.title}`);
  expect(run?.status === 'in_progress', 'the App waits for the CEO and the RSO on the new head');
  expect(
    sticky().length === 1 &&
      sticky()[0].body.includes(`/signoff approve ceo ${HEAD2.slice(0, 7)}`) &&
      sticky()[0].body.includes(`/signoff approve rso ${HEAD2.slice(0, 7)}`),
    'the sticky comment shows the command of each role for this head',
  );

  // 3. Someone who is not the RSO tries to approve.
  const bob = gh.comment(7, 'dev-bob', '/rso approve');
  await deliver(webhooks, 'issue_comment', commentEvent(gh, bob));
  const reply = gh.comments.find((c) => c.body.includes(`<!-- asl-gate:reply:${bob.id} -->`));
  line('dev-bob', '/rso approve');
  line(
    'App',
    `reacts ${gh.reactions
      .filter((r) => r.comment === bob.id)
      .map((r) => r.content)
      .join(',')}; replies: ${reply?.body.split('\n').slice(1).join(' ')}`,
  );
  expect(gh.latestCheck(pr.head)?.status === 'in_progress' && !!reply, 'refused, with the reason');

  // 4. The RSO approves the exact head: not enough, the CEO must sign too.
  const rso = gh.comment(7, RSO, `Reviewed the noncompliance report.\n/rso approve ${HEAD2.slice(0, 7)}`);
  await deliver(webhooks, 'issue_comment', commentEvent(gh, rso));
  run = gh.latestCheck(pr.head);
  line(RSO, `/rso approve ${HEAD2.slice(0, 7)}`);
  line('RSO approval', `${run?.status}/${run?.conclusion ?? '-'}: ${run?.output.title}`);
  expect(run?.status === 'in_progress', 'the RSO alone is not enough: still waiting for the CEO');

  // 5. The CEO signs the same head: two roles, two people.
  const ceo = gh.comment(7, CEO, `/signoff approve ceo ${HEAD2.slice(0, 7)}`);
  await deliver(webhooks, 'issue_comment', commentEvent(gh, ceo));
  run = gh.latestCheck(pr.head);
  line(CEO, `/signoff approve ceo ${HEAD2.slice(0, 7)}`);
  line('RSO approval', `${run?.status}/${run?.conclusion ?? '-'}: ${run?.output.title}`);
  expect(run?.conclusion === 'success', 'approved for this SHA');

  // 6. Replicas agree: the same event again, to the other replica, changes nothing.
  const before = JSON.stringify([gh.latestCheck(pr.head)?.conclusion, sticky().map((c) => c.body)]);
  await deliver(webhooks, 'issue_comment', commentEvent(gh, rso));
  await deliver(webhooks, 'pull_request', pullRequestEvent(gh, pr, 'synchronize'));
  expect(
    JSON.stringify([gh.latestCheck(pr.head)?.conclusion, sticky().map((c) => c.body)]) === before &&
      sticky().length === 1,
    'both replicas agree: same check, one comment',
  );

  console.log(`\n        ${HEAD2.slice(0, 7)}: ${checks(pr.head)}`);
  expect(
    gh.latestCheck(pr.head, GATE)?.conclusion === 'success' &&
      gh.latestCheck(pr.head, APPROVAL)?.conclusion === 'success',
    'both required checks are green: the release can merge',
  );
} finally {
  proxy.close();
  await Promise.all(replicas.map((r) => r.stop()));
  await gh.stop();
}
console.log(
  failures === 0
    ? '\nDemo complete: every step behaved as described.'
    : `\nDemo FAILED: ${failures} step(s) did not behave as described.`,
);
process.exit(failures === 0 ? 0 : 1);
