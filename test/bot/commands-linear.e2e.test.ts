// Finding 1 of the attack review (/work/research/attacks.md): the command parser was a backtracking
// regex, quadratic on "/rso", many spaces, then text `.` cannot cross (U+2028), and it ran on the
// main thread for every comment on every event. SPEC §5: "a hostile file never stops the App
// answering other webhooks for more than a second". The parser now reads tokens, in linear time.
import { describe, expect, it } from 'vitest';
import { exampleAppAgainstStandIn } from '../helpers/app.js';
import { commentEvent, deliver, pullRequestEvent, releaseChanges } from '../helpers/bot.js';
import { exampleRepo } from '../helpers/repo.js';

const MAIN = 'b'.repeat(40);
const app = exampleAppAgainstStandIn(MAIN);

/** How long `/ping` waited at most, pinging every 50 ms while `work` runs: how long the App was held. */
async function longestWaitWhile(work: Promise<unknown>): Promise<number> {
  let done = false;
  const pending = work.finally(() => (done = true));
  let longest = 0;
  while (!done) {
    const t = Date.now();
    expect((await fetch(`${app.bot().url}/ping`)).status).toBe(200);
    longest = Math.max(longest, Date.now() - t);
    await new Promise((r) => setTimeout(r, 50));
  }
  await pending;
  return longest;
}

describe('the command parser is linear in the comment', () => {
  it('a 65,536-character comment by anyone, and every later event, holds the App well under a second', async () => {
    const files = exampleRepo('nova-2');
    const pr = app.gh().openPull(900, 'dev-mallory', MAIN, '9'.repeat(39) + '1', files, releaseChanges(files));
    expect(await deliver(app.bot(), 'pull_request', pullRequestEvent(app.gh(), pr))).toBe(200);
    // GitHub's limit on a comment body: 65,536 characters.
    const hostile = `/rso${' '.repeat(65_526)}a b\u2028c`;
    expect(hostile.length).toBeLessThanOrEqual(65_536);
    // And lines short enough to be read as commands: each a `/rso`, many spaces, a verb, U+2028.
    const lines = `/rso${' '.repeat(990)}a b\u2028c\n`.repeat(65);
    expect(lines.length).toBeLessThanOrEqual(65_536);
    const comments = [hostile, hostile, lines].map((body) => app.gh().comment(pr.number, 'dev-mallory', body));
    for (const c of comments)
      expect(await longestWaitWhile(deliver(app.bot(), 'issue_comment', commentEvent(app.gh(), c)))).toBeLessThan(1000);
    // Every later event replays every comment of the PR: a push, and the RSO's status.
    expect(
      await longestWaitWhile(deliver(app.bot(), 'pull_request', pullRequestEvent(app.gh(), pr, 'synchronize'))),
    ).toBeLessThan(1000);
    const status = app.gh().comment(pr.number, 'rso-kaplan', '/rso status');
    expect(await longestWaitWhile(deliver(app.bot(), 'issue_comment', commentEvent(app.gh(), status)))).toBeLessThan(
      1000,
    );
    // An over-long line is no command: nothing to answer; the short lines are unknown commands.
    expect(app.gh().latestCheck(pr.head)?.status).toBe('in_progress');
    const ids = new Set(comments.map((c) => c.id));
    expect(
      app
        .gh()
        .reactions.filter((r) => ids.has(r.comment))
        .map((r) => r.content),
    ).toEqual(['-1']);
  });
});
