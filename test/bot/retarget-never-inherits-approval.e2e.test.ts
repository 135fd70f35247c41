// Attack: a full-SHA approval given while the PR targeted one base turns another base's check green
// after a retarget. decide() replays "full-SHA approvals of H in the comments" for whatever base the
// PR targets now, so the App's own binding (to the (head, base) it saw) is bypassed: decide.ts says
// "a retarget never inherits an approval".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentEvent, deliver, pullRequestEvent, startBot, type BotProcess, releaseChanges } from '../helpers/bot.js';
import { exampleRepo } from '../helpers/repo.js';
import { GitHubStandIn } from '../standin/github.js';

const MAIN = 'b'.repeat(40);
const STAGING = 'c'.repeat(40);
let gh: GitHubStandIn;
let bot: BotProcess;

beforeAll(async () => {
  gh = new GitHubStandIn();
  await gh.start();
  const config = exampleRepo()['.github/asl-gate.yml'];
  gh.commits.set(MAIN, { '.github/asl-gate.yml': config, 'README.md': '# models\n' });
  // Same policy on a staging branch: an RSO approval is needed there too.
  gh.commits.set(STAGING, { '.github/asl-gate.yml': config, 'README.md': '# models\n' });
  gh.user('rso-kaplan');
  bot = await startBot(gh);
});
afterAll(async () => {
  await bot?.stop();
  await gh?.stop();
});

const check = (sha: string, base: string) => gh.latestCheck(sha, `RSO approval: ${base}`);

describe('retarget after a full-SHA approval', () => {
  it("staging's approval (full SHA) does not make main's check green after a retarget", async () => {
    const files = exampleRepo('nova-2');
    const pr = gh.openPull(500, 'dev-mallory', STAGING, 'a1'.repeat(20), files, releaseChanges(files), 'staging');
    await deliver(bot, 'pull_request', pullRequestEvent(gh, pr));
    expect(check(pr.head, 'staging')).toMatchObject({ status: 'in_progress' });
    // The RSO approves the release into staging, naming the commit in full (as the reply asks).
    const c = gh.comment(pr.number, 'rso-kaplan', `/rso approve ${pr.head}`);
    await deliver(bot, 'issue_comment', commentEvent(gh, c));
    expect(check(pr.head, 'staging')).toMatchObject({ conclusion: 'success' });
    // The author retargets the PR to main: main's check is a fresh (head, main) and must wait.
    await deliver(
      bot,
      'pull_request',
      pullRequestEvent(gh, pr, 'edited', { base: gh.retarget(pr.number, MAIN, 'main') }),
    );
    expect(check(pr.head, 'main')?.conclusion).not.toBe('success');
  });

  it('…nor when the App missed the approval comment while the PR was on staging', async () => {
    const files = exampleRepo('nova-2');
    const pr = gh.openPull(501, 'dev-mallory', STAGING, 'a2'.repeat(20), files, releaseChanges(files), 'staging');
    await deliver(bot, 'pull_request', pullRequestEvent(gh, pr));
    gh.comment(pr.number, 'rso-kaplan', `/rso approve ${pr.head}`);
    await deliver(
      bot,
      'pull_request',
      pullRequestEvent(gh, pr, 'edited', { base: gh.retarget(pr.number, MAIN, 'main') }),
    );
    expect(check(pr.head, 'main')?.conclusion).not.toBe('success');
  });

  it('…nor a bare approval written while the PR targeted staging, handled after a retarget back to main', async () => {
    // Opened on main (the App draws its sticky for H), retargeted to staging: the sticky names only
    // the head, never the base, and main's `since` still predates the comment.
    const files = exampleRepo('nova-2');
    const pr = gh.openPull(502, 'dev-mallory', MAIN, 'a3'.repeat(20), files, releaseChanges(files), 'main');
    await deliver(bot, 'pull_request', pullRequestEvent(gh, pr));
    await deliver(
      bot,
      'pull_request',
      pullRequestEvent(gh, pr, 'edited', { base: gh.retarget(pr.number, STAGING, 'staging') }),
    );
    const c = gh.comment(pr.number, 'rso-kaplan', '/rso approve');
    // The author retargets to main again; the App handles the comment before the `edited` event.
    const back = gh.retarget(pr.number, MAIN, 'main');
    await deliver(bot, 'issue_comment', commentEvent(gh, c));
    await deliver(bot, 'pull_request', pullRequestEvent(gh, pr, 'edited', { base: back }));
    expect(check(pr.head, 'main')?.conclusion).not.toBe('success');
  });
});
