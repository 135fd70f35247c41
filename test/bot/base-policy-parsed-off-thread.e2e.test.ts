// Attack: the App parses the base branch's config and pack on its main thread (reconcile() ->
// loadPolicy()), outside the worker and its time budget. Anyone who can push a branch can open a
// PR *into* that branch, so the "trusted" base is theirs: a 256 KiB pack (under the cap) holds the
// event loop for seconds, on every event of that PR. SPEC §5: "a hostile file never stops the App
// answering other webhooks for more than a second".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, pullRequestEvent, startBot, type BotProcess, releaseChanges } from '../helpers/bot.js';
import { exampleRepo } from '../helpers/repo.js';
import { GitHubStandIn } from '../standin/github.js';

const HOSTILE = 'f'.repeat(40);
let gh: GitHubStandIn;
let bot: BotProcess;

const CAP = 256 * 1024 - 200;
function fill(prefix: string, item: string, suffix: string): string {
  const n = Math.floor((CAP - prefix.length - suffix.length) / item.length);
  return prefix + item.repeat(n) + suffix;
}

beforeAll(async () => {
  gh = new GitHubStandIn();
  await gh.start();
  // A branch the attacker pushed: its config names a pack file in the branch, one long flow sequence.
  const pack = fill(
    'id: x\nname: x\nstandards: [s]\nthresholds: []\nsafeguards: []\nreports: {}\nreviews: {}\nlevels: [',
    'a, ',
    'a]\n',
  );
  gh.commits.set(HOSTILE, {
    '.github/asl-gate.yml': 'policy: evil.yml\n',
    'evil.yml': pack,
    'README.md': '# models\n',
  });
  bot = await startBot(gh);
});
afterAll(async () => {
  await bot?.stop();
  await gh?.stop();
});

describe("a hostile pack on the PR's base branch", () => {
  it('does not hold the App for more than a second', async () => {
    const files = exampleRepo('nova-2');
    const pr = gh.openPull(800, 'dev-mallory', HOSTILE, '8'.repeat(40), files, releaseChanges(files), 'mallory-base');
    let done = false;
    const pending = deliver(bot, 'pull_request', pullRequestEvent(gh, pr)).finally(() => (done = true));
    // Ping the App all the while it handles the event: the longest wait is how long it was held.
    let longest = 0;
    while (!done) {
      const t = Date.now();
      expect((await fetch(`${bot.url}/ping`)).status).toBe(200);
      longest = Math.max(longest, Date.now() - t);
      await new Promise((r) => setTimeout(r, 50));
    }
    await pending;
    expect(longest).toBeLessThan(1000);
  });

  it('past the budget the config counts as broken: RSO approval fails closed, and the App still answers', async () => {
    const strict = await startBot(gh, { ASL_GATE_POLICY_TIMEOUT_MS: '1' });
    try {
      const files = exampleRepo('nova-2');
      const pr = gh.openPull(801, 'dev-mallory', HOSTILE, '9'.repeat(40), files, releaseChanges(files), 'mallory-base');
      await deliver(strict, 'pull_request', pullRequestEvent(gh, pr));
      const run = gh.latestCheck(pr.head, 'RSO approval: mallory-base');
      expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
      expect(run!.output.summary).toMatch(/took longer than .* to read and parse; the gate fails closed/);
      expect((await fetch(`${strict.url}/ping`)).status).toBe(200);
    } finally {
      await strict.stop();
    }
  });
});
