// Issue 17: sign-off by several roles (a config's `signoff:`), end to end against the real server
// (`npm start`'s command) with the loopback stand-in as GitHub. A repository pack (the built-in one with
// a signoff field, its id kept) demands the CEO and the RSO from ASL-3; the config maps them to people and adds an RSO-only rule at ASL-2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentEvent, deliver, pullRequestEvent, startBot, type BotProcess, releaseChanges } from '../helpers/bot.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exampleRepo, ROOT } from '../helpers/repo.js';
import { GitHubStandIn, type Pull, type PullFile, type TreeFiles } from '../standin/github.js';

const SIGNOFF = [
  'releases: ["releases/*/asl.yml"]',
  'approval:',
  '  allow_author: false',
  'signoff:',
  '  roles:',
  '    rso: {users: [rso-kaplan, both-hats], teams: [responsible-scaling]}',
  '    ceo: {users: [ceo-amodei, both-hats]}',
  '  require:',
  '    - {from_level: ASL-2, roles: [rso]}',
  '    - {from_level: ASL-3, roles: [rso, ceo]}',
  '  changes: [rso, ceo]',
  'policy: packs/lab.yml',
  '',
].join('\n');
/** The same config with its ASL-3 rule dropping the CEO the pack demands (line 10). */
const DROPS_CEO = SIGNOFF.replace('{from_level: ASL-3, roles: [rso, ceo]}', '{from_level: ASL-3, roles: [rso]}');

const LAB_PACK = `${readFileSync(join(ROOT, 'packs/anthropic-rsp-2.2.yml'), 'utf8')}signoff:\n  - from_level: ASL-3\n    roles: [ceo, rso]\n    source: "RSP 2.2 §3.3 and §4.3"\n`;
const MAIN = 'b'.repeat(40);
const BROKEN = 'c'.repeat(40);
const PLAIN = 'd'.repeat(40);
let gh: GitHubStandIn;
let bot: BotProcess;
let next = 500;

beforeAll(async () => {
  gh = new GitHubStandIn();
  await gh.start();
  gh.commits.set(MAIN, { '.github/asl-gate.yml': SIGNOFF, 'packs/lab.yml': LAB_PACK, 'README.md': '# models\n' });
  gh.commits.set(BROKEN, { '.github/asl-gate.yml': DROPS_CEO, 'packs/lab.yml': LAB_PACK, 'README.md': '# models\n' });
  gh.commits.set(PLAIN, {
    '.github/asl-gate.yml': exampleRepo()['.github/asl-gate.yml'].replace(
      'policy: anthropic-rsp-2.2',
      'policy: packs/lab.yml',
    ),
    'packs/lab.yml': LAB_PACK,
    'README.md': '# models\n',
  });
  for (const u of ['rso-kaplan', 'rso-deputy', 'ceo-amodei', 'both-hats']) gh.user(u);
  gh.teams.set('responsible-scaling', new Set(['rso-deputy']));
  bot = await startBot(gh);
});
afterAll(async () => {
  await bot?.stop();
  await gh?.stop();
});

const sha = (n: number, v = 0) => `${n.toString(16).padStart(4, '0')}${v}`.padEnd(40, 'a');

async function open(
  release = 'nova-2',
  opts: { base?: string; author?: string; files?: TreeFiles; changed?: PullFile[] } = {},
): Promise<Pull> {
  const n = next++;
  const files = opts.files ?? exampleRepo(release);
  const pr = gh.openPull(
    n,
    opts.author ?? 'dev-alice',
    opts.base ?? MAIN,
    sha(n),
    files,
    opts.changed ?? releaseChanges(files),
  );
  expect(await deliver(bot, 'pull_request', pullRequestEvent(gh, pr))).toBe(200);
  return pr;
}

async function say(n: number, login: string, body: string) {
  const c = gh.comment(n, login, body);
  expect(await deliver(bot, 'issue_comment', commentEvent(gh, c))).toBe(200);
  return c;
}

const check = (pr: Pull) => gh.latestCheck(pr.head, 'RSO approval: main')!;
const sticky = (pr: Pull) => gh.stickyComments(pr.number)[0].body;
const replyTo = (id: number) => gh.comments.find((c) => c.body.includes(`<!-- asl-gate:reply:${id} -->`))?.body ?? '';
const reactionsOn = (id: number) => gh.reactions.filter((r) => r.comment === id).map((r) => r.content);

