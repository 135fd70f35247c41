// Issue 13's attacks on the RSO approval binding, each as it was tried: against the real server
// (`npm start`'s command) with the loopback stand-in as GitHub. Each test asserts what must hold.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentEvent, deliver, pullRequestEvent, startBot, type BotProcess, releaseChanges } from '../helpers/bot.js';
import { edit, exampleRepo, ROOT } from '../helpers/repo.js';
import { GitHubStandIn, type Pull, type PullFile, type TreeFiles } from '../standin/github.js';

const MAIN = 'b'.repeat(40);
const WEAK = 'd'.repeat(40);
/** main with nova-2 already released, its stress-test review kept outside the release folder. */
const MAIN_NOVA = '9'.repeat(40);
const config = exampleRepo()['.github/asl-gate.yml'];
const novaShared = (() => {
  const files = edit(
    exampleRepo('nova-2'),
    'releases/nova-2/asl.yml',
    'evidence: reviews/stress-test.md',
    'evidence: ../../evals/stress-test.md',
  );
  files['evals/stress-test.md'] = files['releases/nova-2/reviews/stress-test.md']!;
  delete files['releases/nova-2/reviews/stress-test.md'];
  return files;
})();

let gh: GitHubStandIn;
let bot: BotProcess;
let next = 300;

beforeAll(async () => {
  gh = new GitHubStandIn();
  await gh.start();
  gh.commits.set(MAIN, { '.github/asl-gate.yml': config, 'README.md': '# models\n' });
  // A weaker base: its policy asks the RSO only from ASL-4.
  gh.commits.set(WEAK, {
    '.github/asl-gate.yml': config.replace('from_level: ASL-3', 'from_level: ASL-4'),
    'README.md': '# models\n',
  });
  gh.commits.set(MAIN_NOVA, { ...novaShared, 'README.md': '# models\n' });
  gh.user('rso-kaplan');
  bot = await startBot(gh);
});
afterAll(async () => {
  await bot?.stop();
  await gh?.stop();
});

/** A commit SHA that starts with `prefix` (how a ground commit looks to the App). */
const crafted = (prefix: string, fill: string) => prefix.padEnd(40, fill);
const uniq = (n: number, v = 0) => `${n.toString(16).padStart(4, '0')}${v}`.padEnd(40, '7');
const nova = () => exampleRepo('nova-2');

async function open(
  opts: {
    head?: string;
    base?: string;
    baseRef?: string;
    files?: TreeFiles;
    changed?: PullFile[];
    author?: string;
  } = {},
): Promise<Pull> {
  const n = next++;
  const files = opts.files ?? nova();
  const pr = gh.openPull(
    n,
    opts.author ?? 'dev-alice',
    opts.base ?? MAIN,
    opts.head ?? uniq(n),
    files,
    opts.changed ?? releaseChanges(files),
    opts.baseRef ?? 'main',
  );
  expect(await deliver(bot, 'pull_request', pullRequestEvent(gh, pr))).toBe(200);
  return pr;
}

async function push(
  pr: Pull,
  sha: string,
  files: TreeFiles = { ...nova(), 'releases/nova-2/reports/extra.md': `# ${sha}\n` },
) {
  gh.push(pr.number, sha, files, 'dev-alice');
  expect(await deliver(bot, 'pull_request', pullRequestEvent(gh, pr, 'synchronize'))).toBe(200);
}

async function say(n: number, login: string, body: string) {
  const c = gh.comment(n, login, body);
  expect(await deliver(bot, 'issue_comment', commentEvent(gh, c))).toBe(200);
  return c;
}

const check = (sha: string, base = 'main') => gh.latestCheck(sha, `RSO approval: ${base}`);
const replyTo = (id: number) => gh.comments.find((c) => c.body.includes(`<!-- asl-gate:reply:${id} -->`))?.body ?? '';

