// The App's logs as an operator reads them (`npm start` in production: pino JSON lines): every
// line the App writes about a decision carries the webhook's delivery id, and each check written
// has one decision line naming the PR, head, base, verdict and who decided.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentEvent, deliver, pullRequestEvent, startBot, type BotProcess } from '../helpers/bot.js';
import { exampleRepo } from '../helpers/repo.js';
import { GitHubStandIn } from '../standin/github.js';

const BASE = 'b'.repeat(40);
let gh: GitHubStandIn;
let bot: BotProcess;

beforeAll(async () => {
  gh = new GitHubStandIn();
  await gh.start();
  gh.commits.set(BASE, { '.github/asl-gate.yml': exampleRepo()['.github/asl-gate.yml'], 'README.md': '# models\n' });
  gh.user('rso-kaplan');
  gh.teams.set('responsible-scaling', new Set());
  bot = await startBot(gh);
});
afterAll(async () => {
  await bot.stop();
  await gh.stop();
});

/**
 * The decision lines written for one delivery, once `count` are in: pino writes through a stream,
 * so a line may reach stdout just after the webhook's answer.
 */
async function decisionsOf(delivery: string, count = 1): Promise<Array<Record<string, unknown>>> {
  for (let i = 0; i < 100 && linesOf(delivery).filter((l) => l.decision).length < count; i++)
    await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 50));
  return linesOf(delivery).filter((l) => l.decision);
}

/** The JSON log lines written for one delivery. */
function linesOf(delivery: string): Array<Record<string, unknown>> {
  return bot
    .logs()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.delivery === delivery || l.id === delivery);
}

describe('decision logs', () => {
  it('one decision line per check written, bound to the delivery', async () => {
    const files = exampleRepo('nova-2');
    const changed = Object.keys(files)
      .filter((p) => p.startsWith('releases/'))
      .map((filename) => ({ filename, status: 'added' as const }));
    const head = 'a1'.repeat(20);
    const pr = gh.openPull(7, 'dev-alice', BASE, head, files, changed);
    expect(await deliver(bot, 'pull_request', pullRequestEvent(gh, pr), { id: 'delivery-opened' })).toBe(200);
    const opened = await decisionsOf('delivery-opened');
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({
      delivery: 'delivery-opened',
      event: 'pull_request.opened',
      repo: 'lab/models',
      level: 30,
      decision: { pr: 7, head, base: BASE, verdict: 'pass', state: 'waiting', check: 'in_progress' },
      msg: `asl-gate: RSO approval in_progress on PR #7 head ${head.slice(0, 7)} (base ${BASE.slice(0, 7)}): waiting; gate pass`,
    });
    expect(opened[0].decision).not.toHaveProperty('who');

    const c = gh.comment(7, 'rso-kaplan', '/rso approve');
    expect(await deliver(bot, 'issue_comment', commentEvent(gh, c), { id: 'delivery-approve' })).toBe(200);
    const approved = await decisionsOf('delivery-approve');
    expect(approved).toHaveLength(1);
    expect(approved[0]).toMatchObject({
      event: 'issue_comment.created',
      decision: {
        pr: 7,
        head,
        base: BASE,
        verdict: 'pass',
        state: 'approved',
        check: 'success',
        who: { login: 'rso-kaplan', id: gh.user('rso-kaplan').id },
      },
    });
    expect(approved[0].msg).toContain('by @rso-kaplan');
  });

  it('a non-release PR: one decision line, success', async () => {
    const pr = gh.openPull(8, 'dev-alice', BASE, 'c3'.repeat(20), { 'README.md': '# hi\n' }, [
      { filename: 'README.md', status: 'modified' },
    ]);
    expect(await deliver(bot, 'pull_request', pullRequestEvent(gh, pr), { id: 'delivery-plain' })).toBe(200);
    const lines = await decisionsOf('delivery-plain');
    expect(lines.map((l) => l.decision)).toStrictEqual([
      { pr: 8, head: pr.head, base: BASE, verdict: 'pass', state: 'not_release', check: 'success' },
    ]);
  });
});
