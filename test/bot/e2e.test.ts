// The RSO approval App as a real server (`npm start`'s command), signed webhooks over HTTP, the
// loopback GitHub stand-in as GitHub (GHE_HOST/GHE_PROTOCOL). Assertions read what GitHub would show.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commentEvent, deliver, pullRequestEvent, startBot, type BotProcess } from '../helpers/bot.js';
import { edit, exampleRepo } from '../helpers/repo.js';
import { GitHubStandIn, type PullFile } from '../standin/github.js';
import { webhook } from '../helpers/webhooks.js';

const BASE = 'b'.repeat(40);
let gh: GitHubStandIn;
let bot: BotProcess;
let next = 100;

beforeAll(async () => {
  gh = new GitHubStandIn();
  await gh.start();
  gh.commits.set(BASE, { '.github/asl-gate.yml': exampleRepo()['.github/asl-gate.yml'], 'README.md': '# models\n' });
  gh.user('rso-kaplan');
  gh.teams.set('responsible-scaling', new Set(['rso-deputy']));
  bot = await startBot(gh);
});
afterAll(async () => {
  await bot.stop();
  await gh.stop();
});
afterEach(() => {
  gh.faults.length = 0;
});

const sha = (n: number, v = 0) => `${n.toString(16).padStart(4, '0')}${v}`.padEnd(40, 'e');
const changedOf = (files: Record<string, string>): PullFile[] =>
  Object.keys(files)
    .filter((p) => p.startsWith('releases/'))
    .map((filename) => ({ filename, status: 'added' }));

/** Open a PR with these release files and deliver pull_request.opened. */
async function openRelease(release: string, author = 'dev-alice', files = exampleRepo(release)) {
  const n = next++;
  const pr = gh.openPull(n, author, BASE, sha(n), files, changedOf(files));
  expect(await deliver(bot, 'pull_request', pullRequestEvent(gh, pr))).toBe(200);
  return pr;
}

async function say(n: number, login: string, body: string) {
  const c = gh.comment(n, login, body);
  expect(await deliver(bot, 'issue_comment', commentEvent(gh, c))).toBe(200);
  return c;
}

const reactionsOn = (id: number) => gh.reactions.filter((r) => r.comment === id).map((r) => r.content);
const repliesTo = (id: number) => gh.comments.filter((c) => c.body.includes(`<!-- asl-gate:reply:${id} -->`));

