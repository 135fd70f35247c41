// Finding 1 of the attack review (/work/research/attacks.md): the command parser was a backtracking
// regex, quadratic on "/rso", many spaces, then text `.` cannot cross (U+2028), and it ran on the
// main thread for every comment on every event. SPEC §5: "a hostile file never stops the App
// answering other webhooks for more than a second". The parser now reads tokens, in linear time.
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

/** How long `/ping` waited at most, pinging every 50 ms while `work` runs: how long the App was held. */
async function longestWaitWhile(work: Promise<unknown>): Promise<number> {
  let done = false;
  const pending = work.finally(() => (done = true));
  let longest = 0;
  while (!done) {
    const t = Date.now();
    expect((await fetch(`${bot.url}/ping`)).status).toBe(200);
    longest = Math.max(longest, Date.now() - t);
    await new Promise((r) => setTimeout(r, 50));
  }
  await pending;
  return longest;
}

describe('the command parser is linear in the comment', () => {
  it('a 65,536-character comment by anyone, and every later event, holds the App well under a second', async () => {
    const files = exampleRepo('nova-2');
    const pr = gh.openPull(900, 'dev-mallory', MAIN, '9'.repeat(39) + '1', files, releaseChanges(files));
    expect(await deliver(bot, 'pull_request', pullRequestEvent(gh, pr))).toBe(200);
    // GitHub's limit on a comment body: 65,536 characters.
    const hostile = `/rso${' '.repeat(65_526)}a b\u2028c`;
    expect(hostile.length).toBeLessThanOrEqual(65_536);
    // And lines short enough to be read as commands: each a `/rso`, many spaces, a verb, U+2028.
    const lines = `/rso${' '.repeat(990)}a b\u2028c\n`.repeat(65);
    expect(lines.length).toBeLessThanOrEqual(65_536);
    const comments = [hostile, hostile, lines].map((body) => gh.comment(pr.number, 'dev-mallory', body));
    for (const c of comments)
      expect(await longestWaitWhile(deliver(bot, 'issue_comment', commentEvent(gh, c)))).toBeLessThan(1000);
    // Every later event replays every comment of the PR: a push, and the RSO's status.
    expect(await longestWaitWhile(deliver(bot, 'pull_request', pullRequestEvent(gh, pr, 'synchronize')))).toBeLessThan(
      1000,
    );
    const status = gh.comment(pr.number, 'rso-kaplan', '/rso status');
    expect(await longestWaitWhile(deliver(bot, 'issue_comment', commentEvent(gh, status)))).toBeLessThan(1000);
    // An over-long line is no command: nothing to answer; the short lines are unknown commands.
    expect(gh.latestCheck(pr.head)?.status).toBe('in_progress');
    const ids = new Set(comments.map((c) => c.id));
    expect(gh.reactions.filter((r) => ids.has(r.comment)).map((r) => r.content)).toEqual(['-1']);
  });
});