describe('1. short-SHA carry-over', () => {
  for (const digits of [7, 8, 12]) {
    it(`an approval of ${digits} hex digits never carries over to a pushed commit that shares them`, async () => {
      const prefix = 'abc1234def5678'.slice(0, digits);
      const pr = await open({ head: crafted(prefix, '1') });
      await say(pr.number, 'rso-kaplan', `/rso approve ${prefix}`);
      expect(check(pr.head)).toMatchObject({ conclusion: 'success' });
      const approved = pr.head;
      await push(pr, crafted(prefix, '2'));
      expect(pr.head.startsWith(prefix) && pr.head !== approved).toBe(true);
      expect(check(pr.head)).toMatchObject({ status: 'in_progress', conclusion: null });
      // Any later event replays the same: still not approved.
      await deliver(bot, 'pull_request', pullRequestEvent(gh, pr, 'reopened'));
      expect(check(pr.head)?.conclusion).not.toBe('success');
    });
  }

  it('a short SHA typed for the old head, handled after the look-alike was pushed, is refused', async () => {
    const pr = await open({ head: crafted('feed123', '1') });
    const c = gh.comment(pr.number, 'rso-kaplan', '/rso approve feed123');
    await push(pr, crafted('feed123', '2'));
    await deliver(bot, 'issue_comment', commentEvent(gh, c));
    expect(check(pr.head)).toMatchObject({ status: 'in_progress' });
    expect(replyTo(c.id)).toMatch(/cannot tell which commit was the head/);
  });

  it('…and so it is when the App handles the comment before it has seen the push (reordered webhooks)', async () => {
    const pr = await open({ head: crafted('beef123', '1') });
    const c = gh.comment(pr.number, 'rso-kaplan', '/rso approve beef123');
    gh.push(pr.number, crafted('beef123', '2'), { ...nova(), 'releases/nova-2/reports/x.md': '#\n' }, 'dev-alice');
    await deliver(bot, 'issue_comment', commentEvent(gh, c));
    await deliver(bot, 'pull_request', pullRequestEvent(gh, pr, 'synchronize'));
    expect(check(pr.head)?.conclusion).not.toBe('success');
  });

  it('a redelivered approval after a push does not bind to the new head', async () => {
    const pr = await open();
    const c = await say(pr.number, 'rso-kaplan', '/rso approve');
    expect(check(pr.head)).toMatchObject({ conclusion: 'success' });
    await push(pr, uniq(pr.number, 1));
    await deliver(bot, 'issue_comment', commentEvent(gh, c));
    expect(check(pr.head)).toMatchObject({ status: 'in_progress' });
  });
});

describe('2. force-push back', () => {
  it('A, push B, the RSO approves B, force-push back to A: A is not approved', async () => {
    const pr = await open();
    const a = pr.head;
    const aFiles = gh.commits.get(a)!;
    await push(pr, uniq(pr.number, 1));
    await say(pr.number, 'rso-kaplan', '/rso approve');
    expect(check(pr.head)).toMatchObject({ conclusion: 'success' });
    await push(pr, a, aFiles);
    expect(pr.head).toBe(a);
    expect(check(a)).toMatchObject({ status: 'in_progress', conclusion: null });
  });

  it('an approval written for B but handled after the force-push back to A binds to nothing', async () => {
    const pr = await open();
    const a = pr.head;
    const aFiles = gh.commits.get(a)!;
    await push(pr, uniq(pr.number, 1));
    const c = gh.comment(pr.number, 'rso-kaplan', '/rso approve');
    await push(pr, a, aFiles);
    await deliver(bot, 'issue_comment', commentEvent(gh, c));
    expect(check(a)).toMatchObject({ status: 'in_progress' });
    // Even before the App sees the force-push: its sticky comment was last drawn for B.
    const pr2 = await open();
    const a2 = pr2.head;
    await push(pr2, uniq(pr2.number, 1));
    const c2 = gh.comment(pr2.number, 'rso-kaplan', '/rso approve');
    gh.push(pr2.number, a2, gh.commits.get(a2)!, 'dev-alice');
    await deliver(bot, 'issue_comment', commentEvent(gh, c2));
    expect(check(a2)?.conclusion).not.toBe('success');
  });

  it('a commit the branch returns to keeps the approval that was bound to it', async () => {
    const pr = await open();
    const a = pr.head;
    const aFiles = gh.commits.get(a)!;
    await say(pr.number, 'rso-kaplan', `/rso approve ${a.slice(0, 7)}`);
    await push(pr, uniq(pr.number, 1));
    expect(check(pr.head)).toMatchObject({ status: 'in_progress' });
    await push(pr, a, aFiles);
    expect(check(a)).toMatchObject({ conclusion: 'success' });
  });

  it('force-push to a commit from another branch approved for another base: not approved here', async () => {
    const x = uniq(next + 1000);
    const other = await open({ head: x, base: WEAK, baseRef: 'release-2' });
    await say(other.number, 'rso-kaplan', '/rso approve');
    expect(check(x, 'release-2')).toMatchObject({ conclusion: 'success' });
    const pr = await open();
    await push(pr, x, gh.commits.get(x));
    expect(check(x, 'main')).toMatchObject({ status: 'in_progress' });
    expect(check(x, 'release-2')).toMatchObject({ conclusion: 'success' });
  });

  it("force-push to a commit approved in another PR into the same base: this PR's comments never approved it", async () => {
    const x = uniq(next + 2000);
    const other = await open({ head: x });
    await say(other.number, 'rso-kaplan', '/rso approve');
    expect(check(x)).toMatchObject({ conclusion: 'success' });
    const pr = await open();
    await push(pr, x, gh.commits.get(x));
    // One check per (commit, base): judged for this PR it is not approved (the other PR is re-asked).
    expect(check(x)?.conclusion).not.toBe('success');
  });
});

