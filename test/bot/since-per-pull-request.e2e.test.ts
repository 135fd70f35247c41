// A check run belongs to a commit, not to a PR: a second PR whose branch is pushed forward to a
// commit another PR already has as its head shares that commit's `RSO approval: main` run. The
// time the first PR's branch reached the commit must not vouch for a bare approval written on the
// second PR before its own branch got there (a final review of the merged binding found this).
import { describe, expect, it } from 'vitest';
import { exampleAppAgainstStandIn } from '../helpers/app.js';
import { commentEvent, deliver, pullRequestEvent, releaseChanges } from '../helpers/bot.js';
import { edit, exampleRepo } from '../helpers/repo.js';

const MAIN = 'b'.repeat(40);
const app = exampleAppAgainstStandIn(MAIN);

describe('since belongs to the PR whose head event set it', () => {
  it("a bare approval on PR 2, handled after PR 2's branch moved (unseen) to PR 1's head, approves nothing", async () => {
    const files = exampleRepo('nova-2');
    const shared = 'ce'.repeat(20);
    const first = app.gh().openPull(620, 'dev-alice', MAIN, shared, files, releaseChanges(files));
    await deliver(app.bot(), 'pull_request', pullRequestEvent(app.gh(), first));
    const earlier = edit(files, 'releases/nova-2/reports/capability.md', '#', '# draft');
    const second = app.gh().openPull(621, 'dev-bob', MAIN, 'cd'.repeat(20), earlier, releaseChanges(earlier));
    await deliver(app.bot(), 'pull_request', pullRequestEvent(app.gh(), second));
    // GitHub's timestamps are whole seconds: the comment comes clearly after the first PR's `since`.
    await new Promise((r) => setTimeout(r, 1_100));
    // The RSO approves PR 2's head as it is (not `shared`); its branch then moves forward to `shared`.
    const c = app.gh().comment(second.number, 'rso-kaplan', '/rso approve');
    app.gh().push(second.number, shared, files, 'dev-bob');
    // The comment is handled before PR 2's synchronize webhook.
    await deliver(app.bot(), 'issue_comment', commentEvent(app.gh(), c));
    expect(app.gh().latestCheck(shared, 'RSO approval: main')?.conclusion).not.toBe('success');
    await deliver(
      app.bot(),
      'pull_request',
      pullRequestEvent(app.gh(), app.gh().pulls.get(second.number)!, 'synchronize'),
    );
    expect(app.gh().latestCheck(shared, 'RSO approval: main')?.conclusion).not.toBe('success');
  });
});
