// Finding 8 of the attack review (/work/research/attacks.md): anyone could comment `/rso recheck`,
// and each one recomputed the gate in the App's worker pool (two workers, a 30 s budget per task).
// A head whose files take the whole budget, and a handful of recheck comments, kept both workers
// busy: every other PR of every repository the App serves waited for its check. Now a recheck
// recomputes only for someone holding a role in the base config (anyone else is told why), and one
// at a time per (head, base). Here the budget is 2 s (ASL_GATE_JUDGE_TIMEOUT_MS) to keep it short.
import { describe, expect, it } from 'vitest';
import { exampleAppAgainstStandIn } from '../helpers/app.js';
import { commentEvent, deliver, pullRequestEvent, releaseChanges } from '../helpers/bot.js';
import { exampleRepo } from '../helpers/repo.js';
import type { TreeFiles } from '../standin/github.js';

const MAIN = 'b'.repeat(40);
const { gh, bot } = exampleAppAgainstStandIn(MAIN, { env: { ASL_GATE_JUDGE_TIMEOUT_MS: '2000' } });

describe('the shared judging pool', () => {
  it("a stranger's recheck comments on a slow PR do not hold up another PR's check", async () => {
    // The slow PR: assessments that are each one 256 KiB flow sequence (slow to parse, under the cap).
    const slow: TreeFiles = exampleRepo('nova-2');
    const seq = `[${'a, '.repeat(87_000)}a]\n`;
    for (let i = 0; i < 6; i++) slow[`releases/nova-2/assessments/x${i}.yml`] = seq;
    slow['releases/nova-2/asl.yml'] = (slow['releases/nova-2/asl.yml'] as string).replace(
      'assessments:\n',
      `assessments:\n${[0, 1, 2, 3, 4, 5].map((i) => `  - assessments/x${i}.yml\n`).join('')}`,
    );
    const bad = gh().openPull(620, 'dev-mallory', MAIN, 'cd'.repeat(20), slow, releaseChanges(slow));
    await deliver(bot(), 'pull_request', pullRequestEvent(gh(), bad));
    // Six `/rso recheck` comments by someone with no role at all.
    const rechecks = Array.from({ length: 6 }, () =>
      deliver(bot(), 'issue_comment', commentEvent(gh(), gh().comment(bad.number, 'dev-mallory', '/rso recheck'))),
    );
    await new Promise((r) => setTimeout(r, 200));
    // Meanwhile an ordinary release PR is opened (any repository of the installation would do).
    const files = exampleRepo('nova-2');
    const pr = gh().openPull(621, 'dev-alice', MAIN, 'ce'.repeat(20), files, releaseChanges(files));
    const t = Date.now();
    await deliver(bot(), 'pull_request', pullRequestEvent(gh(), pr));
    const took = Date.now() - t;
    const answered = await Promise.all(rechecks);
    expect(gh().latestCheck(pr.head)).toBeDefined();
    expect(took).toBeLessThan(2500);
    // Each stranger's recheck gets a 👎 and a reply saying why.
    expect(answered).toEqual([200, 200, 200, 200, 200, 200]);
    const mine = gh().comments.filter((c) => c.body.includes('`/rso recheck` asks for the gate'));
    expect(mine).toHaveLength(6);
    expect(mine[0].body).toContain('@dev-mallory holds none');
  });

  it("the RSO's recheck judges the head again", async () => {
    const files = exampleRepo('nova-2');
    const pr = gh().openPull(622, 'dev-alice', MAIN, 'cf'.repeat(20), files, releaseChanges(files));
    await deliver(bot(), 'pull_request', pullRequestEvent(gh(), pr));
    const before = gh().requests.length;
    const c = gh().comment(pr.number, 'rso-kaplan', '/rso recheck');
    await deliver(bot(), 'issue_comment', commentEvent(gh(), c));
    // Judging again reads the changed files again.
    expect(
      gh()
        .requests.slice(before)
        .some((r) => r.path.endsWith(`/compare/${pr.base}...${pr.head}`)),
    ).toBe(true);
    expect(gh().reactions.find((r) => r.comment === c.id)?.content).toBe('+1');
  });
});
