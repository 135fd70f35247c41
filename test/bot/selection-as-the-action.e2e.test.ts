// The App picks the releases a change touches by the Action's rule (checkChange in
// src/engine/check.ts), from GitHub's own listing (listPullFiles in github/snapshot.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, pullRequestEvent, startBot, type BotProcess } from '../helpers/bot.js';
import { exampleRepo } from '../helpers/repo.js';
import { GitHubStandIn } from '../standin/github.js';

const BASE = 'd'.repeat(40);
let gh: GitHubStandIn;
let bot: BotProcess;

beforeAll(async () => {
  gh = new GitHubStandIn();
  await gh.start();
  gh.commits.set(BASE, { ...exampleRepo('nova-2'), 'README.md': '# models\n' });
  gh.user('rso-kaplan');
  bot = await startBot(gh);
});
afterAll(async () => {
  await bot?.stop();
  await gh?.stop();
});

describe("the App's selection is the Action's", () => {
  it('a release folder that lost its asl.yml but keeps files is declaration.missing, not a removed release', async () => {
    const head = { ...gh.commits.get(BASE)! };
    delete head['releases/nova-2/asl.yml'];
    const pr = gh.openPull(900, 'dev-mallory', BASE, '9a'.repeat(20), head, [
      { filename: 'releases/nova-2/asl.yml', status: 'removed' },
    ]);
    await deliver(bot, 'pull_request', pullRequestEvent(gh, pr));
    const run = gh.latestCheck(pr.head);
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(run!.output.summary).toContain('declaration.missing');
    expect(run!.output.text).not.toContain('removed by this pull request');
  });

  it('a PR whose listing GitHub returns empty while it says files changed fails closed', async () => {
    const files = exampleRepo('nova-2');
    const pr = gh.openPull(901, 'dev-mallory', BASE, '9b'.repeat(20), files, []);
    const json = gh.pullJson.bind(gh);
    gh.pullJson = (p) => ({ ...json(p), ...(p.number === 901 ? { changed_files: 3 } : {}) });
    await deliver(bot, 'pull_request', pullRequestEvent(gh, pr));
    const run = gh.latestCheck(pr.head);
    expect(run?.conclusion).not.toBe('success');
    expect(run!.output.summary).toMatch(/GitHub listed no changed files|listed 0 of the 3 files/);
  });
});
