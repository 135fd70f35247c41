// Attack: the PR author sizes the App's check-run output so that the approved run fits GitHub's
// 65,535-character limit on `output.text` and the run recording a later `/rso reject` does not.
// GitHub answers 422; reconcile() throws before anything else is written, so the newest run (the one
// branch protection reads) stays `success: Approved` and the rejection is lost, every time it is
// repeated. The size is the author's to choose: an acknowledged-noncompliance `reason` (free text,
// shown in the releases table and again, base64, in the state) on an on-time assessment is only a
// warning, so the gate still passes.
import { describe, expect, it } from 'vitest';
import { exampleAppAgainstStandIn } from '../helpers/app.js';
import { commentEvent, deliver, pullRequestEvent, releaseChanges } from '../helpers/bot.js';
import { exampleRepo } from '../helpers/repo.js';
import type { TreeFiles } from '../standin/github.js';

const MAIN = 'b'.repeat(40);
const LIMIT = 65_535;
// The stand-in enforces GitHub's documented 65,535-character limit on output.summary/output.text (422).
const { gh, bot } = exampleAppAgainstStandIn(MAIN);

const check = (sha: string) => gh().latestCheck(sha, 'RSO approval: main');
const withReason = (n: number): TreeFiles => {
  const files = exampleRepo('nova-2');
  files['releases/nova-2/asl.yml'] +=
    `noncompliance:\n  - finding: evaluation.late\n    assessment: ai-rd-2026-11\n    reason: ${'a'.repeat(n)}\n`;
  return files;
};

/** Open a PR whose acknowledged reason is `n` characters, and have the RSO approve its head. */
async function approvedPr(number: number, n: number) {
  const files = withReason(n);
  const pr = gh().openPull(
    number,
    'dev-mallory',
    MAIN,
    number.toString(16).padStart(40, 'e'),
    files,
    releaseChanges(files),
  );
  await deliver(bot(), 'pull_request', pullRequestEvent(gh(), pr));
  await deliver(bot(), 'issue_comment', commentEvent(gh(), gh().comment(pr.number, 'rso-kaplan', '/rso approve')));
  return pr;
}

describe('check-run output sized by the PR author', () => {
  it('a rejection after an approval is recorded, whatever the size of the release summary', async () => {
    // The author measures once (any PR of theirs will do) and sizes the real one to just fit.
    const probe = await approvedPr(700, 20_000);
    expect(check(probe.head)).toMatchObject({ conclusion: 'success' });
    const perChar = 1 + 4 / 3; // the reason, once in the table, once base64 in the state
    const n = 20_000 + Math.floor((LIMIT - 150 - check(probe.head)!.output.text!.length) / perChar);

    const pr = await approvedPr(701, n);
    expect(check(pr.head)).toMatchObject({ conclusion: 'success' });
    expect(check(pr.head)!.output.text!.length).toBeLessThanOrEqual(LIMIT);
    // The RSO reads the release and rejects it.
    await deliver(
      bot(),
      'issue_comment',
      commentEvent(
        gh(),
        gh().comment(
          pr.number,
          'rso-kaplan',
          `/rso reject ${'The uplift trial is missing; do not ship this. '.repeat(8)}`,
        ),
      ),
    );
    expect(check(pr.head)?.conclusion).not.toBe('success');
  });
});