describe('RSO approval App (end to end)', () => {
  it('happy path: asks the RSO, takes /rso approve, concludes success with an audit record', async () => {
    const pr = await openRelease('nova-2');
    const waiting = gh.latestCheck(pr.head)!;
    expect(waiting).toMatchObject({ status: 'in_progress', conclusion: null, app_id: gh.app.id });
    expect(waiting.output.title).toBe(`Waiting for RSO approval of ${pr.head.slice(0, 7)}`);
    const sticky = gh.stickyComments(pr.number);
    expect(sticky).toHaveLength(1);
    expect(sticky[0].body).toContain('@rso-kaplan @lab/responsible-scaling');
    expect(sticky[0].body).toContain(`/rso approve ${pr.head.slice(0, 7)}`);
    expect(sticky[0].body).toContain('| nova-2 | deployment ASL-3, security ASL-3 | ✅ pass |');

    const c = await say(pr.number, 'rso-kaplan', 'Looked at the capability report.\n/rso approve');
    const done = gh.latestCheck(pr.head)!;
    expect(done).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(done.output.title).toBe(`Approved by @rso-kaplan for ${pr.head.slice(0, 7)}`);
    expect(done.output.summary).toContain(`| Commit | \`${pr.head}\` |`);
    expect(done.output.summary).toContain(`#issuecomment-${c.id}`);
    expect(done.output.summary).toContain(`(user id ${gh.user('rso-kaplan').id})`);
    expect(reactionsOn(c.id)).toEqual(['+1']);
    expect(gh.stickyComments(pr.number)).toHaveLength(1);
    expect(gh.stickyComments(pr.number)[0].body).toContain('✅ Approved by @rso-kaplan');
  });

  it('an active member of an RSO team may approve, naming the SHA', async () => {
    const pr = await openRelease('nova-2');
    await say(pr.number, 'rso-deputy', `/rso approve ${pr.head.slice(0, 10)}`);
    expect(gh.latestCheck(pr.head)).toMatchObject({ conclusion: 'success' });
  });

  it('a non-RSO is refused with a reply saying why', async () => {
    const pr = await openRelease('nova-2');
    const c = await say(pr.number, 'dev-bob', '/rso approve');
    expect(reactionsOn(c.id)).toEqual(['-1']);
    expect(repliesTo(c.id)[0].body).toMatch(/@dev-bob is not a Responsible Scaling Officer/);
    expect(gh.latestCheck(pr.head)).toMatchObject({ status: 'in_progress' });
  });

  it('an RSO who authored the PR is refused', async () => {
    const pr = await openRelease('nova-2', 'rso-kaplan');
    const c = await say(pr.number, 'rso-kaplan', '/rso approve');
    expect(repliesTo(c.id)[0].body).toMatch(/opened this pull request/);
    expect(gh.latestCheck(pr.head)).toMatchObject({ status: 'in_progress' });
  });

  it('an RSO who pushed commits to the PR is refused', async () => {
    const pr = await openRelease('nova-2');
    const files = { ...exampleRepo('nova-2'), 'releases/nova-2/reports/extra.md': '# more\n' };
    gh.push(pr.number, sha(pr.number, 1), files, 'rso-kaplan');
    await deliver(bot, 'pull_request', pullRequestEvent(gh, pr, 'synchronize'));
    const c = await say(pr.number, 'rso-kaplan', '/rso approve');
    expect(repliesTo(c.id)[0].body).toMatch(/authored or committed commits/);
    expect(gh.latestCheck(pr.head)).toMatchObject({ status: 'in_progress' });
  });

  it('an edited comment is ignored, and so is a command it gained by editing', async () => {
    const pr = await openRelease('nova-2');
    const c = gh.comment(pr.number, 'rso-kaplan', 'thinking about it');
    c.body = '/rso approve';
    c.updated_at = gh.now();
    const before = gh.requests.length;
    expect(await deliver(bot, 'issue_comment', commentEvent(gh, c, 'edited'))).toBe(200);
    expect(gh.requests.length).toBe(before);
    // A later event rebuilds from all comments: the edited one still does not count.
    await deliver(bot, 'pull_request', pullRequestEvent(gh, pr, 'reopened'));
    expect(gh.latestCheck(pr.head)).toMatchObject({ status: 'in_progress' });
  });

  it('a quoted or fenced command is ignored without a single API call', async () => {
    const pr = await openRelease('nova-2');
    const before = gh.requests.length;
    await say(pr.number, 'rso-kaplan', '> /rso approve\n\n```\n/rso approve\n```\nPlease type the above when ready.');
    expect(gh.requests.length).toBe(before);
    expect(gh.latestCheck(pr.head)).toMatchObject({ status: 'in_progress' });
  });

  it('approve then push: the new head is in_progress and the sticky asks again', async () => {
    const pr = await openRelease('nova-2');
    await say(pr.number, 'rso-kaplan', '/rso approve');
    const first = pr.head;
    expect(gh.latestCheck(first)).toMatchObject({ conclusion: 'success' });
    gh.push(
      pr.number,
      sha(pr.number, 2),
      { ...exampleRepo('nova-2'), 'releases/nova-2/reports/extra.md': '# more\n' },
      'dev-alice',
    );
    await deliver(bot, 'pull_request', pullRequestEvent(gh, pr, 'synchronize'));
    expect(gh.latestCheck(pr.head)).toMatchObject({ status: 'in_progress', conclusion: null });
    expect(gh.latestCheck(first)).toMatchObject({ conclusion: 'success' }); // the old commit keeps its record
    expect(gh.stickyComments(pr.number)).toHaveLength(1);
    expect(gh.stickyComments(pr.number)[0].body).toContain(`/rso approve ${pr.head.slice(0, 7)}`);
  });

  it('a bare approve made before a push does not carry over to the new head', async () => {
    const pr = await openRelease('nova-2');
    const c = gh.comment(pr.number, 'rso-kaplan', '/rso approve');
    // The push lands before the comment's webhook is handled (reordered deliveries).
    gh.push(
      pr.number,
      sha(pr.number, 3),
      { ...exampleRepo('nova-2'), 'releases/nova-2/reports/x.md': '#\n' },
      'dev-alice',
    );
    await deliver(bot, 'issue_comment', commentEvent(gh, c));
    expect(gh.latestCheck(pr.head)).toMatchObject({ status: 'in_progress' });
    expect(repliesTo(c.id)[0].body).toMatch(/cannot tell which commit was the head when this comment was written/);
    expect(repliesTo(c.id)[0].body).toContain(`/rso approve ${pr.head}`);
  });

  it('a bare approve written before the App saw the head does not count; the full SHA of the head does', async () => {
    const pr = await openRelease('nova-2');
    const c = gh.comment(pr.number, 'rso-kaplan', '/rso approve');
    // Written 1 ms after the push, before the App's check run on the head started: GitHub's first
    // sight of a commit says nothing of when it became this PR's head, so the App cannot bind it.
    c.created_at = c.updated_at = new Date(Date.parse(gh.suites.get(pr.head)!) + 1).toISOString();
    await deliver(bot, 'issue_comment', commentEvent(gh, c));
    expect(gh.latestCheck(pr.head)).toMatchObject({ status: 'in_progress' });
    expect(repliesTo(c.id)[0].body).toContain(`/rso approve ${pr.head}`);
    await say(pr.number, 'rso-kaplan', `/rso approve ${pr.head}`);
    expect(gh.latestCheck(pr.head)).toMatchObject({ conclusion: 'success' });
  });

  it('approving a stale SHA is refused', async () => {
    const pr = await openRelease('nova-2');
    const old = pr.head;
    gh.push(
      pr.number,
      sha(pr.number, 4),
      { ...exampleRepo('nova-2'), 'releases/nova-2/reports/x.md': '#\n' },
      'dev-alice',
    );
    await deliver(bot, 'pull_request', pullRequestEvent(gh, pr, 'synchronize'));
    const c = await say(pr.number, 'rso-kaplan', `/rso approve ${old.slice(0, 7)}`);
    expect(repliesTo(c.id)[0].body).toMatch(/is not the head of this pull request/);
    expect(gh.latestCheck(pr.head)).toMatchObject({ status: 'in_progress' });
  });

  it('a failing gate cannot turn green', async () => {
    const pr = await openRelease('orion-1');
    expect(gh.latestCheck(pr.head)).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(gh.latestCheck(pr.head)!.output.summary).toContain('evaluation.late');
    const c = await say(pr.number, 'rso-kaplan', '/rso approve');
    expect(repliesTo(c.id)[0].body).toMatch(/the ASL gate fails/);
    expect(gh.latestCheck(pr.head)).toMatchObject({ conclusion: 'failure' });
  });

  it('acknowledged noncompliance passes the gate but still needs the RSO', async () => {
    const pr = await openRelease('orion-1-ack');
    expect(gh.latestCheck(pr.head)).toMatchObject({ status: 'in_progress' });
    expect(gh.stickyComments(pr.number)[0].body).toContain('Completed 3 days after its due date');
  });

  it('reject concludes failure; revoke returns to in_progress', async () => {
    const pr = await openRelease('nova-2');
    await say(pr.number, 'rso-kaplan', '/rso reject The CBRN report is missing the uplift trial.');
    expect(gh.latestCheck(pr.head)).toMatchObject({ conclusion: 'failure' });
    expect(gh.latestCheck(pr.head)!.output.summary).toContain('The CBRN report is missing the uplift trial.');
    await say(pr.number, 'rso-kaplan', '/rso revoke');
    expect(gh.latestCheck(pr.head)).toMatchObject({ status: 'in_progress', conclusion: null });
  });

  it('/rso status replies with the state; /rso recheck rebuilds', async () => {
    const pr = await openRelease('nova-2');
    const c = await say(pr.number, 'dev-alice', '/rso status');
    expect(repliesTo(c.id)[0].body).toContain('**waiting**');
    await say(pr.number, 'rso-kaplan', '/rso recheck');
    expect(gh.latestCheck(pr.head)).toMatchObject({ status: 'in_progress' });
  });

  it('"Re-run" on the check (check_run.rerequested) rebuilds it', async () => {
    const pr = await openRelease('nova-2');
    await say(pr.number, 'rso-kaplan', '/rso approve');
    const run = gh.latestCheck(pr.head)!;
    run.conclusion = null; // as if someone had tampered with it: a rebuild restores the truth
    run.status = 'queued';
    const event = webhook('check_run', 'rerequested', {
      check_run: {
        id: run.id,
        name: 'RSO approval: main',
        head_sha: pr.head,
        pull_requests: [{ number: pr.number, head: { sha: pr.head }, base: { sha: BASE } }],
      },
      repository: { name: 'models', full_name: 'lab/models', owner: { login: 'lab' } },
      installation: { id: 77 },
    });
    expect(await deliver(bot, 'check_run', event)).toBe(200);
    expect(gh.latestCheck(pr.head)).toMatchObject({ status: 'completed', conclusion: 'success' });
  });

  it("a PR past GitHub's 3,000-file listing fails closed", async () => {
    const n = next++;
    const files = exampleRepo('nova-2');
    const changed: PullFile[] = [
      ...changedOf(files),
      ...Array.from({ length: 3000 }, (_, i) => ({ filename: `data/f${i}.txt`, status: 'added' as const })),
    ];
    const pr = gh.openPull(n, 'dev-alice', BASE, sha(n), files, changed);
    await deliver(bot, 'pull_request', pullRequestEvent(gh, pr));
    expect(gh.latestCheck(pr.head)).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(gh.latestCheck(pr.head)!.output.summary).toContain('more than 3000 files');
  });

  it('a PR that touches no release gets success at once', async () => {
    const n = next++;
    const pr = gh.openPull(n, 'dev-alice', BASE, sha(n), { 'README.md': '# hi\n' }, [
      { filename: 'README.md', status: 'modified' },
    ]);
    await deliver(bot, 'pull_request', pullRequestEvent(gh, pr));
    expect(gh.latestCheck(pr.head)).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(gh.latestCheck(pr.head)!.output.title).toBe('Not a release');
    expect(gh.stickyComments(pr.number)).toEqual([]);
    // An approval there is refused, once, even when the webhook comes twice.
    const c = gh.comment(pr.number, 'rso-kaplan', '/rso approve');
    await deliver(bot, 'issue_comment', commentEvent(gh, c));
    await deliver(bot, 'issue_comment', commentEvent(gh, c));
    expect(reactionsOn(c.id)).toEqual(['-1']);
    expect(repliesTo(c.id)).toHaveLength(1);
    expect(repliesTo(c.id)[0].body).toMatch(/touches no release/);
  });

  it('PRs that touch no release, on one base: its config is read once; each costs one comparison and one check', async () => {
    const costs: string[][] = [];
    for (let i = 0; i < 3; i++) {
      const n = next++;
      const pr = gh.openPull(n, 'dev-alice', BASE, sha(n), { ...gh.commits.get(BASE)!, [`src/f${i}.py`]: 'pass\n' }, [
        { filename: `src/f${i}.py`, status: 'added' },
      ]);
      const before = gh.requests.length;
      await deliver(bot, 'pull_request', pullRequestEvent(gh, pr));
      costs.push(
        gh.requests.slice(before).map((r) => `${r.method} ${r.path.replace(pr.head, 'HEAD').replace(String(n), 'N')}`),
      );
      expect(gh.latestCheck(pr.head)).toMatchObject({ status: 'completed', conclusion: 'success' });
    }
    // No check-runs lookup, comments or commits; the base's config, tree and releases come from
    // memory, and the head is not read: its merge base is the base commit.
    const steady = [`GET /repos/lab/models/compare/${BASE}...HEAD`, 'POST /repos/lab/models/check-runs'];
    expect(costs[1]).toStrictEqual(steady);
    expect(costs[2]).toStrictEqual(steady);
    expect(gh.calls(/contents\/\.github/).length).toBeLessThanOrEqual(1);
  });

  it('an approval costs eight requests, the timeline standing for the comments and the events', async () => {
    const costs: string[][] = [];
    for (let i = 0; i < 2; i++) {
      const pr = await openRelease('nova-2');
      const before = gh.requests.length;
      await say(pr.number, 'rso-kaplan', '/rso approve');
      expect(gh.latestCheck(pr.head)).toMatchObject({ conclusion: 'success' });
      costs.push(
        gh.requests
          .slice(before)
          .map(
            (r) => `${r.method} ${r.path.replace(pr.head, 'HEAD').replace(new RegExp(`/${pr.number}(/|$)`), '/N$1')}`,
          )
          .map((r) => r.replace(/comments\/\d+/, 'comments/ID')),
      );
    }
    // The second: the RSO's login was resolved by the first.
    expect(costs[1]).toStrictEqual([
      'GET /repos/lab/models/pulls/N',
      'GET /repos/lab/models/commits/HEAD/check-runs',
      'GET /repos/lab/models/issues/N/timeline',
      'GET /repos/lab/models/pulls/N/commits',
      'POST /repos/lab/models/check-runs',
      'GET /repos/lab/models/commits/HEAD/check-runs',
      'PATCH /repos/lab/models/issues/comments/ID',
      'POST /repos/lab/models/issues/comments/ID/reactions',
    ]);
  });

  describe('a base branch that moved on since the PR left it', () => {
    // At the merge base the release cites a review kept outside its folder; the base branch has
    // since moved it into the folder. The PR (from the merge base) edits the old file: its head
    // still cites it, so it touches the release (SPEC §4: referenced at the base or at the head).
    const LEFT = 'a1'.repeat(20);
    const MOVED = 'a2'.repeat(20);
    const atLeft = () => {
      const files = exampleRepo('nova-2');
      files['releases/nova-2/asl.yml'] = files['releases/nova-2/asl.yml'].replace(
        'evidence: reviews/stress-test.md',
        'evidence: ../../docs/stress-test.md',
      );
      files['docs/stress-test.md'] = files['releases/nova-2/reviews/stress-test.md'];
      delete files['releases/nova-2/reviews/stress-test.md'];
      return files;
    };
    beforeAll(() => {
      gh.commits.set(LEFT, atLeft());
      gh.commits.set(MOVED, exampleRepo('nova-2'));
    });

    it('a change to a file only the merge base cites touches the release', async () => {
      const n = next++;
      const files = { ...atLeft(), 'docs/stress-test.md': '# Stress test, revised\n' };
      const pr = gh.openPull(n, 'dev-alice', LEFT, sha(n), files, [
        { filename: 'docs/stress-test.md', status: 'modified' },
      ]);
      gh.advanceBase(n, MOVED, exampleRepo('nova-2'));
      await deliver(bot, 'pull_request', pullRequestEvent(gh, pr));
      expect(gh.latestCheck(pr.head)).toMatchObject({ status: 'in_progress' });
      expect(gh.calls(new RegExp(`git/trees/${LEFT}`)).length).toBe(1);
    });

    it('PRs that left it at one commit and touch no release: the merge base is read once', async () => {
      const costs: string[][] = [];
      for (let i = 0; i < 3; i++) {
        const n = next++;
        const pr = gh.openPull(n, 'dev-alice', LEFT, sha(n), { ...atLeft(), [`src/g${i}.py`]: 'pass\n' }, [
          { filename: `src/g${i}.py`, status: 'added' },
        ]);
        gh.advanceBase(n, MOVED, exampleRepo('nova-2'));
        const before = gh.requests.length;
        await deliver(bot, 'pull_request', pullRequestEvent(gh, pr));
        costs.push(gh.requests.slice(before).map((r) => `${r.method} ${r.path.replace(pr.head, 'HEAD')}`));
        expect(gh.latestCheck(pr.head)).toMatchObject({ status: 'completed', conclusion: 'success' });
      }
      const steady = [`GET /repos/lab/models/compare/${MOVED}...HEAD`, 'POST /repos/lab/models/check-runs'];
      expect(costs[1]).toStrictEqual(steady);
      expect(costs[2]).toStrictEqual(steady);
    });
  });

  it('a PR that changes the gate config needs RSO approval', async () => {
    const n = next++;
    const files = edit(exampleRepo(), '.github/asl-gate.yml', 'grace_days: 0', 'grace_days: 30');
    const pr = gh.openPull(n, 'dev-alice', BASE, sha(n), files, [
      { filename: '.github/asl-gate.yml', status: 'modified' },
    ]);
    await deliver(bot, 'pull_request', pullRequestEvent(gh, pr));
    expect(gh.latestCheck(pr.head)).toMatchObject({ status: 'in_progress' });
    await say(pr.number, 'rso-kaplan', '/rso approve');
    expect(gh.latestCheck(pr.head)).toMatchObject({ conclusion: 'success' });
  });

  it('a redelivered webhook leaves one sticky comment and one reply', async () => {
    const pr = await openRelease('nova-2');
    const event = pullRequestEvent(gh, pr);
    await deliver(bot, 'pull_request', event);
    await deliver(bot, 'pull_request', event);
    const c = gh.comment(pr.number, 'dev-bob', '/rso approve');
    const ce = commentEvent(gh, c);
    await deliver(bot, 'issue_comment', ce, { id: 'same-delivery' });
    await deliver(bot, 'issue_comment', ce, { id: 'same-delivery' });
    expect(gh.stickyComments(pr.number)).toHaveLength(1);
    expect(repliesTo(c.id)).toHaveLength(1);
  });

  it('a bad or missing signature is refused with 400 and no side effects', async () => {
    const n = next++;
    const pr = gh.openPull(n, 'dev-alice', BASE, sha(n), exampleRepo('nova-2'), changedOf(exampleRepo('nova-2')));
    const before = gh.requests.length;
    expect(
      await deliver(bot, 'pull_request', pullRequestEvent(gh, pr), { signature: 'sha256=' + '0'.repeat(64) }),
    ).toBe(400);
    expect(await deliver(bot, 'pull_request', pullRequestEvent(gh, pr), { signature: null })).toBe(400);
    expect(gh.requests.length).toBe(before);
  });

  it('API 500 twice then 200: retried and done', async () => {
    gh.fail({ method: 'GET', path: /\/compare\/\w+\.\.\.\w+$/, status: 500, times: 2 });
    const pr = await openRelease('nova-2');
    expect(gh.latestCheck(pr.head)).toMatchObject({ status: 'in_progress' });
    expect(gh.calls(new RegExp(`compare/\\w+\\.\\.\\.${pr.head}`))).toHaveLength(3);
  });

  it('API 500 forever: never success, and one clear log line', async () => {
    const n = next++;
    const files = exampleRepo('nova-2');
    const pr = gh.openPull(n, 'dev-alice', BASE, sha(n), files, changedOf(files));
    await deliver(bot, 'pull_request', pullRequestEvent(gh, pr));
    await say(n, 'rso-kaplan', '/rso approve');
    expect(gh.latestCheck(pr.head)).toMatchObject({ conclusion: 'success' });
    // Now GitHub breaks: a push arrives, nothing can be read.
    gh.push(n, sha(n, 5), files, 'dev-alice');
    gh.fail({ method: 'GET', path: /\/compare\/\w+\.\.\.\w+$/, status: 500 });
    await deliver(bot, 'pull_request', pullRequestEvent(gh, pr, 'synchronize'));
    expect(gh.latestCheck(pr.head)?.conclusion ?? null).not.toBe('success');
    // The log line travels through the child's stdout pipe: give it a moment to arrive.
    const line = new RegExp(`asl-gate: PR #${n} failed \\(HTTP 500\\)`);
    for (let i = 0; i < 100 && !line.test(bot.logs()); i++) await new Promise((r) => setTimeout(r, 20));
    expect(bot.logs()).toMatch(line);
  });

  it('a secondary rate limit is backed off and retried', async () => {
    gh.fail({
      method: 'GET',
      path: /\/compare\/\w+\.\.\.\w+$/,
      status: 403,
      times: 1,
      headers: { 'retry-after': '1' },
      body: { message: 'You have exceeded a secondary rate limit' },
    });
    const pr = await openRelease('nova-2');
    expect(gh.latestCheck(pr.head)).toMatchObject({ status: 'in_progress' });
    expect(gh.calls(new RegExp(`compare/\\w+\\.\\.\\.${pr.head}`))).toHaveLength(2);
  });
});