describe('3. same head, weaker base', () => {
  it("a second PR with the same head into a weaker base never changes main's check", async () => {
    const pr = await open();
    expect(check(pr.head)).toMatchObject({ status: 'in_progress' });
    const twin = gh.openPull(
      next++,
      'dev-alice',
      WEAK,
      pr.head,
      gh.commits.get(pr.head)!,
      releaseChanges(nova()),
      'weak',
    );
    await deliver(bot, 'pull_request', pullRequestEvent(gh, twin));
    expect(check(pr.head, 'weak')).toMatchObject({ conclusion: 'success' });
    expect(check(pr.head, 'weak')!.output.title).toBe('RSO approval not required');
    expect(check(pr.head)).toMatchObject({ status: 'in_progress', conclusion: null });
  });

  it('…nor does one whose base already holds the release (its diff touches no release)', async () => {
    const pr = await open({
      base: MAIN,
      files: { ...novaShared, 'README.md': '# models\n' },
      changed: releaseChanges(novaShared),
    });
    const twin = gh.openPull(next++, 'dev-alice', MAIN_NOVA, pr.head, gh.commits.get(pr.head)!, [], 'release-nova');
    await deliver(bot, 'pull_request', pullRequestEvent(gh, twin));
    expect(check(pr.head, 'release-nova')).toMatchObject({ conclusion: 'success' });
    expect(check(pr.head, 'release-nova')!.output.title).toBe('Not a release');
    expect(check(pr.head)).toMatchObject({ status: 'in_progress' });
  });

  it("the example workflow names the Action's check after the base too", () => {
    const workflow = readFileSync(join(ROOT, 'examples/workflows/asl-gate.yml'), 'utf8');
    expect(workflow).toContain("name: 'ASL gate: ${{ github.base_ref || github.ref_name }}'");
  });
});

describe('4. retarget', () => {
  it('weak -> main: the retarget re-decides for main', async () => {
    const pr = await open({ base: WEAK, baseRef: 'weak' });
    expect(check(pr.head, 'weak')).toMatchObject({ conclusion: 'success' });
    const changes = { base: gh.retarget(pr.number, MAIN, 'main') };
    expect(await deliver(bot, 'pull_request', pullRequestEvent(gh, pr, 'edited', changes))).toBe(200);
    expect(check(pr.head)).toMatchObject({ status: 'in_progress' });
    expect(gh.stickyComments(pr.number)).toHaveLength(1);
  });

  it("main -> weak: main's check keeps what it said; weak gets its own", async () => {
    const pr = await open();
    expect(check(pr.head)).toMatchObject({ status: 'in_progress' });
    const changes = { base: gh.retarget(pr.number, WEAK, 'weak') };
    await deliver(bot, 'pull_request', pullRequestEvent(gh, pr, 'edited', changes));
    expect(check(pr.head, 'weak')).toMatchObject({ conclusion: 'success' });
    expect(check(pr.head)).toMatchObject({ status: 'in_progress', conclusion: null });
    // An approval while on weak is bound to (head, weak) only: back on main, it is still waiting.
    await say(pr.number, 'rso-kaplan', '/rso approve');
    await deliver(
      bot,
      'pull_request',
      pullRequestEvent(gh, pr, 'edited', { base: gh.retarget(pr.number, MAIN, 'main') }),
    );
    expect(check(pr.head)).toMatchObject({ status: 'in_progress' });
  });

  it('an edit of the title changes nothing', async () => {
    const pr = await open();
    const before = gh.requests.length;
    await deliver(bot, 'pull_request', pullRequestEvent(gh, pr, 'edited', { title: { from: 'old' } }));
    expect(gh.requests.length).toBe(before);
  });
});