describe('sign-off by the CEO and the RSO (signoff: in the base config)', () => {
  it('the RSO alone is not enough where the CEO is also required; the table says who is still needed', async () => {
    const pr = await open();
    expect(check(pr)).toMatchObject({ status: 'in_progress' });
    expect(check(pr).output.title).toBe(`Waiting for sign-off of ${pr.head.slice(0, 7)}: ceo, rso`);
    expect(sticky(pr)).toContain('| Role | Who may sign | Signed | Still needed |');
    expect(sticky(pr)).toContain(`/signoff approve ceo ${pr.head.slice(0, 7)}`);
    expect(sticky(pr)).toContain(`/signoff approve rso ${pr.head.slice(0, 7)}`);
    expect(sticky(pr)).toContain('@ceo-amodei, @both-hats');
    const c = await say(pr.number, 'rso-kaplan', '/rso approve');
    expect(reactionsOn(c.id)).toEqual(['+1']);
    expect(check(pr)).toMatchObject({ status: 'in_progress', conclusion: null });
    expect(check(pr).output.title).toBe(`Waiting for sign-off of ${pr.head.slice(0, 7)}: ceo`);
    expect(sticky(pr)).toMatch(
      new RegExp(
        `\\| rso \\(nova-2 at ASL-3\\) \\| [^|]+ \\| ✅ @rso-kaplan for \`${pr.head.slice(0, 7)}\` \\(\\[comment\\]\\([^)]*#issuecomment-${c.id}\\)\\) \\| — \\|`,
      ),
    );
    expect(sticky(pr)).toContain(`| an approval: \`/signoff approve ceo ${pr.head.slice(0, 7)}\` |`);
  });

  it('both roles by two people -> success, and the check is the audit record per role', async () => {
    const pr = await open();
    const r = await say(pr.number, 'rso-kaplan', `/signoff approve rso ${pr.head.slice(0, 7)}`);
    const c = await say(pr.number, 'ceo-amodei', '/signoff approve');
    expect(reactionsOn(c.id)).toEqual(['+1']);
    const run = check(pr);
    expect(run).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(run.output.title).toBe(`Signed off for ${pr.head.slice(0, 7)} by @ceo-amodei (ceo), @rso-kaplan (rso)`);
    expect(run.output.summary).toContain(
      `| ceo | nova-2 at ASL-3 | approved | @ceo-amodei (user id ${gh.user('ceo-amodei').id}) |`,
    );
    expect(run.output.summary).toContain(`| \`${pr.head}\` |`);
    expect(run.output.summary).toContain(`#issuecomment-${c.id}`);
    expect(run.output.summary).toContain(`#issuecomment-${r.id}`);
    expect(sticky(pr)).toContain('✅ Signed off for');
  });

  it('one person holding both roles: the second approval leaves the check waiting, and the reply says why', async () => {
    const pr = await open();
    const both = await say(pr.number, 'both-hats', '/signoff approve');
    expect(replyTo(both.id)).toMatch(/@both-hats holds `ceo`, `rso`, each still open for this head: say which/);
    await say(pr.number, 'both-hats', '/signoff approve rso');
    expect(check(pr).output.title).toBe(`Waiting for sign-off of ${pr.head.slice(0, 7)}: ceo`);
    const again = await say(pr.number, 'both-hats', '/signoff approve ceo');
    expect(reactionsOn(again.id)).toEqual(['-1']);
    expect(replyTo(again.id)).toMatch(
      /@both-hats already signed off [0-9a-f]{7} as rso; one person fills one role \(two-person rule\), so ceo still needs someone else/,
    );
    // Naming the full SHA, which is replayed from the comments, does not count either.
    await say(pr.number, 'both-hats', `/signoff approve ceo ${pr.head}`);
    expect(check(pr)).toMatchObject({ status: 'in_progress', conclusion: null });
    // Someone else for the CEO role completes it.
    await say(pr.number, 'ceo-amodei', '/signoff approve ceo');
    expect(check(pr)).toMatchObject({ conclusion: 'success' });
  });

  it('a team member for one role and a user id for the other', async () => {
    const pr = await open();
    await say(pr.number, 'rso-deputy', '/signoff approve');
    await say(pr.number, 'ceo-amodei', `/signoff approve ceo ${pr.head.slice(0, 9)}`);
    expect(check(pr)).toMatchObject({ conclusion: 'success' });
    expect(check(pr).output.summary).toContain('@rso-deputy');
  });

  it('a rejection by either role is a failure; revoke lifts it', async () => {
    for (const [who, role] of [
      ['ceo-amodei', 'ceo'],
      ['rso-kaplan', 'rso'],
    ] as const) {
      const pr = await open();
      await say(
        pr.number,
        role === 'ceo' ? 'rso-kaplan' : 'ceo-amodei',
        `/signoff approve ${role === 'ceo' ? 'rso' : 'ceo'}`,
      );
      await say(pr.number, who, `/signoff reject ${role} The uplift trial is missing.`);
      expect(check(pr)).toMatchObject({ conclusion: 'failure' });
      expect(check(pr).output.title).toBe(`Rejected by @${who} as ${role}`);
      expect(check(pr).output.summary).toContain('rejected: The uplift trial is missing.');
      // Without ROLE, a reason's first word that is no role stays the reason's.
      const plain = await say(pr.number, who, '/signoff reject Still missing.');
      expect(reactionsOn(plain.id)).toEqual(['+1']);
      await say(pr.number, who, `/signoff revoke ${role}`);
      expect(check(pr)).toMatchObject({ status: 'in_progress', conclusion: null });
    }
  });

  it('revoke: an approval withdrawn puts the check back to waiting for that role', async () => {
    const pr = await open();
    await say(pr.number, 'rso-kaplan', '/rso approve');
    await say(pr.number, 'ceo-amodei', '/signoff approve ceo');
    expect(check(pr)).toMatchObject({ conclusion: 'success' });
    await say(pr.number, 'ceo-amodei', '/signoff revoke');
    expect(check(pr)).toMatchObject({ status: 'in_progress', conclusion: null });
    expect(check(pr).output.title).toBe(`Waiting for sign-off of ${pr.head.slice(0, 7)}: ceo`);
    expect(sticky(pr)).toContain('— (revoked by @ceo-amodei)');
    const st = await say(pr.number, 'dev-bob', '/signoff status');
    expect(replyTo(st.id)).toContain('**waiting** (ceo waiting, rso approved by @rso-kaplan)');
  });

  it('each role excludes the author and the pushers; a non-holder is told their roles', async () => {
    const pr = await open('nova-2', { author: 'ceo-amodei' });
    const c = await say(pr.number, 'ceo-amodei', '/signoff approve ceo');
    expect(replyTo(c.id)).toMatch(
      /@ceo-amodei opened this pull request; the ceo approving a release must not be its author/,
    );
    const bob = await say(pr.number, 'dev-bob', '/signoff approve ceo');
    expect(replyTo(bob.id)).toMatch(/@dev-bob does not hold the ceo role/);
    const none = await say(pr.number, 'dev-bob', '/signoff approve');
    expect(replyTo(none.id)).toMatch(/@dev-bob holds no sign-off role/);
    expect(check(pr)).toMatchObject({ status: 'in_progress' });
  });

  it('an ASL-2 release needs only the RSO; a role not required is refused', async () => {
    const pr = await open('haiku-mini');
    expect(check(pr).output.title).toBe(`Waiting for sign-off of ${pr.head.slice(0, 7)}: rso`);
    const c = await say(pr.number, 'ceo-amodei', '/signoff approve ceo');
    expect(replyTo(c.id)).toMatch(/the ceo role's sign-off is not required for [0-9a-f]{7} \(required: rso\)/);
    await say(pr.number, 'rso-deputy', '/rso approve');
    expect(check(pr)).toMatchObject({ conclusion: 'success' });
  });

  it('a PR that changes the gate config needs the roles of signoff.changes', async () => {
    const files = {
      '.github/asl-gate.yml': SIGNOFF.replace('allow_author: false', 'allow_author: true'),
      'README.md': '# models\n',
    };
    const pr = await open('', { files, changed: [{ filename: '.github/asl-gate.yml', status: 'modified' }] });
    expect(check(pr).output.title).toBe(`Waiting for sign-off of ${pr.head.slice(0, 7)}: ceo, rso`);
    expect(sticky(pr)).toContain('config or pack change');
  });

  it('a config that drops a role the pack demands is a configuration error at its line', async () => {
    const n = next++;
    const files = exampleRepo('nova-2');
    const pr = gh.openPull(n, 'dev-alice', BROKEN, sha(n), files, releaseChanges(files));
    // The App fails the delivery (and logs one line) after setting the check to failure.
    expect(await deliver(bot, 'pull_request', pullRequestEvent(gh, pr))).toBe(500);
    const run = check(pr);
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(run.output.title).toBe('The gate configuration on the base branch is broken');
    expect(run.output.summary).toMatch(
      /\.github\/asl-gate\.yml:10 schema\.invalid: signoff\.require\[1\]\.roles: the rule for ASL-3 lacks "ceo": the pack anthropic-rsp-2\.2 demands "ceo" from ASL-3/,
    );
  });
});

describe('without signoff: (today)', () => {
  it("only the RSO is required; the sticky lists the pack's CEO as not configured", async () => {
    const pr = await open('nova-2', { base: PLAIN });
    expect(check(pr).output.title).toBe(`Waiting for RSO approval of ${pr.head.slice(0, 7)}`);
    expect(sticky(pr)).toContain('| ceo | not configured | — |');
    // /signoff approve is /rso approve when rso is the only role.
    await say(pr.number, 'rso-kaplan', '/signoff approve');
    expect(check(pr)).toMatchObject({ conclusion: 'success' });
    expect(check(pr).output.title).toBe(`Approved by @rso-kaplan for ${pr.head.slice(0, 7)}`);
  });

  it('a /signoff command for a role that is not configured is refused', async () => {
    const pr = await open('nova-2', { base: PLAIN });
    const c = await say(pr.number, 'rso-kaplan', '/signoff approve ceo');
    expect(replyTo(c.id)).toMatch(/there is no ceo role here/);
    expect(check(pr)).toMatchObject({ status: 'in_progress' });
  });
});
