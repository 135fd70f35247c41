// Attack: headKnown compares `since`, taken from the App's own clock (new Date() in reconcile()),
// with the comment's created_at, taken from GitHub's clock. When the App's clock runs behind
// GitHub's by more than the time between the RSO's comment and the author's next push, a bare
// approval written while A was the head binds to the B the author pushed right after it.
import { describe, expect, it } from 'vitest';
import { exampleAppAgainstStandIn } from '../helpers/app.js';
import { commentEvent, deliver, pullRequestEvent, releaseChanges } from '../helpers/bot.js';
import { exampleRepo } from '../helpers/repo.js';

const MAIN = 'b'.repeat(40);
const SKEW_MS = 3_000;
const { gh, bot } = exampleAppAgainstStandIn(MAIN, {
  // GitHub's clock is 3 s ahead of the App host's (an NTP hiccup, a VM resumed from suspend).
  before: (standIn) => {
    const now = standIn.now.bind(standIn);
    standIn.now = () => new Date(Date.parse(now()) + SKEW_MS).toISOString();
  },
});

describe('since, on the App clock', () => {
  it('an approval written while A was the head never binds to B pushed just after it', async () => {
    const files = exampleRepo('nova-2');
    const pr = gh().openPull(610, 'dev-mallory', MAIN, 'ab'.repeat(20), files, releaseChanges(files));
    await deliver(bot(), 'pull_request', pullRequestEvent(gh(), pr));
    // The RSO reviews A and approves "the head"; the author pushes B a moment later.
    const c = gh().comment(pr.number, 'rso-kaplan', '/rso approve');
    gh().push(pr.number, 'ac'.repeat(20), { ...files, 'releases/nova-2/reports/extra.md': '# B\n' }, 'dev-mallory');
    await deliver(bot(), 'pull_request', pullRequestEvent(gh(), pr, 'synchronize'));
    await deliver(bot(), 'issue_comment', commentEvent(gh(), c));
    expect(gh().latestCheck(pr.head)?.conclusion).not.toBe('success');
  });
});