describe('5. rejections that cannot be erased', () => {
  it('approve, reject, then the reject comment is deleted or edited: still rejected; only revoke lifts it', async () => {
    const pr = await open();
    await say(pr.number, 'rso-kaplan', '/rso approve');
    const r = await say(pr.number, 'rso-kaplan', '/rso reject The uplift trial is missing.');
    expect(check(pr.head)).toMatchObject({ conclusion: 'failure' });
    // Someone with write access edits it, then deletes it; the next events replay everything.
    r.body = 'nothing to see';
    r.updated_at = gh.now();
    await deliver(bot, 'pull_request', pullRequestEvent(gh, pr, 'reopened'));
    expect(check(pr.head)).toMatchObject({ conclusion: 'failure' });
    gh.comments.splice(gh.comments.indexOf(r), 1);
    await say(pr.number, 'dev-bob', '/rso status');
    expect(check(pr.head)).toMatchObject({ conclusion: 'failure' });
    expect(check(pr.head)!.output.summary).toContain('The uplift trial is missing.');
    // A non-RSO's revoke is refused; the RSO's lifts it.
    const bob = await say(pr.number, 'dev-bob', '/rso revoke');
    expect(replyTo(bob.id)).toMatch(/not a Responsible Scaling Officer/);
    expect(check(pr.head)).toMatchObject({ conclusion: 'failure' });
    await say(pr.number, 'rso-kaplan', '/rso revoke');
    expect(check(pr.head)).toMatchObject({ status: 'in_progress' });
  });

  it('a new head starts without the rejection', async () => {
    const pr = await open();
    await say(pr.number, 'rso-kaplan', '/rso reject not yet');
    await push(pr, uniq(pr.number, 1));
    expect(check(pr.head)).toMatchObject({ status: 'in_progress' });
  });

  it('two replicas recording an approval and a rejection at once keep both: rejected', async () => {
    const other = await startBot(gh);
    try {
      const pr = await open();
      const a = gh.comment(pr.number, 'rso-kaplan', '/rso approve');
      const r = gh.comment(pr.number, 'rso-kaplan', '/rso reject wait');
      await Promise.all([
        deliver(bot, 'issue_comment', commentEvent(gh, a)),
        deliver(other, 'issue_comment', commentEvent(gh, r)),
      ]);
      await deliver(bot, 'pull_request', pullRequestEvent(gh, pr, 'ready_for_review'));
      expect(check(pr.head)).toMatchObject({ conclusion: 'failure' });
      expect(gh.stickyComments(pr.number)).toHaveLength(1);
    } finally {
      await other.stop();
    }
  });
});

describe('6. removed and renamed files', () => {
  it('deleting the gate config needs the RSO', async () => {
    const pr = await open({
      base: MAIN,
      files: { 'README.md': '# models\n' },
      changed: [{ filename: '.github/asl-gate.yml', status: 'removed' }],
    });
    expect(check(pr.head)).toMatchObject({ status: 'in_progress' });
    expect(check(pr.head)!.output.title).not.toBe('Not a release');
  });

  it('renaming it away needs the RSO', async () => {
    const pr = await open({
      base: MAIN,
      files: { 'docs/old-gate.yml': config, 'README.md': '# models\n' },
      changed: [{ filename: 'docs/old-gate.yml', status: 'renamed', previous_filename: '.github/asl-gate.yml' }],
    });
    expect(check(pr.head)).toMatchObject({ status: 'in_progress' });
  });

  it('deleting the config in a PR that also changes a release: the RSO, and the sticky says so', async () => {
    const files = nova();
    delete files['.github/asl-gate.yml'];
    const pr = await open({
      files,
      changed: [...releaseChanges(files), { filename: '.github/asl-gate.yml', status: 'removed' }],
    });
    expect(check(pr.head)).toMatchObject({ status: 'in_progress' });
    expect(gh.stickyComments(pr.number)[0].body).toContain('also changes the gate configuration or a pack');
  });

  it("deleting a release's review receipt is a release change, and the gate fails on it", async () => {
    const files: TreeFiles = { ...gh.commits.get(MAIN_NOVA)! };
    delete files['releases/nova-2/reviews/us-aisi-receipt.md'];
    const pr = await open({
      base: MAIN_NOVA,
      files,
      changed: [{ filename: 'releases/nova-2/reviews/us-aisi-receipt.md', status: 'removed' }],
    });
    expect(check(pr.head)).toMatchObject({ conclusion: 'failure' });
    expect(check(pr.head)!.output.summary).toContain('reference.missing');
  });

  it('renaming a report out of the release folder touches the release', async () => {
    const files: TreeFiles = { ...gh.commits.get(MAIN_NOVA)! };
    files['archive/capability.md'] = files['releases/nova-2/reports/capability.md']!;
    delete files['releases/nova-2/reports/capability.md'];
    const pr = await open({
      base: MAIN_NOVA,
      files,
      changed: [
        {
          filename: 'archive/capability.md',
          status: 'renamed',
          previous_filename: 'releases/nova-2/reports/capability.md',
        },
      ],
    });
    expect(check(pr.head)).toMatchObject({ conclusion: 'failure' });
  });
});

