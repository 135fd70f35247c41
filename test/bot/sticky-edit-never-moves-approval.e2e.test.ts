// Attack: headKnown (reconcile.ts) trusts the head marker of the App's sticky comment, but the App
// only checks who *created* the comment (performed_via_github_app), not who last edited it. Anyone
// with write access (typically the PR author) can edit any comment on the PR. History: head A, push
// B, the RSO reviews B and comments `/rso approve`; the author force-pushes back to A and edits the
// sticky's `<!-- asl-gate:head B -->` back to A; when the App handles the comment before the
// force-push's synchronize (webhooks are not ordered), `since(A) < comment` and the "sticky drawn
// for A" both hold, so the approval of B binds to A.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentEvent, deliver, pullRequestEvent, startBot, type BotProcess, releaseChanges } from '../helpers/bot.js';
import { exampleRepo } from '../helpers/repo.js';
import { GitHubStandIn } from '../standin/github.js';

const MAIN = 'b'.repeat(40);
let gh: GitHubStandIn;
let bot: BotProcess;

beforeAll(async () => {
  gh = new GitHubStandIn();
  await gh.start();
  gh.commits.set(MAIN, { '.github/asl-gate.yml': exampleRepo()['.github/asl-gate.yml'], 'README.md': '# models\n' });
  gh.user('rso-kaplan');
  bot = await startBot(gh);
});
afterAll(async () => {
  await bot?.stop();
  await gh?.stop();
});

describe("the App's sticky comment, edited by the author", () => {
  it('an approval written for B, after a force-push back to A and an edit of the sticky, does not approve A', async () => {
    const files = exampleRepo('nova-2');
    const a = 'a'.repeat(39) + '1';
    const b = 'a'.repeat(39) + '2';
    const pr = gh.openPull(600, 'dev-mallory', MAIN, a, files, releaseChanges(files));
    await deliver(bot, 'pull_request', pullRequestEvent(gh, pr));
    const aFiles = gh.commits.get(a)!;
    gh.push(pr.number, b, { ...files, 'releases/nova-2/reports/extra.md': '# B\n' }, 'dev-mallory');
    await deliver(bot, 'pull_request', pullRequestEvent(gh, pr, 'synchronize'));
    expect(gh.stickyComments(pr.number)[0].body).toContain(`<!-- asl-gate:head ${b} `);
    // The RSO reviews B and approves "the head".
    const c = gh.comment(pr.number, 'rso-kaplan', '/rso approve');
    // The author force-pushes back to A and edits the App's sticky comment (write access suffices).
    gh.push(pr.number, a, aFiles, 'dev-mallory');
    const sticky = gh.stickyComments(pr.number)[0];
    sticky.body = sticky.body.replace(b, a);
    sticky.updated_at = gh.now();
    // The comment's delivery is handled before the force-push's.
    await deliver(bot, 'issue_comment', commentEvent(gh, c));
    await deliver(bot, 'pull_request', pullRequestEvent(gh, pr, 'synchronize'));
    expect(gh.latestCheck(a)?.conclusion).not.toBe('success');
  });
});
