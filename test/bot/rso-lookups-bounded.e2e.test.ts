// Finding 7 of the attack review (/work/research/attacks.md): rso.users on the base branch was an
// unbounded list, and reconcile()'s authorizer resolved every login with its own GET /users/{login},
// all at once, on every event of a release PR. A PR into a branch the attacker pushed, whose config
// listed 3,000 logins, spent 3,000 requests of the installation's quota per event. Now the lists are
// capped in the config schema, and only commenters who issued a command and are listed are looked up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentEvent, deliver, pullRequestEvent, startBot, type BotProcess, releaseChanges } from '../helpers/bot.js';
import { exampleRepo } from '../helpers/repo.js';
import { GitHubStandIn } from '../standin/github.js';

const HOSTILE = 'f'.repeat(40);
const LISTED = 'e'.repeat(40);
let gh: GitHubStandIn;
let bot: BotProcess;

beforeAll(async () => {
  gh = new GitHubStandIn();
  await gh.start();
  const logins = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`);
  gh.commits.set(HOSTILE, {
    '.github/asl-gate.yml': `rso:\n  users: [${logins(3_000).join(', ')}]\n`,
    'README.md': '# models\n',
  });
  // At the cap, the RSO among them (in another case than their login).
  gh.commits.set(LISTED, {
    '.github/asl-gate.yml': `rso:\n  users: [${[...logins(99), 'RSO-Kaplan'].join(', ')}]\n`,
    'README.md': '# models\n',
  });
  for (const u of ['rso-kaplan', 'u7', 'dev-mallory']) gh.user(u);
  bot = await startBot(gh);
});
afterAll(async () => {
  await bot?.stop();
  await gh?.stop();
});

const userLookups = (since: number) => gh.requests.slice(since).filter((r) => r.path.startsWith('/users/'));

describe('who may approve costs a bounded number of requests', () => {
  it('a base config listing 3,000 logins is invalid: the check fails closed, and no login is looked up', async () => {
    const files = exampleRepo('nova-2');
    const pr = gh.openPull(
      810,
      'dev-mallory',
      HOSTILE,
      '8'.repeat(39) + '1',
      files,
      releaseChanges(files),
      'mallory-base',
    );
    const before = gh.requests.length;
    await deliver(bot, 'pull_request', pullRequestEvent(gh, pr));
    expect(userLookups(before)).toEqual([]);
    const run = gh.latestCheck(pr.head, 'RSO approval: mallory-base');
    expect(run?.conclusion).toBe('failure');
    expect(run?.output.summary).toContain('schema.invalid');
    expect(run?.output.summary).toContain('at most 100 logins');
  });

  it('only a listed commenter who issued a command is looked up, once, and matched by id', async () => {
    const files = exampleRepo('nova-2');
    const pr = gh.openPull(811, 'dev-alice', LISTED, '8'.repeat(39) + '2', files, releaseChanges(files), 'listed');
    let before = gh.requests.length;
    await deliver(bot, 'pull_request', pullRequestEvent(gh, pr));
    // No command in the thread: nobody is looked up.
    expect(userLookups(before)).toEqual([]);
    // Someone not listed: no lookup, refused.
    before = gh.requests.length;
    await deliver(bot, 'issue_comment', commentEvent(gh, gh.comment(pr.number, 'dev-mallory', '/rso approve')));
    expect(userLookups(before)).toEqual([]);
    // The RSO, listed as RSO-Kaplan: one lookup of their own login, and the approval counts.
    before = gh.requests.length;
    await deliver(
      bot,
      'issue_comment',
      commentEvent(gh, gh.comment(pr.number, 'rso-kaplan', `/rso approve ${pr.head}`)),
    );
    expect(userLookups(before).map((r) => r.path.toLowerCase())).toEqual(['/users/rso-kaplan']);
    expect(gh.latestCheck(pr.head, 'RSO approval: listed')?.conclusion).toBe('success');
    // A later event: the id is cached.
    before = gh.requests.length;
    await deliver(bot, 'pull_request', pullRequestEvent(gh, pr, 'ready_for_review'));
    expect(userLookups(before)).toEqual([]);
  });
});