describe('7. cited files outside release folders', () => {
  it('changing evals/stress-test.md, which an ASL-3 release cites, needs the RSO', async () => {
    const files = { ...gh.commits.get(MAIN_NOVA)!, 'evals/stress-test.md': '# Stress test, rewritten\n' };
    const pr = await open({
      base: MAIN_NOVA,
      files,
      changed: [{ filename: 'evals/stress-test.md', status: 'modified' }],
    });
    expect(check(pr.head)).toMatchObject({ status: 'in_progress' });
    expect(gh.stickyComments(pr.number)[0].body).toContain('| nova-2 |');
  });
});

describe('8. commits GitHub does not list', () => {
  it('an RSO whose commit is number 261 cannot approve, and the reply says why', async () => {
    const pr = await open();
    for (let i = 2; i <= 260; i++)
      pr.commits.push({ sha: uniq(pr.number, i), author: 'dev-alice', committer: 'dev-alice' });
    pr.commits.push({ sha: uniq(pr.number, 261), author: 'rso-kaplan', committer: 'rso-kaplan' });
    await deliver(bot, 'pull_request', pullRequestEvent(gh, pr, 'synchronize'));
    const c = await say(pr.number, 'rso-kaplan', `/rso approve ${pr.head}`);
    expect(check(pr.head)).toMatchObject({ status: 'in_progress' });
    expect(replyTo(c.id)).toMatch(/261 commits and GitHub lists only the first 250/);
    expect(check(pr.head)!.output.summary).toMatch(/No approval counts/);
  });
});

describe('9. a hostile file', () => {
  it('judging runs in a worker with a time budget: past it the gate fails closed, and the App still answers', async () => {
    // A 1 ms budget stands in for a file that takes too long (bench/bot.mjs measures the real one).
    const strict = await startBot(gh, { ASL_GATE_JUDGE_TIMEOUT_MS: '1' });
    try {
      const n = next++;
      const files = nova();
      const pr = gh.openPull(n, 'dev-alice', MAIN, uniq(n), files, releaseChanges(files));
      expect(await deliver(strict, 'pull_request', pullRequestEvent(gh, pr))).toBe(200);
      expect(check(pr.head)).toMatchObject({ status: 'completed', conclusion: 'failure' });
      expect(check(pr.head)!.output.summary).toMatch(/took longer than .* to read and judge; the gate fails closed/);
      expect((await fetch(`${strict.url}/ping`)).status).toBe(200);
    } finally {
      await strict.stop();
    }
  });

  it('a file that needs more memory than a worker has fails the gate closed; the next release is judged as usual', async () => {
    // One 250 KiB mapping of short unique keys: parsing it peaks near 30 MB, past a 16 MB worker
    // heap, while an ordinary release fits in it (the default is 256 MB).
    const HEAP_MB = 16;
    const small = await startBot(gh, { ASL_GATE_JUDGE_HEAP_MB: String(HEAP_MB) });
    try {
      let dense = 'id: x\nkind: comprehensive\n';
      for (let i = 0; dense.length < 250 * 1024; i++) dense += `k${i}: 1\n`;
      const files = edit(
        nova(),
        'releases/nova-2/asl.yml',
        'assessments:\n',
        'assessments:\n  - assessments/dense.yml\n',
      );
      files['releases/nova-2/assessments/dense.yml'] = dense;
      const n = next++;
      const pr = gh.openPull(n, 'dev-alice', MAIN, uniq(n), files, releaseChanges(files));
      expect(await deliver(small, 'pull_request', pullRequestEvent(gh, pr))).toBe(200);
      expect(check(pr.head)).toMatchObject({ status: 'completed', conclusion: 'failure' });
      expect(check(pr.head)!.output.summary).toContain(
        `needed more than ${HEAP_MB} MB of memory to read and judge; the gate fails closed`,
      );
      expect((await fetch(`${small.url}/ping`)).status).toBe(200);

      // The worker that ran out was ended; a new one judges the next release in full.
      const m = next++;
      const ordinary = gh.openPull(m, 'dev-alice', MAIN, uniq(m), nova(), releaseChanges(nova()));
      expect(await deliver(small, 'pull_request', pullRequestEvent(gh, ordinary))).toBe(200);
      expect(check(ordinary.head)).toMatchObject({ status: 'in_progress' });
      expect(check(ordinary.head)!.output.summary).not.toMatch(/memory/);
    } finally {
      await small.stop();
    }
  });
});
