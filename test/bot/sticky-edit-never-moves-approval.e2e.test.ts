// Attack: headKnown (reconcile.ts) trusts the head marker of the App's sticky comment, but the App
// only checks who *created* the comment (performed_via_github_app), not who last edited it. Anyone
// with write access (typically the PR author) can edit any comment on the PR. History: head A, push
// B, the RSO reviews B and comments `/rso approve`; the author force-pushes back to A and edits the
// sticky's `<!-- asl-gate:head B -->` back to A; when the App handles the comment before the
// force-push's synchronize (webhooks are not ordered), `since(A) < comment` and the "sticky drawn
// for A" both hold, so the approval of B binds to A.
import { describe, expect, it } from 'vitest';
import { exampleAppAgainstStandIn } from '../helpers/app.js';
import { commentEvent, deliver, pullRequestEvent, releaseChanges } from '../helpers/bot.js';
import { exampleRepo } from '../helpers/repo.js';

const MAIN = 'b'.repeat(40);
const app = exampleAppAgainstStandIn(MAIN);

describe("the App's sticky comment, edited by the author", () => {
  it('an approval written for B, after a force-push back to A and an edit of the sticky, does not approve A', async () => {
    const files = exampleRepo('nova-2');
    const a = 'a'.repeat(39) + '1';
    const b = 'a'.repeat(39) + '2';
    const pr = app.gh().openPull(600, 'dev-mallory', MAIN, a, files, releaseChanges(files));
    await deliver(app.bot(), 'pull_request', pullRequestEvent(app.gh(), pr));
    const aFiles = app.gh().commits.get(a)!;
    app.gh().push(pr.number, b, { ...files, 'releases/nova-2/reports/extra.md': '# B\n' }, 'dev-mallory');
    await deliver(app.bot(), 'pull_request', pullRequestEvent(app.gh(), pr, 'synchronize'));
    expect(app.gh().stickyComments(pr.number)[0].body).toContain(`<!-- asl-gate:head ${b} `);
    // The RSO reviews B and approves "the head".
    const c = app.gh().comment(pr.number, 'rso-kaplan', '/rso approve');
    // The author force-pushes back to A and edits the App's sticky comment (write access suffices).
    app.gh().push(pr.number, a, aFiles, 'dev-mallory');
    const sticky = app.gh().stickyComments(pr.number)[0];
    sticky.body = sticky.body.replace(b, a);
    sticky.updated_at = app.gh().now();
    // The comment's delivery is handled before the force-push's.
    await deliver(app.bot(), 'issue_comment', commentEvent(app.gh(), c));
    await deliver(app.bot(), 'pull_request', pullRequestEvent(app.gh(), pr, 'synchronize'));
    expect(app.gh().latestCheck(a)?.conclusion).not.toBe('success');
  });
});
